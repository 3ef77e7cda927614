package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildVersion is what the Go toolchain recorded about this binary: the
// module version ("(devel)" when built from a checkout without a tag), the
// version-control revision and time, whether the checkout had uncommitted
// changes, and the Go version. It replaces the old "-X main.version" stamp,
// which left a bare "dev" in every ordinary build.
type buildVersion struct {
	Module    string // module version, e.g. v1.2.0 or a pseudo-version; "(devel)" when unknown
	Revision  string // full vcs.revision, "" when not built from a checkout
	Time      string // vcs.time, RFC 3339
	Modified  bool   // vcs.modified: built with uncommitted changes
	GoVersion string
}

// readBuildVersion reads the build information of the running binary.
func readBuildVersion() buildVersion {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return buildVersion{Module: "(devel)", GoVersion: "unknown"}
	}
	return versionFrom(info)
}

// versionFrom extracts a buildVersion from build information.
func versionFrom(info *debug.BuildInfo) buildVersion {
	v := buildVersion{Module: info.Main.Version, GoVersion: info.GoVersion}
	if v.Module == "" {
		v.Module = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// shortRevision is the first 12 hex digits of the revision.
func (v buildVersion) shortRevision() string {
	if len(v.Revision) > 12 {
		return v.Revision[:12]
	}
	return v.Revision
}

// String is the one-line version: the module version, and the revision
// when the module version does not already carry it.
func (v buildVersion) String() string {
	s := v.Module
	if r := v.shortRevision(); r != "" && !strings.Contains(s, r) {
		s += " (" + r
		if v.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s
}

// write prints the full version, one fact per line.
func (v buildVersion) write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "kneetrack %s\n", v.Module)
	if v.Revision != "" {
		fmt.Fprintf(&b, "revision: %s\n", v.shortRevision())
		if v.Time != "" {
			fmt.Fprintf(&b, "committed: %s\n", v.Time)
		}
		if v.Modified {
			b.WriteString("modified: yes (built with uncommitted changes)\n")
		} else {
			b.WriteString("modified: no\n")
		}
	} else {
		b.WriteString("revision: unknown (the build recorded none: build in a git checkout with scripts/setup.sh or go build -buildvcs=true)\n")
	}
	fmt.Fprintf(&b, "go: %s\n", v.GoVersion)
	_, err := io.WriteString(w, b.String())
	return err
}

// version is the one-line version the outputs record as their generator
// (e.g. "kneetrack " + version in the analysis JSON). It is computed once
// from the build information and never changes.
var version = readBuildVersion().String()

func newVersionCmd(*globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kneetrack's version, revision, build time and Go version",
		Long: `version prints what the Go toolchain recorded when this binary was built: the
module version ("(devel)" for a build from a checkout without a release
tag), the git revision and its commit time, whether the checkout had
uncommitted changes, and the Go version. 'kneetrack --version' prints the
first line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return readBuildVersion().write(cmd.OutOrStdout())
		},
	}
}

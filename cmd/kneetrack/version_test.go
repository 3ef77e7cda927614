package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name     string
		info     debug.BuildInfo
		line     string
		contains []string
	}{
		{"checkout, clean", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "false"}}},
			"(devel) (0123456789ab)", []string{"kneetrack (devel)\n", "revision: 0123456789ab\n", "committed: 2026-01-02T03:04:05Z\n", "modified: no\n", "go: go1.26.8\n"}},
		{"checkout, modified", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "true"}}},
			"(devel) (0123456789ab, modified)", []string{"modified: yes"}},
		{"pseudo-version names the revision", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260102030405-0123456789ab"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}}},
			"v0.0.0-20260102030405-0123456789ab", []string{"kneetrack v0.0.0-20260102030405-0123456789ab\n"}},
		{"go install of a release", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}},
			"v1.2.0", []string{"kneetrack v1.2.0\n", "revision: unknown"}},
		{"nothing recorded", debug.BuildInfo{GoVersion: "go1.26.8"}, "(devel)", []string{"kneetrack (devel)\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := versionFrom(&tc.info)
			if got := v.String(); got != tc.line {
				t.Errorf("one-line version %q, want %q", got, tc.line)
			}
			var b strings.Builder
			if err := v.write(&b); err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.contains {
				if !strings.Contains(b.String(), want) {
					t.Errorf("version printed %q, want it to contain %q", b.String(), want)
				}
			}
			if strings.Contains(b.String(), "dev\n") {
				t.Errorf("version printed a bare dev: %q", b.String())
			}
		})
	}
}

// TestBuiltVersion builds the binary from a git checkout of this
// repository's HEAD with the working tree's files laid over it (Go stamps
// version-control facts only where .git is a folder, which a git worktree's
// is not) and checks that 'version' shows HEAD's revision, and 'modified'
// exactly when the working tree differs from HEAD.
func TestBuiltVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	top, err := exec.Command(gitPath, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git checkout (no .git): " + err.Error())
	}
	repo := strings.TrimSpace(string(top))
	git := func(dir string, args ...string) string {
		t.Helper()
		out, err := exec.Command(gitPath, append([]string{"-C", dir}, args...)...).Output()
		if err != nil {
			t.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	head := git(repo, "rev-parse", "HEAD")
	dirty := git(repo, "status", "--porcelain") != ""

	tmp := t.TempDir()
	clone := filepath.Join(tmp, "src")
	if out, err := exec.Command(gitPath, "clone", "-q", "--shared", "--no-checkout", repo, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	git(clone, "checkout", "-q", head)
	// The working tree's files (tracked and new, not ignored), as they are now.
	for _, f := range strings.Split(git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard"), "\x00") {
		if f != "" {
			copyFile(t, filepath.Join(repo, f), filepath.Join(clone, f))
		}
	}
	bin := filepath.Join(tmp, "kneetrack")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kneetrack")
	build.Dir = clone
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("kneetrack version: %v", err)
	}
	want := []string{"revision: " + head[:12] + "\n", "committed: ", "go: go1."}
	if dirty {
		want = append(want, "modified: yes")
	} else {
		want = append(want, "modified: no")
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Errorf("kneetrack version printed:\n%s\nwant %q (HEAD %s, working tree modified: %v)", out, w, head, dirty)
		}
	}
	short, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(short), "kneetrack ") || !strings.Contains(string(short), head[:12]) {
		t.Errorf("kneetrack --version: %q, %v; want one line naming revision %s", short, err, head[:12])
	}
}

// copyFile copies src to dst (a symlink or missing source is skipped: a
// file deleted in the working tree is then HEAD's in the copy).
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	st, err := os.Lstat(src)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

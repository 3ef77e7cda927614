package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/cliflag"
)

// manMark is in the first lines of every page this command writes: a file
// without it there is not one of ours and is never replaced.
const manMark = `.TH "KNEETRACK`

func newManCmd(*globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write kneetrack's manual pages (section 1) into DIR",
		Long: `man writes one manual page per command (kneetrack.1, kneetrack-analyze.1,
kneetrack-models-pull.1, ...) into DIR, creating it if needed. The pages are
made from the same text as --help. All pages are written together or none
is; a file in DIR with a page's name that is not a kneetrack page is never
replaced.

To install them for your user (man looks in ~/.local/share/man):
  kneetrack man ~/.local/share/man/man1
  man kneetrack-analyze`,
		Example: `  kneetrack man ~/.local/share/man/man1
  sudo kneetrack man /usr/local/share/man/man1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := writeManPages(cmd, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d manual pages into %s\n", n, args[0])
			return nil
		},
	}
}

// writeManPages writes the page of every available command of cmd's tree
// into dir, all together, and returns how many it wrote.
func writeManPages(cmd *cobra.Command, dir string) (int, error) {
	if dir == "" {
		return 0, cliflag.Usagef("give the folder to write the pages into, e.g. kneetrack man ~/.local/share/man/man1")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return 0, cliflag.Usagef("%s is %s, not a folder: give a folder for the pages", dir, atomicfile.KindOf(st.Mode()))
	}
	root := cmd.Root()
	root.DisableAutoGenTag = true // no generation date in every page: the same binary writes the same pages
	header := &doc.GenManHeader{Title: "KNEETRACK", Section: "1", Source: "kneetrack " + version, Manual: "kneetrack manual"}
	if t, err := time.Parse(time.RFC3339, readBuildVersion().Time); err == nil {
		header.Date = &t
	} else {
		epoch := time.Unix(0, 0).UTC()
		header.Date = &epoch
	}
	var b atomicfile.Batch
	if err := b.MkdirAll(dir); err != nil {
		return 0, err
	}
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			return nil
		}
		path := filepath.Join(dir, strings.ReplaceAll(c.CommandPath(), " ", "-")+"."+header.Section)
		if err := checkOurs(path); err != nil {
			return err
		}
		h := *header
		if err := b.Write(path, func(w io.Writer) error { return doc.GenMan(c, &h, w) }); err != nil {
			return fmt.Errorf("writing the manual page of %s: %w", c.CommandPath(), err)
		}
		for _, sub := range c.Commands() {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		b.Discard()
		return 0, err
	}
	n := b.Len()
	return n, b.Commit(cmd.Context())
}

// checkOurs refuses to replace a file that is not a kneetrack manual page.
func checkOurs(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking %s before replacing it: %w", path, err)
	}
	defer f.Close()
	head, _ := bufio.NewReader(f).Peek(256)
	if !strings.Contains(string(head), manMark) {
		return fmt.Errorf("%s exists and is not a kneetrack manual page: not replacing it; move it away or choose another folder", path)
	}
	return nil
}

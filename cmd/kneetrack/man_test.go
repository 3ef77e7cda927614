package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestManPages: every command gets a page that names every one of its
// flags; a second run replaces the pages; a file that is not a kneetrack
// page is never replaced and then nothing is written.
func TestManPages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "share", "man1") // created by the command
	if _, err := execute(t, "man", dir); err != nil {
		t.Fatalf("man %s: %v", dir, err)
	}
	var walk func(c *cobra.Command)
	pages := 0
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() {
			return
		}
		pages++
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("no page for %s: %v", c.CommandPath(), err)
			}
			page := string(b)
			if !strings.Contains(page, c.Short) {
				t.Errorf("page of %s lacks its summary %q", c.CommandPath(), c.Short)
			}
			c.Flags().AddFlagSet(c.InheritedFlags())
			c.Flags().VisitAll(func(f *pflag.Flag) {
				if f.Hidden {
					if strings.Contains(page, `\fB--`+f.Name+`\fP`) {
						t.Errorf("page of %s shows the hidden --%s", c.CommandPath(), f.Name)
					}
					return
				}
				if !strings.Contains(page, `\fB--`+f.Name+`\fP`) {
					t.Errorf("page of %s lacks --%s", c.CommandPath(), f.Name)
				}
			})
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The tree above lacks cobra's completion commands, added when run:
	// completion and one per shell (bash, fish, powershell, zsh).
	if len(entries) != pages+5 {
		t.Errorf("%d files written, want %d pages (%d commands and 5 for completion)", len(entries), pages+5, pages)
	}

	// Again: our pages are replaced.
	if _, err := execute(t, "man", dir); err != nil {
		t.Fatalf("man %s a second time: %v", dir, err)
	}
	// A file of someone else's under a page's name stops the run.
	other := filepath.Join(t.TempDir(), "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(other, "kneetrack-pose.1")
	if err := os.WriteFile(mine, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := execute(t, "man", other); err == nil || !strings.Contains(err.Error(), "not a kneetrack manual page") {
		t.Errorf("man over a foreign kneetrack-pose.1: %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "my notes\n" {
		t.Errorf("the foreign file was changed to %q", b)
	}
	if _, err := os.Stat(filepath.Join(other, "kneetrack.1")); err == nil {
		t.Errorf("a refused run still wrote kneetrack.1")
	}
	// A file where the folder should be.
	if _, err := execute(t, "man", mine); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("man FILE: %v, want a refusal naming the folder", err)
	}
}

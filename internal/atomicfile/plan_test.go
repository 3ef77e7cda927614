package atomicfile

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestPlanCheck(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "squats.mp4")
	must(t, os.WriteFile(in, []byte("video"), 0o644))
	must(t, os.Symlink(in, filepath.Join(dir, "link.mp4")))
	must(t, os.Link(in, filepath.Join(dir, "hard.mp4")))
	fifo := filepath.Join(dir, "fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	file := filepath.Join(dir, "file.txt")
	must(t, os.WriteFile(file, []byte("x"), 0o644))

	type out struct{ flag, path string }
	tests := []struct {
		name    string
		outs    []out
		mkdirs  bool
		wantErr string // "" for no error
	}{
		{"new file", []out{{"-o", filepath.Join(dir, "report.txt")}}, false, ""},
		{"stdout is not a file", []out{{"-o", "-"}}, false, ""},
		{"the input itself", []out{{"-o", in}}, false, "would overwrite the input"},
		{"the input, relative and uncleaned", []out{{"--csv", dir + "/./sub/../squats.mp4"}}, false, "would overwrite the input"},
		{"the input through a symbolic link", []out{{"-o", filepath.Join(dir, "link.mp4")}}, false, "would overwrite the input"},
		{"the input through a hard link", []out{{"-o", filepath.Join(dir, "hard.mp4")}}, false, "would overwrite the input"},
		{"two outputs, one file", []out{{"--save-track", filepath.Join(dir, "t.json")}, {"-o", filepath.Join(dir, "t.json")}}, false, "name the same file"},
		{"a named pipe", []out{{"-o", fifo}}, false, "a named pipe"},
		{"a folder", []out{{"-o", dir}}, false, "is a folder"},
		{"a name ending in a slash", []out{{"-o", filepath.Join(dir, "new") + "/"}}, false, "names a folder"},
		{"a missing folder", []out{{"--csv", filepath.Join(dir, "nope", "f.csv")}}, false, "does not exist"},
		{"a file used as a folder", []out{{"--csv", filepath.Join(file, "f.csv")}}, false, "not a folder"},
		{"a folder that may be created", []out{{"--report", filepath.Join(dir, "a", "b", "report.html")}}, true, ""},
		{"a folder that cannot be written", []out{{"--report", "/proc/kneetrack-test/report.html"}}, true, "cannot write"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Plan
			p.Input(in)
			for _, o := range tc.outs {
				if tc.mkdirs {
					p.OutputIn(o.flag, o.path)
				} else {
					p.Output(o.flag, o.path)
				}
			}
			err := p.Check()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Check: %v, want an error containing %q", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.outs[len(tc.outs)-1].flag) {
				t.Errorf("the message %q does not name the flag", err)
			}
		})
	}
	// Check creates nothing.
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("Check created a folder")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 5 {
		t.Errorf("%d entries in the folder after the checks, want the 5 made by the test", len(ents))
	}
}

func TestWriteRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	targets := []string{fifo, dir}
	if os.Geteuid() == 0 {
		// A copy of /dev/null (character device 1,3).
		null := filepath.Join(dir, "null")
		must(t, syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)))
		targets = append(targets, null)
	}
	for _, path := range targets {
		before, _ := os.Lstat(path)
		err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err })
		if err == nil {
			t.Errorf("Write(%s) succeeded", path)
		}
		after, _ := os.Lstat(path)
		if after == nil || after.Mode() != before.Mode() {
			t.Errorf("%s was replaced: mode %v, was %v", path, after.Mode(), before.Mode())
		}
	}
}

func TestWriteThroughLinkKeepsLinkAndMode(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	must(t, os.WriteFile(real, []byte("old"), 0o600))
	link := filepath.Join(dir, "link.json")
	must(t, os.Symlink(real, link))
	must(t, Write(link, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }))
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st, err)
	}
	st, _ := os.Stat(real)
	if b, _ := os.ReadFile(real); string(b) != "new" || st.Mode().Perm() != 0o600 {
		t.Fatalf("real file holds %q with mode %v, want \"new\" and 0600", b, st.Mode().Perm())
	}
}

func TestBatch(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "rep", "report.html")
	must(t, os.WriteFile(a, []byte("old a"), 0o644))
	stage := func(bt *Batch) {
		t.Helper()
		must(t, bt.Write(a, func(w io.Writer) error { _, err := io.WriteString(w, "new a"); return err }))
		must(t, bt.MkdirAll(filepath.Dir(b)))
		tmp, err := bt.Reserve(b)
		must(t, err)
		// A tool writes the reserved file by renaming over it, as the
		// video encoder does.
		other := filepath.Join(dir, "rep", "tool-output")
		must(t, os.WriteFile(other, []byte("new b"), 0o600))
		must(t, os.Rename(other, tmp))
	}

	t.Run("cancelled", func(t *testing.T) {
		var bt Batch
		stage(&bt)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := bt.Commit(ctx); err != context.Canceled {
			t.Fatalf("Commit after cancel: %v", err)
		}
		if got, _ := os.ReadFile(a); string(got) != "old a" {
			t.Errorf("a holds %q after a cancelled run", got)
		}
		if _, err := os.Stat(filepath.Dir(b)); err == nil {
			t.Error("the folder the batch made is still there")
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%d entries left, want only a.txt", len(ents))
		}
	})
	t.Run("committed", func(t *testing.T) {
		var bt Batch
		stage(&bt)
		// Until Commit nothing has changed.
		if got, _ := os.ReadFile(a); string(got) != "old a" {
			t.Errorf("a holds %q before Commit", got)
		}
		must(t, bt.Commit(context.Background()))
		for path, want := range map[string]string{a: "new a", b: "new b"} {
			got, err := os.ReadFile(path)
			st, _ := os.Stat(path)
			if string(got) != want || err != nil || st.Mode().Perm() != 0o644 {
				t.Errorf("%s holds %q (mode %v, %v), want %q, 0644", path, got, st.Mode().Perm(), err, want)
			}
		}
		if ents, _ := os.ReadDir(filepath.Dir(b)); len(ents) != 1 {
			t.Errorf("%d entries in the report folder, want 1", len(ents))
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

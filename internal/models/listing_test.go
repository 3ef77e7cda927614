package models

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	env := t.TempDir()
	t.Setenv(EnvDir, env)
	for _, tc := range []struct{ flag, want string }{{"/some/models", "/some/models"}, {"", env}} {
		t.Run(tc.want, func(t *testing.T) {
			if got, err := Dir(tc.flag); err != nil || got != tc.want {
				t.Errorf("Dir(%q) = %q, %v; want %q", tc.flag, got, err, tc.want)
			}
		})
	}
}

func TestPresence(t *testing.T) {
	m := Catalog()[0]
	damaged := t.TempDir()
	for _, f := range m.Files() {
		if err := os.WriteFile(filepath.Join(damaged, f.Name), []byte("not the model"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, dir, want string }{
		{"empty folder", t.TempDir(), "no"},
		{"wrong contents", damaged, "DAMAGED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Presence(tc.dir, m.Name); got != tc.want {
				t.Errorf("Presence = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWriteList(t *testing.T) {
	var buf bytes.Buffer
	dir := t.TempDir()
	if err := WriteList(&buf, dir); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if want := 3 + len(Catalog()); len(lines) != want {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), want, buf.String())
	}
	for i, m := range Catalog() {
		f := strings.Fields(lines[3+i])
		mb, err := strconv.ParseFloat(f[1], 64)
		if f[0] != m.Name || err != nil || math.Abs(mb-float64(m.JSON.Size+m.Bin.Size)/1e6) > 0.05 || f[2] != "MB" || f[3] != "no" {
			t.Errorf("row %q for %s (%d bytes, absent)", lines[3+i], m.Name, m.JSON.Size+m.Bin.Size)
		}
	}
}

func TestWriteStatuses(t *testing.T) {
	var buf bytes.Buffer
	statuses := []FileStatus{
		{File: File{Name: "a.json"}, Size: 120, Status: StatusOK},
		{File: File{Name: "a.bin"}, Size: -1, Status: StatusMissing, Detail: "run kneetrack models pull"},
	}
	if err := WriteStatuses(&buf, "/m", statuses); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := [][]string{{"model", "files", "in", "/m"}, nil, {"FILE", "SIZE", "STATUS"},
		{"a.json", "120", "OK"}, {"a.bin", "-", "MISSING", "run", "kneetrack", "models", "pull"}}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if got := strings.Fields(lines[i]); strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("line %d: %q, want %q", i, got, w)
		}
	}
}

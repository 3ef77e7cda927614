package testenv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kneetrack/kneetrack/internal/models"
)

// ModelFiles returns the paths of the named pose model's graph (.json) and
// weights (.bin) in the model cache (models.DefaultDir, which honours
// KNEETRACK_MODELS_DIR), after checking both against their pinned hashes. It
// skips the test, or fails it under CI, when the files are absent or damaged,
// and fails it outright for a name that is not a known model.
func ModelFiles(t testing.TB, name string) (jsonPath, binPath string) {
	t.Helper()
	dir, err := models.DefaultDir()
	if err != nil {
		Missing(t, "the pose-model cache folder", fmt.Sprintf("%v; run 'kneetrack models pull'", err))
		return "", ""
	}
	jsonPath, binPath, err = models.Paths(dir, name)
	if errors.Is(err, models.ErrUnknownModel) {
		t.Fatalf("testenv: %v", err)
	}
	if err != nil {
		Missing(t, fmt.Sprintf("pose model %s (%v)", name, err), "run 'kneetrack models pull'")
		return "", ""
	}
	return jsonPath, binPath
}

// ModelDirCopy copies every model file of the cache (each checked as by
// ModelFiles) into a new temporary folder and returns it, for tests that
// damage or remove files: the real cache is never touched.
func ModelDirCopy(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	for _, name := range models.Names() {
		jsonPath, binPath := ModelFiles(t, name)
		for _, src := range []string{jsonPath, binPath} {
			if err := copyFile(src, filepath.Join(dst, filepath.Base(src))); err != nil {
				t.Fatalf("testenv: copying model file: %v", err)
			}
		}
	}
	return dst
}

// copyFile copies the bytes of src into a new file dst (never a link, so
// changing dst cannot change src).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// PoseTools skips (fails under CI) without what tracking a video needs:
// ffmpeg and ffprobe, and the BlazePose detector and full landmark models.
func PoseTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			Missing(t, tool, "install it with: sudo apt-get install ffmpeg")
		}
	}
	ModelFiles(t, "blazepose-detector")
	ModelFiles(t, "blazepose-full")
}

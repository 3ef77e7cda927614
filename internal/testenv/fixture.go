package testenv

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

// Fixture returns the TF.js reference fixture of one model on one input
// ("lcg" or "image"), read by tfjsfixture.Load from tfjsfixture.Dir (which
// honours KNEETRACK_FIXTURES_DIR). It skips the test, or fails it under CI,
// when the fixtures have not been produced, and fails it when they exist
// but are damaged.
func Fixture(t testing.TB, model, input string) *tfjsfixture.Fixture {
	t.Helper()
	dir, err := tfjsfixture.Dir()
	if err != nil {
		Missing(t, "the TF.js fixture folder", fmt.Sprintf("%v; %s", err, tfjsfixture.Fix))
		return nil
	}
	f, err := tfjsfixture.Load(dir, model, input)
	if errors.Is(err, tfjsfixture.ErrMissing) {
		Missing(t, fmt.Sprintf("TF.js fixture %s.%s", model, input), err.Error())
		return nil
	}
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return f
}

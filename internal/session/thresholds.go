package session

import (
	"fmt"
	"io"
	"os"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// ReadThresholds reads a thresholds file (analyze's --thresholds, which its
// errors name): a JSON file of at most 1 MiB overriding some or all of
// valgus.Defaults (valgus.ReadThresholds).
func ReadThresholds(path string) (valgus.Thresholds, error) {
	fh, err := os.Open(path)
	if err != nil {
		return valgus.Thresholds{}, fmt.Errorf("--thresholds: %w", err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() {
		return valgus.Thresholds{}, fmt.Errorf("--thresholds %s: not a regular file; give a JSON file (see docs/method.md)", path)
	}
	th, err := valgus.ReadThresholds(io.LimitReader(fh, 1<<20))
	if err != nil {
		return th, fmt.Errorf("--thresholds %s: %w", path, err)
	}
	return th, nil
}

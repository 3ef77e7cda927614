// Package bench times pose-model inference the way `kneetrack bench` reports
// it: the model's output is first checked against its TF.js reference
// fixture, then a fixed input is run repeatedly after a warm-up, and the
// median and 90th-percentile latencies are turned into GFLOP/s using the
// multiply-accumulate count of the model's plan.
package bench

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

// Options say how to time a model.
type Options struct {
	Threads int // goroutines the runner may use (0: all cores)
	Runs    int // timed inferences
	Warmup  int // untimed inferences before timing
}

// Result is one model's timing, in the units `kneetrack bench --json` prints.
type Result struct {
	Model      string  `json:"model"`
	Threads    int     `json:"threads"`
	Runs       int     `json:"runs"`
	MedianMS   float64 `json:"median_ms"`
	P90MS      float64 `json:"p90_ms"`
	MinMS      float64 `json:"min_ms"`
	GMACs      float64 `json:"gmacs"`
	GFLOPS     float64 `json:"gflops"`
	Check      string  `json:"check"`              // the output compared with the fixture
	CheckDiff  float64 `json:"check_max_abs_diff"` // largest |kneetrack − TF.js| over that output
	CheckLimit float64 `json:"check_tolerance"`    // the tolerance it was held to
}

// Run checks the model against fx (its "lcg" fixture), then times it.
func Run(ctx context.Context, name string, m *nn.Model, fx *tfjsfixture.Fixture, opts Options) (*Result, error) {
	if opts.Runs < 1 {
		return nil, fmt.Errorf("bench %s: runs must be at least 1, got %d", name, opts.Runs)
	}
	r, err := m.NewRunner(nn.Options{Threads: opts.Threads})
	if err != nil {
		return nil, fmt.Errorf("bench %s: preparing the runner: %w", name, err)
	}
	defer r.Close()
	if err := setInput(r, fx); err != nil {
		return nil, fmt.Errorf("bench %s: %w", name, err)
	}
	res := &Result{Model: name, Threads: opts.Threads, Runs: opts.Runs, GMACs: m.GMACs()}
	if err := r.Run(ctx); err != nil {
		return nil, fmt.Errorf("bench %s: first inference: %w", name, err)
	}
	if err := check(r, fx, res); err != nil {
		return nil, fmt.Errorf("bench %s: %w", name, err)
	}
	for i := 0; i < opts.Warmup; i++ {
		if err := r.Run(ctx); err != nil {
			return nil, fmt.Errorf("bench %s: warm-up: %w", name, err)
		}
	}
	times := make([]float64, opts.Runs)
	for i := range times {
		start := time.Now()
		if err := r.Run(ctx); err != nil {
			return nil, fmt.Errorf("bench %s: run %d: %w", name, i+1, err)
		}
		times[i] = float64(time.Since(start).Microseconds()) / 1000
	}
	slices.Sort(times)
	res.MinMS = times[0]
	res.MedianMS = quantile(times, 0.5)
	res.P90MS = quantile(times, 0.9)
	if res.MedianMS > 0 {
		res.GFLOPS = 2 * res.GMACs / (res.MedianMS / 1000)
	}
	return res, nil
}

// quantile returns the q-quantile of sorted values by linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

func setInput(r *nn.Runner, fx *tfjsfixture.Fixture) error {
	switch fx.InputDType {
	case "float32":
		in := r.InputFloat32()
		if len(in) != len(fx.InputF32) {
			return fmt.Errorf("fixture input has %d values, the model takes %d", len(fx.InputF32), len(in))
		}
		copy(in, fx.InputF32)
	case "int32":
		in := r.InputInt32()
		if len(in) != len(fx.InputI32) {
			return fmt.Errorf("fixture input has %d values, the model takes %d", len(fx.InputI32), len(in))
		}
		copy(in, fx.InputI32)
	default:
		return fmt.Errorf("fixture input has unsupported dtype %q", fx.InputDType)
	}
	return nil
}

// check compares the first reference output of fx with the runner's value,
// element by element, under the conformance rule of docs/runtime.md: within
// the spread TF.js's own backends show on this input, or 4 float32 ulps of
// the reference value where that spread is 0.
func check(r *nn.Runner, fx *tfjsfixture.Fixture, res *Result) error {
	var ref *tfjsfixture.Output
	for i := range fx.Outputs {
		if !fx.Outputs[i].Intermediate {
			ref = &fx.Outputs[i]
			break
		}
	}
	if ref == nil {
		return fmt.Errorf("fixture %s/%s has no model output to check", fx.Model, fx.Input)
	}
	got, _, err := r.Output(ref.Name)
	if err != nil {
		return fmt.Errorf("reading output %s: %w", ref.Name, err)
	}
	if len(got) != len(ref.Data) {
		return fmt.Errorf("output %s has %d values, TF.js gave %d", ref.Name, len(got), len(ref.Data))
	}
	res.Check = ref.Name
	res.CheckLimit = ref.Spread
	worst := 0.0
	for i, w := range ref.Data {
		d := math.Abs(float64(got[i]) - float64(w))
		if math.IsNaN(d) {
			return fmt.Errorf("output %s[%d] is NaN, TF.js gave %g", ref.Name, i, w)
		}
		if d > worst {
			worst = d
		}
		if d > tolerance(ref, float64(w)) {
			return fmt.Errorf("output %s[%d] = %g, TF.js gave %g (|diff| %.3g > tolerance %.3g): the runtime is computing wrong values on this machine",
				ref.Name, i, got[i], w, d, tolerance(ref, float64(w)))
		}
	}
	res.CheckDiff = worst
	return nil
}

// tolerance is the allowed |diff| for one reference element.
func tolerance(o *tfjsfixture.Output, want float64) float64 {
	if o.Spread > 0 {
		return o.Spread
	}
	f := float32(math.Abs(want))
	return 4 * float64(math.Nextafter32(f, float32(math.Inf(1)))-f)
}

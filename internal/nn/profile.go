package nn

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// OpTime is how long one op of a Runner's plan took (see Runner.Profile).
type OpTime struct {
	Node string  // the graph node the op computes
	Op   string  // its TensorFlow op type, e.g. "_FusedConv2D"
	Desc string  // shapes and parameters, e.g. "3x3/2 256x256x3 -> 128x128x24"
	MACs int64   // multiply-accumulates per run (0 for data movement)
	Out  int     // elements written
	MS   float64 // median wall time over the profiled runs, milliseconds
}

// Profile runs the model runs times, timing every op separately, and
// returns one entry per op in schedule order with the median time of each.
// It is a diagnostic for finding where inference time goes; unlike Run it
// allocates (once per call, for the timings).
func (r *Runner) Profile(ctx context.Context, runs int) ([]OpTime, error) {
	if runs < 1 {
		return nil, fmt.Errorf("profile: runs must be at least 1, got %d", runs)
	}
	samples := make([][]float64, len(r.steps))
	for i := range samples {
		samples[i] = make([]float64, runs)
	}
	for k := 0; k < runs; k++ {
		for i, s := range r.steps {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("profile stopped before %s: %w", r.names[i], err)
			}
			start := time.Now()
			if err := s.run(r.pool); err != nil {
				return nil, fmt.Errorf("running %s: %w", r.names[i], err)
			}
			samples[i][k] = float64(time.Since(start).Nanoseconds()) / 1e6
		}
	}
	out := make([]OpTime, len(r.steps))
	for i, o := range r.m.ops {
		b := o.base()
		slices.Sort(samples[i])
		n := 0
		for _, v := range b.out {
			n += r.m.values[v].n
		}
		out[i] = OpTime{Node: b.node, Op: b.kind, Desc: describeOp(o, r.m.values), MACs: o.macs(), Out: n, MS: samples[i][runs/2]}
	}
	return out, nil
}

// describeOp summarises an op's shapes for a profile.
func describeOp(o op, values []*value) string {
	switch o := o.(type) {
	case *expandDWOp:
		return describeOp(o.ex, values) + " + " + describeOp(o.dw, values)
	case *convOp:
		kind := "conv"
		if o.depthwise {
			kind = "dw"
		} else if o.direct() {
			kind = "1x1"
		}
		d := fmt.Sprintf("%s %dx%d/%d %dx%dx%d -> %dx%dx%d", kind, o.kh, o.kw, o.sh, o.inH, o.inW, o.inC, o.outH, o.outW, o.outC)
		if o.res >= 0 {
			d += " +res"
		}
		return d
	}
	b := o.base()
	s := ""
	for i, v := range b.in {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(values[v].shape)
	}
	if len(b.out) > 0 {
		s += fmt.Sprintf(" -> %v", values[b.out[0]].shape)
	}
	if r, ok := o.(*resizeOp); ok && r.res >= 0 {
		s += " +res"
	}
	return s
}

package nn

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestRunAllocatesNothing: after warm-up, Run allocates nothing, with one
// thread and with a worker pool. testing.AllocsPerRun averages with integer
// division, which would hide an allocation every few runs, so the total
// over many runs is checked too.
func TestRunAllocatesNothing(t *testing.T) {
	for _, name := range []string{"blazepose-full", "movenet-lightning"} {
		for _, threads := range []int{1, 2} {
			m := loadModel(t, name)
			r, err := m.NewRunner(Options{Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			fillLCG(r, 1)
			ctx := context.Background()
			for range 3 {
				if err := r.Run(ctx); err != nil {
					t.Fatal(err)
				}
			}
			allocs := testing.AllocsPerRun(3, func() {
				if err := r.Run(ctx); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%s, %d threads: %v allocations per Run, want 0", name, threads, allocs)
			}
			const runs = 8
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				_ = r.Run(ctx)
			}
			runtime.ReadMemStats(&after)
			if n := after.Mallocs - before.Mallocs; n != 0 {
				t.Errorf("%s, %d threads: %d allocations in %d runs, want 0", name, threads, n, runs)
			}
			r.Close()
		}
	}
}

// TestThreadsGiveIdenticalResults: splitting work across goroutines must
// not change a single bit (rows are independent).
func TestThreadsGiveIdenticalResults(t *testing.T) {
	m := loadModel(t, "movenet-lightning")
	var ref []float32
	for _, threads := range []int{1, 2, 3} {
		r, err := m.NewRunner(Options{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		fillLCG(r, 99)
		if err := r.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		got, _ := output(t, r, "Identity:0")
		if ref == nil {
			ref = append([]float32(nil), got...)
		} else {
			wantValues(t, "threads", got, ref)
		}
		r.Close()
	}
}

// TestRunnersAreIndependent: two Runners of one Model keep their own
// buffers, and running one input twice gives the same answer (the input is
// never overwritten).
func TestRunnersAreIndependent(t *testing.T) {
	m := loadModel(t, "movenet-lightning")
	a := run(t, m, Options{Threads: 1}, nil)
	b := run(t, m, Options{Threads: 1}, nil)
	fillLCG(a, 1)
	fillLCG(b, 2)
	for _, r := range []*Runner{a, b, a} {
		if err := r.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	ga, _ := output(t, a, "Identity:0")
	gb, _ := output(t, b, "Identity:0")
	same := true
	for i := range ga {
		same = same && ga[i] == gb[i]
	}
	if same {
		t.Fatal("different inputs gave identical outputs")
	}
	first := append([]float32(nil), ga...)
	if err := a.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	ga, _ = output(t, a, "Identity:0")
	wantValues(t, "rerun", ga, first)
	// A closed multi-threaded Runner still runs, on one goroutine.
	c := run(t, m, Options{Threads: 2}, nil)
	fillLCG(c, 1)
	c.Close()
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	gc, _ := output(t, c, "Identity:0")
	wantValues(t, "closed runner", gc, first)
}

// TestOutputNames: signature keys, node names and "node:0" all resolve; an
// intermediate needs Keep; unknown names are errors.
func TestOutputNames(t *testing.T) {
	m := loadModel(t, "blazepose-full")
	const mid = "StatefulPartitionedCall/model/re_lu/Relu6"
	r := run(t, m, Options{Threads: 1, Keep: []string{"StatefulPartitionedCall/model/activation_poseflag/Sigmoid"}}, nil)
	a, sa := output(t, r, "ld_3d")
	b, sb := output(t, r, "Identity_2")
	c, _ := output(t, r, "Identity_2:0")
	if &a[0] != &b[0] || &a[0] != &c[0] || !equalShape(sa, []int{1, 195}) || !equalShape(sb, sa) {
		t.Error("ld_3d, Identity_2 and Identity_2:0 should be the same tensor")
	}
	flag, _ := output(t, r, "output_poseflag")
	kept, shape, err := r.Tensor("StatefulPartitionedCall/model/activation_poseflag/Sigmoid")
	if err != nil {
		t.Fatal(err)
	}
	wantShape(t, "kept", shape, []int{1, 1, 1, 1})
	wantValues(t, "kept", kept, flag)
	if _, _, err := r.Tensor(mid); err == nil || !strings.Contains(err.Error(), "Keep") {
		t.Errorf("Tensor of an unkept intermediate: err = %v, want a hint about Keep", err)
	}
	if _, _, err := r.Output("no/such/node"); err == nil || !strings.Contains(err.Error(), "no node") {
		t.Errorf("unknown name: err = %v", err)
	}
	if _, err := m.NewRunner(Options{Keep: []string{"no/such/node"}}); err == nil {
		t.Error("Keep of an unknown node should fail")
	}
}

// TestRunStopsOnCancel: a cancelled context stops Run before the next op
// and the error says so.
func TestRunStopsOnCancel(t *testing.T) {
	m := loadModel(t, "movenet-lightning")
	r, err := m.NewRunner(Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = r.Run(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped before") {
		t.Errorf("Run with a cancelled context: err = %v", err)
	}
}

// TestPlanFacts pins properties of the real plans: every model loads, has
// the expected inputs, outputs and multiply-accumulate counts, and the
// detector's shape arithmetic and all Pads were folded away.
func TestPlanFacts(t *testing.T) {
	cases := []struct {
		model   string
		input   []int
		dtype   string
		outputs []string
		gmacs   float64 // from the plan; cross-checked against the op inventory by hand for the first layers
	}{
		{"blazepose-detector", []int{1, 224, 224, 3}, "float32", []string{"person"}, 0.430},
		{"blazepose-lite", []int{1, 256, 256, 3}, "float32", []string{"activation_heatmap", "activation_segmentation", "ld_3d", "output_poseflag", "world_3d"}, 0.198},
		{"blazepose-full", []int{1, 256, 256, 3}, "float32", []string{"activation_heatmap", "activation_segmentation", "ld_3d", "output_poseflag", "world_3d"}, 0.386},
		{"blazepose-heavy", []int{1, 256, 256, 3}, "float32", []string{"activation_heatmap", "activation_segmentation", "ld_3d", "output_poseflag", "world_3d"}, 1.927},
		{"movenet-lightning", []int{1, 192, 192, 3}, "int32", []string{"Identity:0"}, 0.271},
		{"movenet-thunder", []int{1, 256, 256, 3}, "int32", []string{"Identity:0"}, 1.220},
	}
	for _, c := range cases {
		m := loadModel(t, c.model)
		in := m.Inputs()
		if len(in) != 1 || !equalShape(in[0].Shape, c.input) || in[0].DType != c.dtype {
			t.Errorf("%s: Inputs() = %+v", c.model, in)
		}
		var names []string
		for _, o := range m.Outputs() {
			names = append(names, o.Name)
		}
		if strings.Join(names, ",") != strings.Join(c.outputs, ",") {
			t.Errorf("%s: outputs %v, want %v", c.model, names, c.outputs)
		}
		if g := m.GMACs(); g < c.gmacs-0.0005 || g > c.gmacs+0.0005 {
			t.Errorf("%s: GMACs %.4f, want %.3f", c.model, g, c.gmacs)
		}
		for _, o := range m.ops {
			switch o := o.(type) {
			case *padOp:
				if o.after[3] == 0 { // only channel padding (blazepose-heavy) stays
					t.Errorf("%s: Pad %q was not fused", c.model, o.node)
				}
			case *sliceOp:
				t.Errorf("%s: StridedSlice %q was not folded", c.model, o.base().node)
			}
		}
	}
}

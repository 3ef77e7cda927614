package nn

import (
	"context"
	"strings"
	"testing"
)

// TestResidualFusedIntoConv: a 1×1 convolution whose only reader is an
// AddV2 → Relu6 with the convolution's input becomes one op with the same
// values. By hand, x = [1 2 | 3 4] (two pixels, two channels), weights
// [[1, −1], [2, 0]], bias [0.5, 0]: conv = [5.5 −1 | 11.5 −3]; plus x:
// [6.5 1 | 14.5 1]; Relu6: [6 1 | 6 1]. When the convolution's output is
// also a model output, or the residual is computed after the convolution,
// nothing is fused and the values are the same.
func TestResidualFusedIntoConv(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(g *graphBuilder, x string)
		ops   int
	}{
		{"fused", func(g *graphBuilder, x string) {
			g.op("add", "AddV2", []string{"conv", x}, map[string]any{"T": tF})
		}, 1},
		{"conv also an output", func(g *graphBuilder, x string) {
			g.op("add", "AddV2", []string{x, "conv"}, map[string]any{"T": tF})
			g.output("conv", "conv")
		}, 2},
		{"residual computed later", func(g *graphBuilder, x string) {
			// x ≥ 0, so Relu(Relu(x)) = x; a chain of two is scheduled
			// after the convolution.
			g.op("r1", "Relu", []string{x}, map[string]any{"T": tF})
			g.op("r2", "Relu", []string{"r1"}, map[string]any{"T": tF})
			g.op("add", "AddV2", []string{"conv", "r2"}, map[string]any{"T": tF})
		}, 4},
	} {
		g := newGraph()
		x := g.input("x", "float32", 1, 1, 2, 2)
		w := g.constF16("w", []int{1, 1, 2, 2}, []float32{1, -1, 2, 0})
		b := g.constF16("b", []int{2}, []float32{0.5, 0})
		g.op("conv", "_FusedConv2D", []string{x, w, b}, convAttrs("VALID", 1, 1, "BiasAdd"))
		c.build(g, x)
		g.op("y", "Relu6", []string{"add"}, map[string]any{"T": tF})
		g.output("y", "y")
		m := g.load(t)
		if len(m.ops) != c.ops {
			t.Errorf("%s: %d ops planned, want %d", c.name, len(m.ops), c.ops)
		}
		for _, threads := range []int{1, 2} {
			r := run(t, m, Options{Threads: threads}, []float32{1, 2, 3, 4})
			got, _ := output(t, r, "y")
			wantValues(t, c.name, got, []float32{6, 1, 6, 1})
		}
		if c.ops == 1 {
			r := run(t, m, Options{Threads: 1}, []float32{1, 2, 3, 4})
			if _, _, err := r.Tensor("conv"); err == nil || !strings.Contains(err.Error(), "fused") {
				t.Errorf("Tensor of a fused convolution: err = %v, want a 'fused' error", err)
			}
		}
	}
}

// TestResidualFusedIntoResize: a 2× half-pixel upsampling of [0, 4] (one
// row, one channel) is [0, 1, 3, 4] (weights 0.25 and 0.75, clamped at
// the edges) in both rows; adding the constant [[−1, 0, 0, 10], [0, 0, 0,
// 0]] and Relu6 gives [0, 1, 3, 6, 0, 1, 3, 4]. The Add is fused into the
// resize.
func TestResidualFusedIntoResize(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 1, 2, 1)
	size := g.constI32("size", []int{2}, []int32{2, 4})
	g.op("up", "ResizeBilinear", []string{x, size}, map[string]any{"T": tF, "align_corners": aBool(false), "half_pixel_centers": aBool(true)})
	skip := g.constF32("skip", []int{1, 2, 4, 1}, []float32{-1, 0, 0, 10, 0, 0, 0, 0})
	g.op("add", "AddV2", []string{"up", skip}, map[string]any{"T": tF})
	g.op("y", "Relu6", []string{"add"}, map[string]any{"T": tF})
	g.output("y", "y")
	m := g.load(t)
	if len(m.ops) != 1 {
		t.Errorf("%d ops planned, want 1 (AddV2 and Relu6 fused into the resize)", len(m.ops))
	}
	r := run(t, m, Options{Threads: 1}, []float32{0, 4})
	got, _ := output(t, r, "y")
	wantValues(t, "y", got, []float32{0, 1, 3, 6, 0, 1, 3, 4})
}

// TestPlanFusions pins how many residual adds the real models fuse:
// BlazePose keeps no float32 AddV2 of its own, MoveNet only those of its
// keypoint decoding (small, with broadcasting).
func TestPlanFusions(t *testing.T) {
	for _, c := range []struct {
		model                string
		convRes, resizeRes   int
		addsLeft, maxOpsLeft int
	}{
		{"blazepose-lite", 21, 4, 0, 98},
		{"blazepose-full", 24, 4, 0, 106},
		{"movenet-lightning", 10, 3, 6, 119},
	} {
		m := loadModel(t, c.model)
		convRes, resizeRes, adds := 0, 0, 0
		for _, o := range m.ops {
			switch o := o.(type) {
			case *convOp:
				if o.res >= 0 {
					convRes++
				}
			case *resizeOp:
				if o.res >= 0 {
					resizeRes++
				}
			case *binaryOp:
				if o.kind == binAdd && o.dt == f32 {
					adds++
				}
			}
		}
		if convRes != c.convRes || resizeRes != c.resizeRes || adds != c.addsLeft || len(m.ops) > c.maxOpsLeft {
			t.Errorf("%s: %d convolutions and %d resizes with a fused residual, %d float32 adds and %d ops left; want %d, %d, %d, at most %d",
				c.model, convRes, resizeRes, adds, len(m.ops), c.convRes, c.resizeRes, c.addsLeft, c.maxOpsLeft)
		}
	}
}

// TestProfile: one entry per op, in schedule order, whose multiply-adds
// add up to the model's and whose times are positive.
func TestProfile(t *testing.T) {
	m := loadModel(t, "movenet-lightning")
	r := run(t, m, Options{Threads: 1}, nil)
	prof, err := r.Profile(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(prof) != len(m.ops) {
		t.Fatalf("%d entries for %d ops", len(prof), len(m.ops))
	}
	var macs int64
	var ms float64
	for i, p := range prof {
		if p.Node != m.ops[i].base().node || p.Op == "" || p.Desc == "" || p.MS < 0 {
			t.Fatalf("entry %d = %+v", i, p)
		}
		macs += p.MACs
		ms += p.MS
	}
	if macs != m.macs || ms <= 0 {
		t.Errorf("profile: %d MACs (model %d), %.3f ms in all", macs, m.macs, ms)
	}
	if _, err := r.Profile(context.Background(), 0); err == nil {
		t.Error("Profile with 0 runs: no error")
	}
}

// TestElementwiseLarge: elementwise ops over tensors spanning many pieces
// (so they are split across goroutines and, for a repeated vector, tiled)
// give the values computed directly: x[i][j] = i + j over 5000×3, plus or
// minus the row [10, 20, 30], times a scalar, squared difference with a
// column (a general broadcast), Relu6 of the sum, Cast.
func TestElementwiseLarge(t *testing.T) {
	const n = 5000
	g := newGraph()
	x := g.input("x", "float32", n, 3)
	row := g.constF32("row", []int{3}, []float32{10, 20, 30})
	sc := g.constF32("sc", []int{}, []float32{0.5})
	g.op("add", "AddV2", []string{x, row}, map[string]any{"T": tF})
	g.op("sub", "Sub", []string{row, x}, map[string]any{"T": tF})
	g.op("mul", "Mul", []string{x, sc}, map[string]any{"T": tF})
	colData := make([]float32, n)
	for i := range colData {
		colData[i] = float32(i % 5)
	}
	col := g.constF32("col", []int{n, 1}, colData)
	g.op("sq", "SquaredDifference", []string{x, col}, map[string]any{"T": tF})
	g.op("sum", "AddV2", []string{x, x}, map[string]any{"T": tF})
	g.op("sum6", "Relu6", []string{"sum"}, map[string]any{"T": tF})
	g.op("int", "Cast", []string{x}, map[string]any{"SrcT": tF, "DstT": tI, "Truncate": aBool(false)})
	for _, k := range []string{"add", "sub", "mul", "sq", "sum6", "int"} {
		g.output(k, k)
	}
	m := g.load(t)
	in := make([]float32, 3*n)
	for i := range n {
		for j := range 3 {
			in[3*i+j] = float32(i + j)
		}
	}
	for _, threads := range []int{1, 2, 3} {
		r := run(t, m, Options{Threads: threads}, in)
		want := map[string][]float32{}
		for i, v := range in {
			b := float32(10 * (i%3 + 1))
			want["add"] = append(want["add"], v+b)
			want["sub"] = append(want["sub"], b-v)
			want["mul"] = append(want["mul"], v/2)
			d := v - float32(i/3%5)
			want["sq"] = append(want["sq"], d*d)
			want["sum6"] = append(want["sum6"], min(2*v, 6))
			want["int"] = append(want["int"], v)
		}
		for k, w := range want {
			got, _ := output(t, r, k)
			wantValues(t, k, got, w)
		}
	}
}

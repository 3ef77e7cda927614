package nn

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// seedGraphs are small valid models that together use every supported op;
// they seed the fuzzers and are checked to load and run.
func seedGraphs() map[string]*graphBuilder {
	seeds := map[string]*graphBuilder{"conv": smallModel()}

	// Detector-like: explicit Pad into two depthwise convolutions, the
	// Shape → StridedSlice → Pack → Reshape chain, DepthToSpace, resize,
	// concatenation.
	g := newGraph()
	x := g.input("in", "float32", 1, 4, 4, 4)
	pads := g.constI32("pads", []int{4, 2}, []int32{0, 0, 1, 1, 1, 1, 0, 0})
	g.op("pad", "Pad", []string{x, pads}, map[string]any{"T": tF, "Tpaddings": tI})
	dwf := g.constF16("dwf", []int{3, 3, 4, 1}, seq(36, -1, 0.0625))
	dwb := g.constF16("dwb", []int{4}, []float32{0.5, -0.5, 0, 1})
	g.op("dw1", "FusedDepthwiseConv2dNative", []string{"pad", dwf, dwb}, convAttrs("VALID", 2, 2, "BiasAdd"))
	g.op("dw2", "DepthwiseConv2dNative", []string{"pad", dwf}, convAttrs("VALID", 2, 2))
	g.op("relu", "Relu", []string{"dw2"}, map[string]any{"T": tF})
	g.op("d2s", "DepthToSpace", []string{"relu"}, map[string]any{"T": tF, "block_size": aInt(2), "data_format": aStr("NHWC")})
	size := g.constI32("size", []int{2}, []int32{4, 4})
	g.op("up", "ResizeBilinear", []string{"dw1", size}, map[string]any{"T": tF, "align_corners": aBool(false), "half_pixel_centers": aBool(true)})
	g.op("shape", "Shape", []string{"up"}, map[string]any{"T": tF, "out_type": tI})
	b0 := g.constI32("b0", []int{1}, []int32{0})
	b1 := g.constI32("b1", []int{1}, []int32{1})
	g.op("batch", "StridedSlice", []string{"shape", b0, b1, b1}, map[string]any{"T": tI, "Index": tI, "shrink_axis_mask": aInt(1)})
	m1 := g.constI32("m1", []int{}, []int32{-1})
	s1 := g.constI32("s1", []int{}, []int32{1})
	g.op("tgt", "Pack", []string{"batch", m1, s1}, map[string]any{"T": tI, "N": aInt(3), "axis": aInt(0)})
	g.op("flatA", "Reshape", []string{"up", "tgt"}, map[string]any{"T": tF, "Tshape": tI})
	g.op("flatB", "Reshape", []string{"d2s", "tgt"}, map[string]any{"T": tF, "Tshape": tI})
	g.op("cat", "ConcatV2", []string{"flatA", "flatB", s1}, map[string]any{"T": tF, "N": aInt(2), "Tidx": tI})
	g.op("Identity", "Identity", []string{"cat"}, map[string]any{"T": tF})
	g.output("out", "Identity")
	seeds["detector"] = g

	// MoveNet-like: int32 input, casts and views, normalisation, a heatmap,
	// int32 ArgMax arithmetic, GatherNd with run-time indices.
	g = newGraph()
	x = g.input("input", "int32", 1, 4, 4, 3)
	g.op("cast", "Cast", []string{x}, map[string]any{"SrcT": tI, "DstT": tF, "Truncate": aBool(false)})
	g.op("un", "Unpack", []string{"cast"}, map[string]any{"T": tF, "num": aInt(1), "axis": aInt(0)})
	zero := g.constI32("zero", []int{}, []int32{0})
	g.op("ex", "ExpandDims", []string{"un", zero}, map[string]any{"T": tF, "Tdim": tI})
	g.op("sq", "Squeeze", []string{"ex"}, map[string]any{"T": tF, "squeeze_dims": aInts(0)})
	g.op("ex2", "ExpandDims", []string{"sq", zero}, map[string]any{"T": tF, "Tdim": tI})
	scale := g.constF32("scale", []int{1, 1, 1, 3}, []float32{1.0 / 128, 1.0 / 128, 1.0 / 128})
	g.op("norm", "Mul", []string{"ex2", scale}, map[string]any{"T": tF})
	one := g.constF32("one", []int{}, []float32{1})
	g.op("centred", "Sub", []string{"norm", one}, map[string]any{"T": tF})
	hw := g.constF16("hw", []int{1, 1, 3, 2}, []float32{1, -1, 0.5, 0.25, -1, 2})
	hb := g.constF16("hb", []int{2}, []float32{0, 0.5})
	g.op("logits", "_FusedConv2D", []string{"centred", hw, hb}, convAttrs("SAME", 1, 1, "BiasAdd"))
	g.op("heat", "Sigmoid", []string{"logits"}, map[string]any{"T": tF})
	flat := g.constI32("flat", []int{3}, []int32{1, -1, 2})
	ax1 := g.constI32("ax1", []int{}, []int32{1})
	g.op("hflat", "Reshape", []string{"heat", flat}, map[string]any{"T": tF, "Tshape": tI})
	g.op("am", "ArgMax", []string{"hflat", ax1}, map[string]any{"T": tF, "Tidx": tI, "output_type": tI})
	four := g.constI32("four", []int{}, []int32{4})
	g.op("row", "FloorDiv", []string{"am", four}, map[string]any{"T": tI})
	g.op("rowx4", "Mul", []string{"row", four}, map[string]any{"T": tI})
	g.op("col", "Sub", []string{"am", "rowx4"}, map[string]any{"T": tI})
	m1v := g.constI32("m1v", []int{1}, []int32{-1})
	g.op("rowv", "Reshape", []string{"row", m1v}, map[string]any{"T": tI, "Tshape": tI})
	g.op("colv", "Reshape", []string{"col", m1v}, map[string]any{"T": tI, "Tshape": tI})
	bz := g.constI32("bz", []int{2}, []int32{0, 0})
	g.op("idx", "Pack", []string{bz, "rowv", "colv"}, map[string]any{"T": tI, "N": aInt(3), "axis": aInt(1)})
	g.op("picked", "GatherNd", []string{"logits", "idx"}, map[string]any{"Tparams": tF, "Tindices": tI})
	grid := g.constF16("grid", []int{2, 2}, []float32{0, 1, 2, 3})
	g.op("dist2", "SquaredDifference", []string{grid, "picked"}, map[string]any{"T": tF})
	g.op("dist", "Sqrt", []string{"dist2"}, map[string]any{"T": tF})
	g.op("ratio", "RealDiv", []string{"picked", "dist"}, map[string]any{"T": tF})
	g.op("rowf", "Cast", []string{"rowv"}, map[string]any{"SrcT": tI, "DstT": tF})
	g.op("cat", "ConcatV2", []string{"ratio", "ratio", ax1}, map[string]any{"T": tF, "N": aInt(2), "Tidx": tI})
	last := g.constI32("last", []int{}, []int32{-1})
	g.op("rowcol", "ExpandDims", []string{"rowf", last}, map[string]any{"T": tF, "Tdim": tI})
	g.op("sum", "AddV2", []string{"cat", "rowcol"}, map[string]any{"T": tF})
	g.op("Identity", "Identity", []string{"sum"}, map[string]any{"T": tF})
	g.output("Identity:0", "Identity")
	seeds["movenet"] = g

	// BlazePose-like: conv stem, residual Add → Relu6, MaxPool, channel Pad,
	// KxK convolution through im2col.
	g = newGraph()
	x = g.input("input_1", "float32", 1, 6, 6, 3)
	sw := g.constF16("sw", []int{3, 3, 3, 4}, seq(108, -1, 1.0/64))
	sb := g.constF16("sb", []int{4}, []float32{0, 0.25, 0.5, -0.25})
	g.op("stem", "_FusedConv2D", []string{x, sw, sb}, convAttrs("SAME", 2, 2, "BiasAdd", "Relu6"))
	pw := g.constF16("pw", []int{1, 1, 4, 4}, seq(16, -0.5, 0.0625))
	pb := g.constF16("pb", []int{4}, []float32{0, 0, 0, 0})
	g.op("proj", "_FusedConv2D", []string{"stem", pw, pb}, convAttrs("VALID", 1, 1, "BiasAdd"))
	g.op("add", "AddV2", []string{"stem", "proj"}, map[string]any{"T": tF})
	g.op("act", "Relu6", []string{"add"}, map[string]any{"T": tF})
	g.op("pool", "MaxPool", []string{"act"}, map[string]any{"T": tF, "ksize": aInts(1, 2, 2, 1),
		"strides": aInts(1, 2, 2, 1), "padding": aStr("VALID"), "data_format": aStr("NHWC")})
	cp := g.constI32("cp", []int{4, 2}, []int32{0, 0, 0, 0, 0, 0, 0, 2})
	g.op("chpad", "Pad", []string{"pool", cp}, map[string]any{"T": tF, "Tpaddings": tI})
	hw2 := g.constF16("hw2", []int{2, 2, 6, 5}, seq(120, -1, 1.0/64))
	hb2 := g.constF16("hb2", []int{5}, []float32{1, 2, 3, 4, 5})
	g.op("head", "_FusedConv2D", []string{"chpad", hw2, hb2}, convAttrs("SAME", 1, 1, "BiasAdd"))
	shp := g.constI32("shp", []int{2}, []int32{-1, 5})
	g.op("ld", "Reshape", []string{"head", shp}, map[string]any{"T": tF, "Tshape": tI})
	g.op("Identity_2", "Identity", []string{"ld"}, map[string]any{"T": tF})
	g.output("ld_3d", "Identity_2")
	seeds["blazepose"] = g
	return seeds
}

// TestSeedGraphsRun keeps the fuzz seeds valid: each loads, runs and gives
// finite outputs.
func TestSeedGraphsRun(t *testing.T) {
	for name, g := range seedGraphs() {
		t.Run(name, func(t *testing.T) {
			m := g.load(t)
			r := run(t, m, Options{Threads: 2}, nil)
			for _, o := range m.Outputs() {
				got, _ := output(t, r, o.Name)
				for i, v := range got {
					if v != v || v > 1e30 || v < -1e30 {
						t.Fatalf("%s[%d] = %v", o.Name, i, v)
					}
				}
			}
		})
	}
}

// fuzzRunLimit bounds the activations, and fuzzWorkLimit the arithmetic, of
// a fuzzed model the fuzzer also runs (Load itself is always exercised).
const (
	fuzzRunLimit  = 1 << 20
	fuzzWorkLimit = 1 << 22
)

// exercise loads a model and, if small, plans and runs it: any error is
// fine, a panic or unbounded allocation is not.
func exercise(t *testing.T, js, w []byte) {
	m, err := Load(js, w)
	if err != nil {
		if m != nil {
			t.Fatalf("Load returned a model and an error: %v", err)
		}
		return
	}
	total := 0
	for _, v := range m.values {
		total += v.n
	}
	work := int64(0)
	for _, o := range m.ops {
		work += opWork(o, m.values)
	}
	if total > fuzzRunLimit || work > fuzzWorkLimit {
		return
	}
	r, err := m.NewRunner(Options{Threads: 2})
	if err != nil {
		return
	}
	defer r.Close()
	_ = r.Run(context.Background())
	for _, o := range m.Outputs() {
		if _, _, err := r.Output(o.Name); err != nil {
			t.Fatalf("Output(%q) of a loaded model: %v", o.Name, err)
		}
	}
}

// realSeeds adds damaged copies of a real model when the model files are
// present (fuzzing never skips for their absence).
func realSeeds(f *testing.F) {
	dir := os.Getenv("KNEETRACK_MODELS_DIR")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return
		}
		dir = filepath.Join(c, "kneetrack", "models", modelVersion)
	}
	js, err1 := os.ReadFile(filepath.Join(dir, "movenet-lightning.json"))
	w, err2 := os.ReadFile(filepath.Join(dir, "movenet-lightning.bin"))
	if err1 != nil || err2 != nil {
		return
	}
	// Short truncations only: large seeds make the fuzzer's minimisation
	// crawl. (The full graph with truncated weights is a unit test.)
	f.Add(js[:4096], w[:4096])
	f.Add(js[:16384], []byte{})
}

// FuzzLoad feeds arbitrary model.json and weight bytes to Load (and, for
// small models, NewRunner and Run).
//
//	go test -run='^$' -fuzz=FuzzLoad -fuzztime=5m ./internal/nn/
func FuzzLoad(f *testing.F) {
	for _, g := range seedGraphs() {
		js, w := g.build()
		f.Add(js, w)
		f.Add(js, w[:len(w)/2])
	}
	realSeeds(f)
	f.Fuzz(exercise)
}

// FuzzWeights keeps a valid model.json (one of the seed graphs) and fuzzes
// only its weight bytes: same-length corruptions reach the planner (bad
// shapes, pads, sizes and indices stored as int32 weights) and the ops
// (NaN, Inf).
//
//	go test -run='^$' -fuzz=FuzzWeights -fuzztime=5m ./internal/nn/
func FuzzWeights(f *testing.F) {
	names := []string{"conv", "detector", "movenet", "blazepose"}
	seeds := seedGraphs()
	graphs := make([][]byte, len(names))
	for i, n := range names {
		js, w := seeds[n].build()
		graphs[i] = js
		f.Add(uint8(i), w)
	}
	f.Fuzz(func(t *testing.T, which uint8, w []byte) {
		exercise(t, graphs[int(which)%len(graphs)], w)
	})
}

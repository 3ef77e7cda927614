package nn

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"testing"
)

// graphBuilder writes small TF.js graph models (model.json + weights) in the
// same encoding the converter uses, for op tests, load-error tests and fuzz
// seeds.
type graphBuilder struct {
	nodes   []map[string]any
	weights []map[string]any
	bin     bytes.Buffer
	outputs map[string]string
}

func newGraph() *graphBuilder { return &graphBuilder{outputs: map[string]string{}} }

// Attribute encoders (TF's AttrValue in protobuf JSON form).
func aType(t string) map[string]any { return map[string]any{"type": t} }
func aInt(i int) map[string]any     { return map[string]any{"i": strconv.Itoa(i)} }
func aBool(b bool) map[string]any   { return map[string]any{"b": b} }
func aStr(s string) map[string]any {
	return map[string]any{"s": base64.StdEncoding.EncodeToString([]byte(s))}
}
func aInts(xs ...int) map[string]any {
	l := make([]string, len(xs))
	for i, x := range xs {
		l[i] = strconv.Itoa(x)
	}
	return map[string]any{"list": map[string]any{"i": l}}
}
func aStrs(xs ...string) map[string]any {
	l := make([]string, len(xs))
	for i, x := range xs {
		l[i] = base64.StdEncoding.EncodeToString([]byte(x))
	}
	return map[string]any{"list": map[string]any{"s": l}}
}

var (
	tF = aType("DT_FLOAT")
	tI = aType("DT_INT32")
)

func shapeDims(shape []int) map[string]any {
	dims := make([]map[string]any, len(shape))
	for i, d := range shape {
		dims[i] = map[string]any{"size": strconv.Itoa(d)}
	}
	return map[string]any{"dim": dims}
}

// input adds a Placeholder ("float32" or "int32").
func (g *graphBuilder) input(name, dt string, shape ...int) string {
	t := tF
	if dt == "int32" {
		t = tI
	}
	g.nodes = append(g.nodes, map[string]any{"name": name, "op": "Placeholder",
		"attr": map[string]any{"dtype": t, "shape": map[string]any{"shape": shapeDims(shape)}}})
	return name
}

func (g *graphBuilder) constNode(name, dt string, shape []int) {
	g.nodes = append(g.nodes, map[string]any{"name": name, "op": "Const", "attr": map[string]any{
		"dtype": aType(dt), "value": map[string]any{"tensor": map[string]any{"dtype": dt, "tensorShape": shapeDims(shape)}}}})
}

// constF16 adds a float32 constant stored as float16 (the pose models' form);
// data must be exactly representable in float16.
func (g *graphBuilder) constF16(name string, shape []int, data []float32) string {
	g.constNode(name, "DT_FLOAT", shape)
	g.weights = append(g.weights, map[string]any{"name": name, "shape": shape, "dtype": "float32",
		"quantization": map[string]any{"dtype": "float16", "original_dtype": "float32"}})
	for _, v := range data {
		binary.Write(&g.bin, binary.LittleEndian, float32to16(v))
	}
	return name
}

// constF32 adds a raw float32 constant.
func (g *graphBuilder) constF32(name string, shape []int, data []float32) string {
	g.constNode(name, "DT_FLOAT", shape)
	g.weights = append(g.weights, map[string]any{"name": name, "shape": shape, "dtype": "float32"})
	binary.Write(&g.bin, binary.LittleEndian, data)
	return name
}

// constI32 adds an int32 constant.
func (g *graphBuilder) constI32(name string, shape []int, data []int32) string {
	g.constNode(name, "DT_INT32", shape)
	g.weights = append(g.weights, map[string]any{"name": name, "shape": shape, "dtype": "int32"})
	binary.Write(&g.bin, binary.LittleEndian, data)
	return name
}

// op adds a node.
func (g *graphBuilder) op(name, op string, inputs []string, attr map[string]any) string {
	n := map[string]any{"name": name, "op": op, "input": inputs}
	if attr != nil {
		n["attr"] = attr
	}
	g.nodes = append(g.nodes, n)
	return name
}

// output names a signature output.
func (g *graphBuilder) output(key, value string) { g.outputs[key] = value }

func (g *graphBuilder) build() (modelJSON, weights []byte) {
	m := map[string]any{
		"format":          "graph-model",
		"modelTopology":   map[string]any{"node": g.nodes},
		"weightsManifest": []any{map[string]any{"paths": []string{"w.bin"}, "weights": g.weights}},
	}
	if len(g.outputs) > 0 {
		outs := map[string]any{}
		for k, v := range g.outputs {
			outs[k] = map[string]any{"name": v}
		}
		m["signature"] = map[string]any{"outputs": outs}
	}
	js, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return js, bytes.Clone(g.bin.Bytes())
}

// load builds and loads the graph, failing the test on error.
func (g *graphBuilder) load(t testing.TB) *Model {
	t.Helper()
	js, w := g.build()
	m, err := Load(js, w)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

// float32to16 narrows v to binary16 (round to nearest even; tests only use
// exactly representable values, so the rounding never matters).
func float32to16(v float32) uint16 {
	b := math.Float32bits(v)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case v == 0:
		return sign
	case exp >= 31:
		return sign | 0x7c00
	case exp <= 0: // subnormal
		m := (mant | 0x800000) >> uint(14-exp)
		return sign | uint16(m)
	}
	return sign | uint16(exp)<<10 | uint16(mant>>13)
}

// run executes m once with a float32 or int32 input and returns the runner.
func run(t testing.TB, m *Model, opts Options, in any) *Runner {
	t.Helper()
	r, err := m.NewRunner(opts)
	if err != nil {
		t.Fatalf("NewRunner: %v", err)
	}
	t.Cleanup(r.Close)
	switch x := in.(type) {
	case []float32:
		copy(r.InputFloat32(), x)
	case []int32:
		copy(r.InputInt32(), x)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// output reads a named output, failing the test on error.
func output(t testing.TB, r *Runner, name string) ([]float32, []int) {
	t.Helper()
	d, s, err := r.Output(name)
	if err != nil {
		t.Fatalf("Output(%q): %v", name, err)
	}
	return d, s
}

// wantValues compares exactly (the op tests use values that are exact in
// float32).
func wantValues(t testing.TB, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: got %v, want %v (first difference at %d)", what, got, want, i)
		}
	}
}

func wantShape(t testing.TB, what string, got, want []int) {
	t.Helper()
	if !equalShape(got, want) {
		t.Fatalf("%s: shape %v, want %v", what, got, want)
	}
}

func seq(n int, from, step float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = from + float32(i)*step
	}
	return out
}

func ones(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// convAttrs are the attributes of a Conv2D-family node.
func convAttrs(padding string, sh, sw int, fused ...string) map[string]any {
	a := map[string]any{"T": tF, "strides": aInts(1, sh, sw, 1), "padding": aStr(padding),
		"data_format": aStr("NHWC"), "dilations": aInts(1, 1, 1, 1)}
	if len(fused) > 0 {
		a["fused_ops"] = aStrs(fused...)
		a["num_args"] = aInt(1)
	}
	return a
}

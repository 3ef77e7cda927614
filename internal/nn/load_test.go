package nn

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// smallModel is a valid two-node model (input → 1×1 conv with bias) used as
// the starting point of the load-error tests.
func smallModel() *graphBuilder {
	g := newGraph()
	x := g.input("x", "float32", 1, 4, 4, 2)
	w := g.constF16("w", []int{1, 1, 2, 3}, seq(6, -1, 0.5))
	b := g.constF16("b", []int{3}, []float32{0, 1, 2})
	g.op("conv", "_FusedConv2D", []string{x, w, b}, convAttrs("SAME", 1, 1, "BiasAdd", "Relu6"))
	g.output("y", "conv")
	return g
}

// wantLoadError loads and checks that the error mentions every fragment.
func wantLoadError(t *testing.T, js, w []byte, fragments ...string) {
	t.Helper()
	m, err := Load(js, w)
	if err == nil {
		t.Fatalf("Load succeeded (%d ops), want an error mentioning %q", len(m.ops), fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Fatalf("Load error %q does not mention %q", err, f)
		}
	}
}

func TestLoadSmallModelWorks(t *testing.T) {
	js, w := smallModel().build()
	m, err := Load(js, w)
	if err != nil {
		t.Fatal(err)
	}
	in := m.Inputs()
	if len(in) != 1 || in[0].Name != "x" || in[0].DType != "float32" || !equalShape(in[0].Shape, []int{1, 4, 4, 2}) {
		t.Errorf("Inputs() = %+v", in)
	}
	out := m.Outputs()
	if len(out) != 1 || out[0].Name != "y" || !equalShape(out[0].Shape, []int{1, 4, 4, 3}) {
		t.Errorf("Outputs() = %+v", out)
	}
	// 16 pixels × 2 inputs × 3 outputs multiply-accumulates.
	if got := m.GMACs() * 1e9; got != 96 {
		t.Errorf("GMACs = %v·1e-9, want 96·1e-9", got)
	}
}

func TestLoadTruncatedWeights(t *testing.T) {
	js, w := smallModel().build()
	wantLoadError(t, js, w[:len(w)-1], "truncated")
	wantLoadError(t, js, nil, "truncated")
}

func TestLoadExtraWeightBytes(t *testing.T) {
	js, w := smallModel().build()
	wantLoadError(t, js, append(w, 0, 0), "manifest describes")
}

func TestLoadWrongShape(t *testing.T) {
	// The graph says the filter is 1×1×2×3; make the manifest say 1×1×3×2:
	// same byte count, so only the shape check can catch it.
	js, w := smallModel().build()
	bad := bytes.Replace(js, []byte(`"shape":[1,1,2,3]`), []byte(`"shape":[1,1,3,2]`), 1)
	if bytes.Equal(bad, js) {
		t.Fatal("test set-up: manifest shape not found")
	}
	wantLoadError(t, bad, w, `"w"`, "manifest shape")

	// A filter whose input channels do not match the activation.
	g := newGraph()
	x := g.input("x", "float32", 1, 4, 4, 2)
	f := g.constF16("f", []int{1, 1, 3, 1}, ones(3))
	g.op("conv", "Conv2D", []string{x, f}, convAttrs("SAME", 1, 1))
	js, w = g.build()
	wantLoadError(t, js, w, `"conv"`, "input channels")
}

func TestLoadAbsurdDims(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 100000, 100000, 3)
	g.op("r", "Relu", []string{x}, map[string]any{"T": tF})
	js, w := g.build()
	wantLoadError(t, js, w, `"x"`, "elements")

	// A manifest entry claiming 2^40 elements must be rejected before any
	// allocation (the data is tiny).
	js, w = smallModel().build()
	bad := bytes.Replace(js, []byte(`"shape":[3]`), []byte(`"shape":[1099511627776]`), 1)
	wantLoadError(t, bad, w, "out of range")
	bad = bytes.Replace(js, []byte(`"shape":[3]`), []byte(`"shape":[65536,65536,65536]`), 1)
	wantLoadError(t, bad, w, "elements")
	bad = bytes.Replace(js, []byte(`"shape":[3]`), []byte(`"shape":[-3]`), 1)
	wantLoadError(t, bad, w, "out of range")
}

func TestLoadCycle(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 2)
	g.op("a", "AddV2", []string{x, "b"}, map[string]any{"T": tF})
	g.op("b", "Relu", []string{"a"}, map[string]any{"T": tF})
	g.output("y", "b")
	js, w := g.build()
	wantLoadError(t, js, w, "cycle", `a, b`)
}

func TestLoadMissingNode(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 2)
	g.op("a", "AddV2", []string{x, "nowhere"}, map[string]any{"T": tF})
	js, w := g.build()
	wantLoadError(t, js, w, `"a"`, `"nowhere"`, "does not exist")

	g = newGraph()
	x = g.input("x", "float32", 2)
	g.op("a", "Relu", []string{x + ":3"}, map[string]any{"T": tF})
	js, w = g.build()
	wantLoadError(t, js, w, `"a"`, "no output 3")

	js, w = smallModel().build()
	bad := bytes.Replace(js, []byte(`"name":"conv"}`), []byte(`"name":"gone"}`), 1)
	wantLoadError(t, bad, w, `"gone"`)
}

func TestLoadUnsupportedOpNamesNode(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 2)
	g.op("soft/max", "Softmax", []string{x}, map[string]any{"T": tF})
	js, w := g.build()
	wantLoadError(t, js, w, `"soft/max"`, "Softmax", "not supported")
}

func TestLoadUnsupportedAttrNamesNode(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(a map[string]any)
		inErr string
	}{
		{"dilation", func(a map[string]any) { a["dilations"] = aInts(1, 2, 2, 1) }, "dilations"},
		{"nchw", func(a map[string]any) { a["data_format"] = aStr("NCHW") }, "NCHW"},
		{"explicit", func(a map[string]any) { a["padding"] = aStr("EXPLICIT") }, "EXPLICIT"},
		{"prelu", func(a map[string]any) { a["fused_ops"] = aStrs("BiasAdd", "Prelu") }, "fused_ops"},
		{"unknown", func(a map[string]any) { a["leakyrelu_alpha"] = map[string]any{"f": 0.2} }, "leakyrelu_alpha"},
		{"type", func(a map[string]any) { a["T"] = aType("DT_HALF") }, "DT_HALF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newGraph()
			x := g.input("x", "float32", 1, 4, 4, 2)
			w := g.constF16("w", []int{1, 1, 2, 3}, seq(6, -1, 0.5))
			b := g.constF16("b", []int{3}, []float32{0, 1, 2})
			a := convAttrs("SAME", 1, 1, "BiasAdd", "Relu6")
			c.edit(a)
			g.op("the/conv", "_FusedConv2D", []string{x, w, b}, a)
			js, wb := g.build()
			wantLoadError(t, js, wb, `"the/conv"`, c.inErr)
		})
	}
}

func TestLoadCorruptJSON(t *testing.T) {
	js, w := smallModel().build()
	wantLoadError(t, js[:len(js)/2], w, "not a valid TF.js model file")
	wantLoadError(t, []byte(`{"format":"layers-model","modelTopology":{"node":[{"name":"a","op":"Relu"}]}}`), nil, "layers-model")
	wantLoadError(t, []byte(`{"modelTopology":{}}`), nil, "no graph nodes")
	wantLoadError(t, []byte(`{"modelTopology":{"node":[{"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},"shape":{"shape":{"dim":[{"size":"two"}]}}}}]}}`), nil, "not an integer")
	bad := bytes.Replace(js, []byte(`"s":"U0FNRQ=="`), []byte(`"s":"!!!"`), 1)
	wantLoadError(t, bad, w, `"conv"`, "base64")
}

func TestLoadRuntimeReshapeShapeRejected(t *testing.T) {
	g := newGraph()
	x := g.input("x", "int32", 2)
	g.op("r", "Reshape", []string{x, x}, map[string]any{"T": tI, "Tshape": tI})
	js, w := g.build()
	wantLoadError(t, js, w, `"r"`, "load time")
}

func TestLoadTwoInputsRejected(t *testing.T) {
	g := newGraph()
	a := g.input("a", "float32", 2)
	b := g.input("b", "float32", 2)
	g.op("s", "AddV2", []string{a, b}, map[string]any{"T": tF})
	js, w := g.build()
	wantLoadError(t, js, w, "exactly one")
}

// TestNewRunnerMemoryBound: eight 128 MiB outputs that must all stay alive
// exceed the activation limit, which NewRunner reports before allocating.
func TestNewRunnerMemoryBound(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 4096, 4096, 2)
	prev := x
	for i := 0; i < 8; i++ {
		name := "add" + string(rune('a'+i))
		g.op(name, "AddV2", []string{prev, x}, map[string]any{"T": tF})
		g.output(name, name)
		prev = name
	}
	m := g.load(t)
	if _, err := m.NewRunner(Options{Threads: 1}); err == nil || !strings.Contains(err.Error(), "bytes of activations") {
		t.Fatalf("NewRunner: err = %v, want an activation-size error", err)
	}
}

func TestLoadFilesErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadFiles(dir+"/missing.json", dir+"/missing.bin"); err == nil || !strings.Contains(err.Error(), "reading model graph") {
		t.Errorf("missing json: err = %v", err)
	}
	js, w := smallModel().build()
	if err := os.WriteFile(dir+"/m.json", js, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFiles(dir+"/m.json", dir+"/missing.bin"); err == nil || !strings.Contains(err.Error(), "reading model weights") {
		t.Errorf("missing bin: err = %v", err)
	}
	if err := os.WriteFile(dir+"/m.bin", w[:3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFiles(dir+"/m.json", dir+"/m.bin"); err == nil || !strings.Contains(err.Error(), "m.json") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated bin: err = %v", err)
	}
}

// TestRealModelCorruptions damages a real model file in the ways a broken
// download would, and expects errors, not panics.
func TestRealModelCorruptions(t *testing.T) {
	jp, bp := modelPaths(t, "movenet-lightning")
	js, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(bp)
	if err != nil {
		t.Fatal(err)
	}
	wantLoadError(t, js, w[:len(w)/2], "truncated")
	wantLoadError(t, js[:len(js)-100], w, "not a valid")
	var mf map[string]any
	if err := json.Unmarshal(js, &mf); err != nil {
		t.Fatal(err)
	}
	// Drop one node that others read.
	nodes := mf["modelTopology"].(map[string]any)["node"].([]any)
	for i, n := range nodes {
		if n.(map[string]any)["name"] == "StatefulPartitionedCall/ArgMax" {
			mf["modelTopology"].(map[string]any)["node"] = append(nodes[:i:i], nodes[i+1:]...)
			break
		}
	}
	bad, _ := json.Marshal(mf)
	wantLoadError(t, bad, w, "StatefulPartitionedCall/ArgMax", "does not exist")
}

package tfjsfixture_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

func TestLCGBytes(t *testing.T) {
	// The first bytes of the seed 20240601 stream, as recorded by the TF.js
	// producer of ../shared/reference/tfjs-golden (first16Bytes).
	want := []byte{135, 255, 194, 41, 252, 242, 238, 49, 139, 158, 155, 160, 40, 156, 57, 250}
	if got := tfjsfixture.LCGBytes(tfjsfixture.LCGSeed, 16); !reflect.DeepEqual(got, want) {
		t.Fatalf("LCGBytes(20240601, 16) = %v, want %v", got, want)
	}
	// By hand: s1 = 1664525*0 + 1013904223 = 0x3C6EF35F, top byte 0x3C;
	// s2 = 1664525*0x3C6EF35F + 1013904223 mod 2^32 = 0x47502932, top byte 0x47.
	if got := tfjsfixture.LCGBytes(0, 2); !reflect.DeepEqual(got, []byte{0x3C, 0x47}) {
		t.Fatalf("LCGBytes(0, 2) = %#v, want [0x3c 0x47]", got)
	}
	if got := tfjsfixture.LCGBytes(1, 0); got != nil {
		t.Fatalf("LCGBytes(1, 0) = %v, want nil", got)
	}
	// A prefix of a longer stream is the shorter stream.
	long := tfjsfixture.LCGBytes(7, 100)
	if !reflect.DeepEqual(long[:10], tfjsfixture.LCGBytes(7, 10)) {
		t.Fatal("LCGBytes(7, 100)[:10] != LCGBytes(7, 10)")
	}
}

func TestDir(t *testing.T) {
	t.Setenv(tfjsfixture.EnvDir, "/some/where")
	if d, err := tfjsfixture.Dir(); err != nil || d != "/some/where" {
		t.Fatalf("Dir() with %s set = %q, %v", tfjsfixture.EnvDir, d, err)
	}
	t.Setenv(tfjsfixture.EnvDir, "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if d, err := tfjsfixture.Dir(); err != nil || d != "/cache/kneetrack/fixtures/tfjs-4.22.0_models-3.0.4" {
		t.Fatalf("Dir() with XDG_CACHE_HOME=/cache = %q, %v", d, err)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, err := tfjsfixture.Dir(); err != nil || d != "/home/u/.cache/kneetrack/fixtures/tfjs-4.22.0_models-3.0.4" {
		t.Fatalf("Dir() with HOME=/home/u = %q, %v", d, err)
	}
}

// ---- a minimal writer of the fixture layout, for round-trip tests ----

type testOutput struct {
	name, node, dtype string
	shape             []int
	data              []float32
	spread            any // float64 or nil
	spreadNote        string
	intermediate      bool
}

type testFixture struct {
	model, input, dtype string
	shape               []int
	raw                 []byte
	outputs             []testOutput
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func tensorBytes(raw []byte, dtype string) []byte {
	out := make([]byte, 4*len(raw))
	for i, b := range raw {
		v := uint32(b)
		if dtype == "float32" {
			v = math.Float32bits(float32(b) / 255)
		}
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// writeFixtures writes the fixtures in the producer's layout and returns the
// manifest (file name -> sha256), which tests may edit and rewrite.
func writeFixtures(t *testing.T, dir string, fxs ...testFixture) map[string]string {
	t.Helper()
	files := map[string]string{}
	put := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = hexSum(b)
	}
	for _, fx := range fxs {
		id := fx.model + "." + fx.input
		put(id+".input.bin", fx.raw)
		var outs []map[string]any
		for _, o := range fx.outputs {
			file := id + "." + strings.NewReplacer("/", "_", ":", "_").Replace(o.name) + ".f32"
			put(file, tfjsfixture.EncodeF32(o.data))
			outs = append(outs, map[string]any{
				"name": o.name, "node": o.node, "shape": o.shape, "dtype": o.dtype, "file": file,
				"sha256": files[file], "spread": o.spread, "spread_rel": o.spread,
				"spread_backends": []string{"wasm", "wasm-simd"}, "spread_unknown_reason": o.spreadNote,
				"intermediate": o.intermediate,
			})
		}
		doc := map[string]any{
			"format": tfjsfixture.Format,
			"model":  map[string]any{"name": fx.model, "json_sha256": "j", "bin_sha256": "b"},
			"producer": map[string]any{
				"node": "v20.20.2", "tfjs": map[string]string{"@tensorflow/tfjs-core": "4.22.0"},
			},
			"input": map[string]any{
				"kind": fx.input, "shape": fx.shape, "dtype": fx.dtype, "file": id + ".input.bin",
				"raw_sha256": hexSum(fx.raw), "tensor_sha256": hexSum(tensorBytes(fx.raw, fx.dtype)),
			},
			"outputs": outs,
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		put(id+".json", b)
	}
	writeManifest(t, dir, files)
	return files
}

func writeManifest(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"format": tfjsfixture.Format, "files": files})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sampleFixtures() []testFixture {
	return []testFixture{
		{
			model: "tiny-net", input: "lcg", dtype: "int32", shape: []int{1, 2, 2, 3},
			raw: tfjsfixture.LCGBytes(tfjsfixture.LCGSeed, 12),
			outputs: []testOutput{
				{name: "Identity:0", node: "Identity", dtype: "float32", shape: []int{1, 3}, data: []float32{0.5, -1.25, 3e-7}, spread: 1.5e-6},
				{name: "net/ArgMax", node: "net/ArgMax", dtype: "int32", shape: []int{1, 2}, data: []float32{3, 0}, spread: 0.0, intermediate: true},
			},
		},
		{
			model: "tiny-net", input: "image", dtype: "float32", shape: []int{1, 1, 2, 3},
			raw: []byte{0, 1, 127, 128, 254, 255},
			outputs: []testOutput{
				{name: "heat", node: "Identity_1", dtype: "float32", shape: []int{2}, data: []float32{float32(math.Inf(1)), 2},
					spread: nil, spreadNote: "wasm: execution failed: op X"},
			},
		},
	}
}

func TestLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	fxs := sampleFixtures()
	writeFixtures(t, dir, fxs...)

	f, err := tfjsfixture.Load(dir, "tiny-net", "lcg")
	if err != nil {
		t.Fatal(err)
	}
	if f.Model != "tiny-net" || f.Input != "lcg" || f.InputDType != "int32" || !reflect.DeepEqual(f.InputShape, []int{1, 2, 2, 3}) {
		t.Fatalf("header = %q %q %q %v", f.Model, f.Input, f.InputDType, f.InputShape)
	}
	if !reflect.DeepEqual(f.InputRaw, fxs[0].raw) || f.InputF32 != nil {
		t.Fatalf("input raw = %v, want %v (InputF32 %v, want nil)", f.InputRaw, fxs[0].raw, f.InputF32)
	}
	wantI32 := []int32{135, 255, 194, 41, 252, 242, 238, 49, 139, 158, 155, 160}
	if !reflect.DeepEqual(f.InputI32, wantI32) {
		t.Fatalf("InputI32 = %v, want %v", f.InputI32, wantI32)
	}
	if f.NodeVersion != "v20.20.2" || f.TFJS["@tensorflow/tfjs-core"] != "4.22.0" || f.ModelJSONSHA256 != "j" {
		t.Fatalf("producer = %q %v %q", f.NodeVersion, f.TFJS, f.ModelJSONSHA256)
	}
	if len(f.Outputs) != 2 {
		t.Fatalf("%d outputs, want 2", len(f.Outputs))
	}
	o, ok := f.Output("Identity:0")
	if !ok || o.Node != "Identity" || !reflect.DeepEqual(o.Data, []float32{0.5, -1.25, 3e-7}) ||
		!o.SpreadKnown || o.Spread != 1.5e-6 || o.SpreadRel != 1.5e-6 || o.Intermediate || o.Len() != 3 {
		t.Fatalf("Identity:0 = %+v, %v", o, ok)
	}
	if o2, ok := f.Output("Identity"); !ok || o2 != o {
		t.Fatal("Output by node name did not find Identity:0")
	}
	a, ok := f.Output("net/ArgMax")
	if !ok || a.DType != "int32" || !a.Intermediate || !reflect.DeepEqual(a.Data, []float32{3, 0}) || !a.SpreadKnown || a.Spread != 0 {
		t.Fatalf("net/ArgMax = %+v, %v", a, ok)
	}
	if _, ok := f.Output("nope"); ok {
		t.Fatal("Output(nope) found something")
	}

	g, err := tfjsfixture.Load(dir, "tiny-net", "image")
	if err != nil {
		t.Fatal(err)
	}
	// float32(byte)/255, computed by hand: 1/255, 127/255, 128/255, 254/255.
	wantF32 := []float32{0, 0.003921569, 0.49803922, 0.5019608, 0.99607843, 1}
	if len(g.InputF32) != 6 || g.InputI32 != nil {
		t.Fatalf("InputF32 = %v, InputI32 = %v", g.InputF32, g.InputI32)
	}
	for i, w := range wantF32 {
		if g.InputF32[i] != w {
			t.Fatalf("InputF32[%d] = %v, want %v", i, g.InputF32[i], w)
		}
	}
	h, _ := g.Output("heat")
	if h == nil || h.SpreadKnown || h.SpreadNote != "wasm: execution failed: op X" || !math.IsInf(float64(h.Data[0]), 1) {
		t.Fatalf("heat = %+v", h)
	}
}

func TestLoadErrors(t *testing.T) {
	type edit func(t *testing.T, dir string, files map[string]string)
	rewrite := func(name string, change func([]byte) []byte, updateHashes bool) edit {
		return func(t *testing.T, dir string, files map[string]string) {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			nb := change(b)
			if err := os.WriteFile(p, nb, 0o644); err != nil {
				t.Fatal(err)
			}
			if updateHashes {
				old := files[name]
				files[name] = hexSum(nb)
				// keep the fixture JSON's own record in step, then its hash
				j := filepath.Join(dir, "tiny-net.lcg.json")
				jb, _ := os.ReadFile(j)
				jb = []byte(strings.ReplaceAll(string(jb), old, files[name]))
				if err := os.WriteFile(j, jb, 0o644); err != nil {
					t.Fatal(err)
				}
				files["tiny-net.lcg.json"] = hexSum(jb)
				writeManifest(t, dir, files)
			}
		}
	}
	editJSON := func(change func(doc map[string]any)) edit {
		return func(t *testing.T, dir string, files map[string]string) {
			j := filepath.Join(dir, "tiny-net.lcg.json")
			jb, _ := os.ReadFile(j)
			var doc map[string]any
			if err := json.Unmarshal(jb, &doc); err != nil {
				t.Fatal(err)
			}
			change(doc)
			nb, _ := json.Marshal(doc)
			if err := os.WriteFile(j, nb, 0o644); err != nil {
				t.Fatal(err)
			}
			files["tiny-net.lcg.json"] = hexSum(nb)
			writeManifest(t, dir, files)
		}
	}
	firstOutput := func(doc map[string]any) map[string]any {
		return doc["outputs"].([]any)[0].(map[string]any)
	}
	const f32 = "tiny-net.lcg.Identity_0.f32"
	cases := []struct {
		name    string
		model   string
		edit    edit
		missing bool   // wraps ErrMissing
		want    string // in the message
	}{
		{name: "no manifest", edit: func(t *testing.T, dir string, _ map[string]string) {
			os.Remove(filepath.Join(dir, "manifest.json"))
		}, missing: true, want: "bash tools/tfjs/fixtures.sh"},
		{name: "unknown model", model: "other-net", missing: true, want: "other-net.lcg is not in"},
		{name: "path in model name", model: "../tiny-net", want: "not a model/input name"},
		{name: "flipped byte in output", edit: rewrite(f32, func(b []byte) []byte {
			b[5] ^= 1
			return b
		}, false), want: "is damaged"},
		{name: "damaged fixture json", edit: rewrite("tiny-net.lcg.json", func(b []byte) []byte {
			return append(b, ' ')
		}, false), want: "is damaged"},
		{name: "output file deleted", edit: func(t *testing.T, dir string, _ map[string]string) {
			os.Remove(filepath.Join(dir, f32))
		}, want: "no such file"},
		{name: "truncated output with consistent hashes", edit: rewrite(f32, func(b []byte) []byte {
			return b[:8]
		}, true), want: "holds 8 bytes, want 12"},
		{name: "input length does not match shape", edit: rewrite("tiny-net.lcg.input.bin", func(b []byte) []byte {
			return b[:11]
		}, true), want: "holds 11 bytes, want 12"},
		{name: "input tensor hash from another conversion", edit: editJSON(func(doc map[string]any) {
			doc["input"].(map[string]any)["tensor_sha256"] = hexSum(nil)
		}), want: "rebuilt in Go"},
		{name: "absurd output shape", edit: editJSON(func(doc map[string]any) {
			firstOutput(doc)["shape"] = []int{1 << 30, 1 << 30, 1 << 30}
		}), want: "not a positive size"},
		{name: "negative dimension", edit: editJSON(func(doc map[string]any) {
			firstOutput(doc)["shape"] = []int{3, -1}
		}), want: "not a positive size"},
		{name: "file name with a path", edit: editJSON(func(doc map[string]any) {
			firstOutput(doc)["file"] = "../manifest.json"
		}), want: "not a plain file name"},
		{name: "output hash disagrees with manifest", edit: editJSON(func(doc map[string]any) {
			firstOutput(doc)["sha256"] = hexSum([]byte("x"))
		}), want: "in the manifest"},
		{name: "unknown input dtype", edit: editJSON(func(doc map[string]any) {
			doc["input"].(map[string]any)["dtype"] = "uint8"
		}), want: "neither float32 nor int32"},
		{name: "another format", edit: editJSON(func(doc map[string]any) {
			doc["format"] = "something/2"
		}), want: "has format"},
		{name: "duplicate output", edit: editJSON(func(doc map[string]any) {
			outs := doc["outputs"].([]any)
			doc["outputs"] = append(outs, outs[0])
		}), want: "twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := writeFixtures(t, dir, sampleFixtures()...)
			if tc.edit != nil {
				tc.edit(t, dir, files)
			}
			model := tc.model
			if model == "" {
				model = "tiny-net"
			}
			f, err := tfjsfixture.Load(dir, model, "lcg")
			if err == nil {
				t.Fatalf("Load succeeded (%d outputs), want an error containing %q", len(f.Outputs), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if got := errors.Is(err, tfjsfixture.ErrMissing); got != tc.missing {
				t.Fatalf("errors.Is(err, ErrMissing) = %v, want %v (%v)", got, tc.missing, err)
			}
		})
	}
}

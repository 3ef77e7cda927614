package nn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// goldenFile is the part of a shared/reference/tfjs-golden JSON file the
// tests read (TF.js cpu-backend outputs, see that folder's README).
type goldenFile struct {
	Model struct {
		Name string `json:"name"`
	} `json:"model"`
	Input struct {
		Shape   []int  `json:"shape"`
		DType   string `json:"dtype"`
		Kind    string `json:"kind"`
		RawFile string `json:"raw_file"`
		Seed    uint32 `json:"seed"`
	} `json:"input"`
	Outputs map[string]struct {
		Values  []float64 `json:"values"`
		SHA256  string    `json:"sha256_f32le"`
		Summary *struct {
			Sum float64 `json:"sum"`
			Min float64 `json:"min"`
			Max float64 `json:"max"`
		} `json:"summary"`
	} `json:"outputs"`
	Spread map[string]map[string]struct {
		MaxAbsDiff float64 `json:"maxAbsDiff"`
	} `json:"spread_vs_other_tfjs_backends"`
}

// readGolden parses one golden file and returns it with its folder.
func readGolden(t *testing.T, name string) (*goldenFile, string) {
	t.Helper()
	p := testenv.SharedFile(t, filepath.Join("reference", "tfjs-golden", name))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading golden file: %v", err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
	return &g, filepath.Dir(p)
}

// refs turns the golden outputs into refOutputs, sorted by name; the spread
// is the largest over the wasm backends.
func (g *goldenFile) refs() []*refOutput {
	var out []*refOutput
	for name, o := range g.Outputs {
		ref := &refOutput{Name: name, Data: o.Values, SHA256: o.SHA256}
		if o.Summary != nil {
			ref.Sum, ref.Min, ref.Max = o.Summary.Sum, o.Summary.Min, o.Summary.Max
		}
		for _, s := range g.Spread[name] {
			ref.Spread = max(ref.Spread, s.MaxAbsDiff)
		}
		out = append(out, ref)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// lcgBytes generates the golden "lcg" input: s = 1664525·s + 1013904223
// (mod 2^32) per byte, byte = s >> 24.
func lcgBytes(seed uint32, n int) []byte {
	out := make([]byte, n)
	s := seed
	for i := range out {
		s = 1664525*s + 1013904223
		out[i] = byte(s >> 24)
	}
	return out
}

// TestLCGMatchesGolden pins the generator to the first bytes recorded in
// the golden files.
func TestLCGMatchesGolden(t *testing.T) {
	want := []byte{135, 255, 194, 41, 252, 242, 238, 49, 139, 158, 155, 160, 40, 156, 57, 250}
	got := lcgBytes(20240601, len(want))
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("lcgBytes = %v, want %v", got, want)
		}
	}
}

// setInput writes raw bytes as the model input: int32(byte) for int32
// models (MoveNet), float32(byte)/255 for float models (BlazePose).
func setInput(r *Runner, raw []byte) {
	if in := r.InputInt32(); in != nil {
		for i, b := range raw {
			in[i] = int32(b)
		}
		return
	}
	in := r.InputFloat32()
	for i, b := range raw {
		in[i] = float32(b) / 255
	}
}

// TestGoldenTFJS runs movenet-lightning and blazepose-full on the golden
// image and lcg inputs and compares every output element with the TF.js cpu
// backend within the spread of TF.js's own backends (see compare_test.go).
func TestGoldenTFJS(t *testing.T) {
	for _, file := range []string{"movenet-lightning.image.json", "movenet-lightning.lcg.json",
		"blazepose-full.image.json", "blazepose-full.lcg.json"} {
		t.Run(file, func(t *testing.T) {
			g, dir := readGolden(t, file)
			m := loadModel(t, g.Model.Name)
			opts := Options{Threads: 2}
			if g.Input.DType == "int32" {
				opts.Keep = movenetKeep
			}
			r, err := m.NewRunner(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			n := 1
			for _, d := range g.Input.Shape {
				n *= d
			}
			var raw []byte
			switch g.Input.Kind {
			case "lcg":
				raw = lcgBytes(g.Input.Seed, n)
			default:
				raw, err = os.ReadFile(filepath.Join(dir, filepath.Base(g.Input.RawFile)))
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(raw) != n {
				t.Fatalf("input has %d bytes, want %d", len(raw), n)
			}
			setInput(r, raw)
			if err := r.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			for _, ref := range g.refs() {
				d := compareOutput(t, r, g.Model.Name, ref)
				if d < 0 {
					t.Logf("%-24s bit-identical to TF.js (sha256)", ref.Name)
				} else {
					t.Logf("%-24s max |diff| %.3g (spread %.3g)", ref.Name, d, ref.Spread)
				}
			}
		})
	}
}

// TestExplainFlip exercises the near-tie check on real MoveNet tensors: a
// "TF.js" keypoint built from our runner-up cell is accepted only when the
// allowed score gap covers the real gap; one built from our own cell always
// is; one matching no cell never is.
func TestExplainFlip(t *testing.T) {
	m := loadModel(t, "movenet-lightning")
	r, err := m.NewRunner(Options{Threads: 1, Keep: movenetKeep})
	if err != nil {
		t.Fatal(err)
	}
	setInput(r, lcgBytes(7, 192*192*3))
	if err := r.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	score, shape, _ := r.Tensor(movenetKeep[0])
	heat, _, _ := r.Tensor(movenetKeep[1])
	off, _, _ := r.Tensor(movenetKeep[2])
	scale, _, _ := r.Tensor(movenetKeep[3])
	w, nk := shape[2], shape[3]
	const k = 5
	best, second := -1, -1
	for c := 0; c < shape[1]*w; c++ {
		v := score[c*nk+k]
		switch {
		case best < 0 || v > score[best*nk+k]:
			best, second = c, best
		case second < 0 || v > score[second*nk+k]:
			second = c
		}
	}
	at := func(c int) [3]float64 {
		y := (float32(c/w) + off[c*2*nk+2*k]) * scale[0]
		x := (float32(c%w) + off[c*2*nk+2*k+1]) * scale[1]
		return [3]float64{float64(y), float64(x), float64(heat[c*nk+k])}
	}
	out, _ := output(t, r, "Identity:0")
	own := at(best)
	for i := range 3 {
		if math.Abs(own[i]-float64(out[3*k+i])) > 1e-7 {
			t.Fatalf("reconstruction %v of keypoint %d differs from the output %v", own, k, out[3*k:3*k+3])
		}
	}
	if why, ok := explainFlip(r, k, own, 1e-7, 0); !ok {
		t.Errorf("own cell rejected: %s", why)
	}
	gap := float64(score[best*nk+k]-score[second*nk+k]) / float64(score[best*nk+k])
	if why, ok := explainFlip(r, k, at(second), 1e-7, gap*1.01); !ok {
		t.Errorf("runner-up with a covering gap rejected: %s", why)
	}
	if why, ok := explainFlip(r, k, at(second), 1e-7, gap*0.99); ok {
		t.Errorf("runner-up with a too-small gap accepted: %s", why)
	}
	if why, ok := explainFlip(r, k, [3]float64{-5, -5, 2}, 1e-7, 1); ok {
		t.Errorf("impossible keypoint accepted: %s", why)
	}
}

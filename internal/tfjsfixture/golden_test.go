package tfjsfixture_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

// golden is the layout of ../shared/reference/tfjs-golden/<model>.<input>.json,
// made independently of tools/tfjs with the same TF.js cpu backend.
type golden struct {
	Model struct {
		JSONSHA256 string `json:"json_sha256"`
		BinSHA256  string `json:"bin_sha256"`
	} `json:"model"`
	Input struct {
		Shape        []int  `json:"shape"`
		DType        string `json:"dtype"`
		Seed         uint32 `json:"seed"`
		RawSHA256    string `json:"raw_sha256"`
		TensorSHA256 string `json:"tensor_sha256"` // "<hex> (float32 LE)"
		First16      []int  `json:"first16Bytes"`
	} `json:"input"`
	Outputs map[string]struct {
		Shape   []int     `json:"shape"`
		SHA256  string    `json:"sha256_f32le"`
		Values  []float64 `json:"values"`
		Summary *struct {
			First16 []float64 `json:"first16"`
		} `json:"summary"`
	} `json:"outputs"`
	Spread map[string]map[string]struct {
		MaxAbsDiff float64 `json:"maxAbsDiff"`
	} `json:"spread_vs_other_tfjs_backends"`
}

func readGolden(t *testing.T, model, input string) (*golden, string) {
	t.Helper()
	p := testenv.SharedFile(t, filepath.Join("reference", "tfjs-golden", model+"."+input+".json"))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("parsing %s: %v", p, err)
	}
	return &g, filepath.Dir(p)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// TestLCGBytesMatchesGolden checks the Go generator against the bytes the
// golden producer fed TF.js: the first 16 and the sha256 of the whole input.
func TestLCGBytesMatchesGolden(t *testing.T) {
	for _, model := range []string{"movenet-lightning", "blazepose-full"} {
		g, _ := readGolden(t, model, "lcg")
		if g.Input.Seed != tfjsfixture.LCGSeed {
			t.Fatalf("%s: golden seed %d, want %d", model, g.Input.Seed, tfjsfixture.LCGSeed)
		}
		raw := tfjsfixture.LCGBytes(g.Input.Seed, product(g.Input.Shape))
		for i, b := range g.Input.First16 {
			if int(raw[i]) != b {
				t.Fatalf("%s: byte %d = %d, golden %d", model, i, raw[i], b)
			}
		}
		if got := sum(raw); got != g.Input.RawSHA256 {
			t.Fatalf("%s: sha256 of LCGBytes(%d, %d) = %s, golden %s", model, g.Input.Seed, len(raw), got, g.Input.RawSHA256)
		}
	}
}

// TestAgreesWithGolden checks that tools/tfjs reproduces the shared golden
// outputs bit for bit: same models, same TF.js cpu backend and version, same
// input bytes, so any difference means the producer (or its input) is wrong.
// It also checks the spread: the golden file measured the same wasm builds.
func TestAgreesWithGolden(t *testing.T) {
	for _, model := range []string{"movenet-lightning", "blazepose-full"} {
		for _, input := range []string{"image", "lcg"} {
			t.Run(model+"."+input, func(t *testing.T) {
				g, gdir := readGolden(t, model, input)
				f := testenv.Fixture(t, model, input)

				if f.ModelJSONSHA256 != g.Model.JSONSHA256 || f.ModelBinSHA256 != g.Model.BinSHA256 {
					t.Fatalf("model sha256 (%s, %s), golden (%s, %s)", f.ModelJSONSHA256, f.ModelBinSHA256, g.Model.JSONSHA256, g.Model.BinSHA256)
				}
				if !reflect.DeepEqual(f.InputShape, g.Input.Shape) || f.InputDType != g.Input.DType {
					t.Fatalf("input %v %s, golden %v %s", f.InputShape, f.InputDType, g.Input.Shape, g.Input.DType)
				}
				if f.InputRawSHA256 != g.Input.RawSHA256 || sum(f.InputRaw) != g.Input.RawSHA256 {
					t.Fatalf("input raw sha256 %s (recorded %s), golden %s", sum(f.InputRaw), f.InputRawSHA256, g.Input.RawSHA256)
				}
				goldenTensor := strings.Fields(g.Input.TensorSHA256)[0]
				if f.InputTensorSHA256 != goldenTensor {
					t.Fatalf("input tensor sha256 %s, golden %s", f.InputTensorSHA256, goldenTensor)
				}
				if input == "image" {
					side := g.Input.Shape[1]
					raw, err := os.ReadFile(filepath.Join(gdir, "body_"+strconv.Itoa(side)+".u8.rgb"))
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(raw, f.InputRaw) {
						t.Fatalf("input bytes differ from body_%d.u8.rgb", side)
					}
				}

				for name, want := range g.Outputs {
					o, ok := f.Output(name)
					if !ok {
						t.Fatalf("output %s is in the golden file, not in the fixture", name)
					}
					if o.Intermediate || !reflect.DeepEqual(o.Shape, want.Shape) {
						t.Fatalf("%s: shape %v (intermediate %v), golden %v", name, o.Shape, o.Intermediate, want.Shape)
					}
					for i, v := range want.Values {
						if math.Float32bits(o.Data[i]) != math.Float32bits(float32(v)) {
							t.Fatalf("%s[%d] = %v, golden %v", name, i, o.Data[i], float32(v))
						}
					}
					if want.Summary != nil {
						for i, v := range want.Summary.First16 {
							if math.Float32bits(o.Data[i]) != math.Float32bits(float32(v)) {
								t.Fatalf("%s[%d] = %v, golden %v", name, i, o.Data[i], float32(v))
							}
						}
					}
					if got := sum(tfjsfixture.EncodeF32(o.Data)); got != want.SHA256 {
						t.Fatalf("%s: sha256 of the float32 data %s, golden %s (not bit-identical)", name, got, want.SHA256)
					}
					// The same wasm builds on the same input give the same spread.
					gs := g.Spread[name]
					wantSpread := math.Max(gs["wasm"].MaxAbsDiff, gs["wasm-simd"].MaxAbsDiff)
					if !o.SpreadKnown || o.Spread != wantSpread {
						t.Fatalf("%s: spread %g (known %v), golden max(wasm, wasm-simd) %g", name, o.Spread, o.SpreadKnown, wantSpread)
					}
					t.Logf("%s %v: bit-identical to the golden file; spread %.3g", name, o.Shape, o.Spread)
				}
			})
		}
	}
}

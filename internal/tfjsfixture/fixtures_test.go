package tfjsfixture_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

// The outputs every fixture must hold, from the models' signatures (and, for
// MoveNet, the graph around its ArgMax nodes), with the input side length.
var (
	blazeposeLandmarkOutputs = map[string][]int{
		"ld_3d":                   {1, 195},
		"output_poseflag":         {1, 1},
		"world_3d":                {1, 117},
		"activation_heatmap":      {1, 64, 64, 39},
		"activation_segmentation": {1, 256, 256, 1},
	}
	expected = []struct {
		model   string
		side    int
		dtype   string
		outputs map[string][]int
	}{
		{"blazepose-detector", 224, "float32", map[string][]int{"person": {1, 2254, 13}}},
		{"blazepose-lite", 256, "float32", blazeposeLandmarkOutputs},
		{"blazepose-full", 256, "float32", blazeposeLandmarkOutputs},
		{"blazepose-heavy", 256, "float32", blazeposeLandmarkOutputs},
		{"movenet-lightning", 192, "int32", movenetOutputs(48)},
		{"movenet-thunder", 256, "int32", movenetOutputs(64)},
	}
)

func movenetOutputs(grid int) map[string][]int {
	cells := grid * grid
	return map[string][]int{
		"Identity:0":                                             {1, 1, 17, 3},
		"StatefulPartitionedCall/Reshape_2":                      {1, cells, 1},
		"StatefulPartitionedCall/ArgMax":                         {1, 1},
		"StatefulPartitionedCall/Reshape_7":                      {1, cells, 17},
		"StatefulPartitionedCall/ArgMax_1":                       {1, 17},
		"StatefulPartitionedCall/Sigmoid":                        {1, grid, grid, 17},
		"StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd": {1, grid, grid, 34},
		"StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd":  {1, grid, grid, 34},
	}
}

// TestAllFixtures checks every fixture the producer makes: the outputs and
// their shapes, the input (the "lcg" bytes regenerated in Go), and that the
// wasm backend gave a finite spread for every output.
func TestAllFixtures(t *testing.T) {
	for _, e := range expected {
		for _, input := range []string{"lcg", "image"} {
			t.Run(e.model+"."+input, func(t *testing.T) {
				f := testenv.Fixture(t, e.model, input)
				if want := []int{1, e.side, e.side, 3}; !reflect.DeepEqual(f.InputShape, want) || f.InputDType != e.dtype {
					t.Fatalf("input %v %s, want %v %s", f.InputShape, f.InputDType, want, e.dtype)
				}
				if f.TFJS["@tensorflow/tfjs-core"] != tfjsfixture.TFJSVersion || f.TFJS["@tensorflow/tfjs-backend-cpu"] != tfjsfixture.TFJSVersion {
					t.Fatalf("made with TF.js %v, want %s", f.TFJS, tfjsfixture.TFJSVersion)
				}
				if input == "lcg" {
					want := tfjsfixture.LCGBytes(tfjsfixture.LCGSeed, 3*e.side*e.side)
					if !reflect.DeepEqual(f.InputRaw, want) {
						t.Fatal("lcg input bytes differ from LCGBytes(LCGSeed, n)")
					}
				}
				if len(f.Outputs) != len(e.outputs) {
					t.Fatalf("%d outputs, want %d", len(f.Outputs), len(e.outputs))
				}
				for name, shape := range e.outputs {
					o, ok := f.Output(name)
					if !ok {
						t.Fatalf("output %s missing", name)
					}
					if !reflect.DeepEqual(o.Shape, shape) || len(o.Data) != o.Len() {
						t.Fatalf("%s: shape %v with %d values, want %v", name, o.Shape, len(o.Data), shape)
					}
					if !o.SpreadKnown || math.IsNaN(o.Spread) || o.Spread < 0 || math.IsInf(o.Spread, 0) {
						t.Fatalf("%s: spread %g known %v (%s)", name, o.Spread, o.SpreadKnown, o.SpreadNote)
					}
					if !reflect.DeepEqual(o.SpreadBackends, []string{"wasm", "wasm-simd"}) {
						t.Fatalf("%s: spread measured on %v, want wasm and wasm-simd", name, o.SpreadBackends)
					}
					for k, c := range o.SpreadByChannel {
						if c > o.Spread {
							t.Fatalf("%s: channel %d spread %g exceeds the whole spread %g", name, k, c, o.Spread)
						}
					}
					for i, v := range o.Data {
						if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
							t.Fatalf("%s[%d] = %v", name, i, v)
						}
					}
				}
			})
		}
	}
}

// argmax returns the first index of the largest of n values at
// data[off], data[off+stride], ..., and the gap to the runner-up.
func argmax(data []float32, n, off, stride int) (best int, margin float32) {
	best = 0
	second := float32(math.Inf(-1))
	for c := 1; c < n; c++ {
		v := data[off+c*stride]
		if top := data[off+best*stride]; v > top {
			second, best = top, c
		} else if v > second {
			second = v
		}
	}
	return best, data[off+best*stride] - second
}

// TestMoveNetIntermediatesDecodeOutput checks that the recorded MoveNet
// intermediates are the ones the output is made from, exactly: each ArgMax
// result is the first maximum of its recorded input, and every keypoint of
// Identity:0 is (row + offset_y, col + offset_x) * s and heatmap score at the
// chosen cell, where s is 1/grid as the model stores it (a float16 constant:
// 1/48 becomes 1365/65536, 1/64 is exact). So a test that sees a runtime
// pick a neighbouring cell on a near-tie can recompute TF.js's answer for
// that cell from these tensors.
func TestMoveNetIntermediatesDecodeOutput(t *testing.T) {
	const k = 17
	for _, c := range []struct {
		model string
		grid  int
		scale float32
	}{
		{"movenet-lightning", 48, 1365.0 / 65536},
		{"movenet-thunder", 64, 1.0 / 64},
	} {
		for _, input := range []string{"lcg", "image"} {
			t.Run(c.model+"."+input, func(t *testing.T) {
				f := testenv.Fixture(t, c.model, input)
				get := func(name string) []float32 {
					o, ok := f.Output(name)
					if !ok {
						t.Fatalf("output %s missing", name)
					}
					return o.Data
				}
				cells := c.grid * c.grid
				out := get("Identity:0")
				centre := get("StatefulPartitionedCall/ArgMax")
				centreIn := get("StatefulPartitionedCall/Reshape_2")
				idx := get("StatefulPartitionedCall/ArgMax_1")
				scores := get("StatefulPartitionedCall/Reshape_7")
				heat := get("StatefulPartitionedCall/Sigmoid")
				offset := get("StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd")

				if best, _ := argmax(centreIn, cells, 0, 1); float32(best) != centre[0] {
					t.Fatalf("ArgMax = %v, but the first maximum of its input is at %d", centre[0], best)
				}
				minMargin := float32(math.Inf(1))
				for j := range k {
					best, margin := argmax(scores, cells, j, k)
					if float32(best) != idx[j] {
						t.Fatalf("keypoint %d: ArgMax_1 = %v, but the first maximum of its input is at %d", j, idx[j], best)
					}
					minMargin = min(minMargin, margin)
					cell := best
					row, col := cell/c.grid, cell%c.grid
					y := (float32(row) + offset[cell*2*k+2*j]) * c.scale
					x := (float32(col) + offset[cell*2*k+2*j+1]) * c.scale
					s := heat[cell*k+j]
					if y != out[3*j] || x != out[3*j+1] || s != out[3*j+2] {
						t.Fatalf("keypoint %d: decoded (%v, %v, %v) from cell %d, Identity:0 has (%v, %v, %v)",
							j, y, x, s, cell, out[3*j], out[3*j+1], out[3*j+2])
					}
				}
				o, _ := f.Output("StatefulPartitionedCall/Reshape_7")
				t.Logf("smallest top-two gap over the 17 keypoint argmaxes: %.3g (spread of the scores %.3g)", minMargin, o.Spread)
			})
		}
	}
}

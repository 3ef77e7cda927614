package nn

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

// TestConformanceTFJS runs all six models on the TF.js fixtures (made by
// tools/tfjs/make-fixtures.mjs with TF.js's cpu backend) and compares every
// element of every output, and of the MoveNet intermediates the fixtures
// record around its ArgMax nodes.
//
// Tolerance per element: the spread TF.js's own backends show on the same
// input (per channel when the fixture has it, else per tensor); where the
// spread is 0, ulpSlack float32 ulps of the reference value. A MoveNet
// ArgMax that picks a different cell is accepted only for a genuine
// near-tie (see checkArgMax); the keypoint it moves is then checked against
// what TF.js's own tensors give at our cell.
func TestConformanceTFJS(t *testing.T) {
	for _, model := range allModels {
		for _, input := range []string{"lcg", "image"} {
			t.Run(model+"."+input, func(t *testing.T) {
				f := testenv.Fixture(t, model, input)
				m := loadModel(t, model)
				opts := Options{Threads: 2}
				for _, o := range f.Outputs {
					if o.Intermediate {
						opts.Keep = append(opts.Keep, o.Node)
					}
				}
				if slices.Contains(opts.Keep, argMaxCells) {
					opts.Keep = append(opts.Keep, movenetScale)
				}
				r, err := m.NewRunner(opts)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				in := m.Inputs()[0]
				if !equalShape(in.Shape, f.InputShape) || in.DType != f.InputDType {
					t.Fatalf("model input %v %s, fixture %v %s", in.Shape, in.DType, f.InputShape, f.InputDType)
				}
				if f.InputDType == "int32" {
					copy(r.InputInt32(), f.InputI32)
				} else {
					copy(r.InputFloat32(), f.InputF32)
				}
				if err := r.Run(t.Context()); err != nil {
					t.Fatal(err)
				}
				skip, notes, problems, err := checkArgMax(r, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range notes {
					t.Log(n)
				}
				for _, p := range problems {
					t.Error(p)
				}
				for i := range f.Outputs {
					o := &f.Outputs[i]
					var got []float32
					var shape []int
					if o.Intermediate {
						got, shape, err = r.Tensor(o.Node)
					} else {
						got, shape, err = r.Output(o.Name)
					}
					if err != nil {
						t.Fatalf("%s: %v", o.Name, err)
					}
					if !equalShape(shape, o.Shape) {
						t.Fatalf("%s: shape %v, TF.js %v", o.Name, shape, o.Shape)
					}
					d := compareFixtureOutput(t, o, got, skip[o.Name])
					t.Logf("%-58s max |diff| %.3g (spread %.3g)", o.Name, d, o.Spread)
				}
			})
		}
	}
}

// elemTolerance is the allowed |diff| for element i of o.
func elemTolerance(o *tfjsfixture.Output, i int, want float32) float64 {
	s := o.Spread
	if c := len(o.SpreadByChannel); c > 0 && o.Shape[len(o.Shape)-1] == c {
		s = o.SpreadByChannel[i%c]
	}
	if !o.SpreadKnown || s == 0 {
		return ulpSlack * ulp32(float64(want))
	}
	return s
}

// compareFixtureOutput checks every element not in skip and returns the
// largest |diff|.
func compareFixtureOutput(t *testing.T, o *tfjsfixture.Output, got []float32, skip map[int]bool) float64 {
	t.Helper()
	maxDiff, bad, worst := 0.0, 0, -1
	worstExcess := 0.0
	if skip[skipAll] {
		return 0
	}
	for i, w := range o.Data {
		if skip[i] {
			continue
		}
		d := math.Abs(float64(got[i]) - float64(w))
		if math.IsNaN(d) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(w))) {
			d = math.Inf(1)
		}
		tol := elemTolerance(o, i, w)
		if d > tol {
			bad++
			if d/tol > worstExcess {
				worstExcess, worst = d/tol, i
			}
			continue
		}
		maxDiff = max(maxDiff, d)
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements outside tolerance; worst at %d: got %v, TF.js %v (tolerance %.3g; spread known: %v %s)",
			o.Name, bad, len(o.Data), worst, got[worst], o.Data[worst], elemTolerance(o, worst, o.Data[worst]), o.SpreadKnown, o.SpreadNote)
	}
	return maxDiff
}

// Names of the MoveNet tensors around its two ArgMax nodes.
const (
	argMaxCentre = "StatefulPartitionedCall/ArgMax"    // centre cell, [1, 1]
	centreScores = "StatefulPartitionedCall/Reshape_2" // its input, [1, cells, 1]
	argMaxCells  = "StatefulPartitionedCall/ArgMax_1"  // keypoint cells, [1, 17]
	cellScores   = "StatefulPartitionedCall/Reshape_7" // its input, [1, cells, 17]
	heatmap      = "StatefulPartitionedCall/Sigmoid"
	offsets      = "StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd"
	movenetScale = "StatefulPartitionedCall/Reshape_13" // 1/grid, as float16
	keypoints    = "Identity:0"
)

// checkArgMax compares MoveNet's two in-graph ArgMax results with TF.js's.
// A different cell is accepted only when it is a genuine near-tie: by TF.js's
// own scores the two cells differ by no more than twice the spread of those
// scores (so TF.js's backends could order them either way), and the same
// holds for ours. The tensors that follow a flip are then not compared
// element by element (they describe another cell); for a keypoint cell flip
// the keypoint's (y, x, score) is instead checked against TF.js's offsets
// and heatmap at our cell. It returns, per output name, the elements to skip
// (skipAll for all), what it accepted (notes) and what it did not
// (problems).
func checkArgMax(r *Runner, f *tfjsfixture.Fixture) (skip map[string]map[int]bool, notes, problems []string, err error) {
	skip = map[string]map[int]bool{}
	theirsC, ok := f.Output(argMaxCentre)
	if !ok {
		return skip, nil, nil, nil // not MoveNet
	}
	tensors := map[string][]float32{}
	for _, n := range []string{argMaxCentre, centreScores, argMaxCells, cellScores, movenetScale} {
		if tensors[n], _, err = r.Tensor(n); err != nil {
			return nil, nil, nil, err
		}
	}
	if tensors[keypoints], _, err = r.Output(keypoints); err != nil {
		return nil, nil, nil, err
	}
	fix := map[string]*tfjsfixture.Output{}
	for _, n := range []string{centreScores, argMaxCells, cellScores, heatmap, offsets, keypoints} {
		o, ok := f.Output(n)
		if !ok {
			return nil, nil, nil, fmt.Errorf("fixture has no %s", n)
		}
		fix[n] = o
	}
	if c := tensors[argMaxCentre][0]; c != theirsC.Data[0] {
		a, b := int(theirsC.Data[0]), int(c)
		scores := fix[centreScores]
		if !nearTie(scores.Data, tensors[centreScores], a, b, 0, 1, scores.Spread) {
			problems = append(problems, fmt.Sprintf("centre ArgMax: TF.js cell %d, ours %d, and the scores do not tie (TF.js %v vs %v)",
				a, b, scores.Data[a], scores.Data[b]))
			return skip, notes, problems, nil
		}
		notes = append(notes, fmt.Sprintf("centre ArgMax: near-tie between cells %d (TF.js) and %d (ours); the tensors after it are not compared", a, b))
		for _, n := range []string{cellScores, argMaxCells, keypoints} {
			skip[n] = map[int]bool{skipAll: true}
		}
		return skip, notes, problems, nil
	}
	theirs, ours := fix[argMaxCells], tensors[argMaxCells]
	scores, off, heat, kp := fix[cellScores], fix[offsets], fix[heatmap], fix[keypoints]
	scale, oursKP := tensors[movenetScale], tensors[keypoints]
	nk, w := len(ours), heat.Shape[2]
	for k := range nk {
		if ours[k] == theirs.Data[k] {
			continue
		}
		a, b := int(theirs.Data[k]), int(ours[k])
		spread := scores.Spread
		if len(scores.SpreadByChannel) == nk {
			spread = scores.SpreadByChannel[k]
		}
		if !nearTie(scores.Data, tensors[cellScores], a, b, k, nk, spread) {
			problems = append(problems, fmt.Sprintf("keypoint %d ArgMax: TF.js cell %d, ours %d, and the scores do not tie (TF.js %v vs %v)",
				k, a, b, scores.Data[a*nk+k], scores.Data[b*nk+k]))
			continue
		}
		// Our keypoint must be what TF.js's tensors give at our cell.
		y := (float32(b/w) + off.Data[b*2*nk+2*k]) * scale[0]
		x := (float32(b%w) + off.Data[b*2*nk+2*k+1]) * scale[1]
		s := heat.Data[b*nk+k]
		for j, want := range []float32{y, x, s} {
			if d := math.Abs(float64(oursKP[3*k+j]) - float64(want)); d > elemTolerance(kp, 3*k+j, want) {
				problems = append(problems, fmt.Sprintf("keypoint %d on a near-tie: element %d is %v, TF.js's tensors at our cell give %v",
					k, j, oursKP[3*k+j], want))
			}
		}
		notes = append(notes, fmt.Sprintf("keypoint %d ArgMax: near-tie between cells %d (TF.js) and %d (ours), TF.js scores %v vs %v; keypoint checked at our cell",
			k, a, b, scores.Data[a*nk+k], scores.Data[b*nk+k]))
		for _, n := range []string{argMaxCells, keypoints} {
			if skip[n] == nil {
				skip[n] = map[int]bool{}
			}
		}
		skip[argMaxCells][k] = true
		for j := range 3 {
			skip[keypoints][3*k+j] = true
		}
	}
	return skip, notes, problems, nil
}

// skipAll in a skip set means: skip every element.
const skipAll = -1

// nearTie reports whether cells a and b of channel k (of nk) score within
// twice the spread of each other in both TF.js's and our tensors.
func nearTie(theirs, ours []float32, a, b, k, nk int, spread float64) bool {
	lim := 2*spread + ulpSlack*ulp32(float64(theirs[a*nk+k]))
	return math.Abs(float64(theirs[a*nk+k]-theirs[b*nk+k])) <= lim &&
		math.Abs(float64(ours[a*nk+k]-ours[b*nk+k])) <= lim
}

// TestCheckArgMax exercises the near-tie rule on a fixture built from our
// own MoveNet tensors, with TF.js's ArgMax moved to our runner-up cell.
func TestCheckArgMax(t *testing.T) {
	m := loadModel(t, "movenet-lightning")
	names := []string{argMaxCentre, centreScores, argMaxCells, cellScores, heatmap, offsets, movenetScale}
	r, err := m.NewRunner(Options{Threads: 1, Keep: names})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	setInput(r, lcgBytes(11, 192*192*3))
	if err := r.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	fake := func() *tfjsfixture.Fixture {
		f := &tfjsfixture.Fixture{Model: "movenet-lightning", Input: "test"}
		for _, n := range append(names[:6:6], keypoints) {
			var d []float32
			var shape []int
			if n == keypoints {
				d, shape, err = r.Output(n)
			} else {
				d, shape, err = r.Tensor(n)
			}
			if err != nil {
				t.Fatal(err)
			}
			f.Outputs = append(f.Outputs, tfjsfixture.Output{Name: n, Node: n, Shape: shape, Data: slices.Clone(d),
				Spread: 1e-7, SpreadKnown: true, Intermediate: n != keypoints})
		}
		return f
	}
	const k = 3
	scores, _, _ := r.Tensor(cellScores)
	best, second := -1, -1
	for c := 0; c < len(scores)/17; c++ {
		switch v := scores[c*17+k]; {
		case best < 0 || v > scores[best*17+k]:
			best, second = c, best
		case second < 0 || v > scores[second*17+k]:
			second = c
		}
	}
	gap := float64(scores[best*17+k] - scores[second*17+k])

	check := func(f *tfjsfixture.Fixture) (map[string]map[int]bool, []string, []string) {
		skip, notes, problems, err := checkArgMax(r, f)
		if err != nil {
			t.Fatal(err)
		}
		return skip, notes, problems
	}
	if skip, notes, problems := check(fake()); len(skip) != 0 || len(notes) != 0 || len(problems) != 0 {
		t.Fatalf("identical tensors: skip %v notes %v problems %v", skip, notes, problems)
	}
	flip := func(spread float64) *tfjsfixture.Fixture {
		f := fake()
		o, _ := f.Output(argMaxCells)
		o.Data[k] = float32(second)
		s, _ := f.Output(cellScores)
		s.Spread = spread
		return f
	}
	skip, notes, problems := check(flip(gap))
	if len(problems) != 0 || len(notes) != 1 || !skip[keypoints][3*k] || !skip[argMaxCells][k] || len(skip[keypoints]) != 3 {
		t.Errorf("covered near-tie: skip %v notes %v problems %v", skip, notes, problems)
	}
	if _, notes, problems := check(flip(gap / 4)); len(problems) != 1 || len(notes) != 0 {
		t.Errorf("gap four times the spread: notes %v problems %v, want one problem", notes, problems)
	}
	f := flip(gap)
	off, _ := f.Output(offsets)
	off.Data[best*34+2*k] += 0.5 // TF.js's offset at our cell now disagrees
	if _, _, problems := check(f); len(problems) != 1 {
		t.Errorf("keypoint not reproduced at our cell: problems %v, want one", problems)
	}
	f = fake()
	c, _ := f.Output(argMaxCentre)
	c.Data[0]++
	if _, _, problems := check(f); len(problems) != 1 {
		t.Errorf("centre flip without a tie: problems %v, want one", problems)
	}
}

package evalset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// scene is one 3D take with its truth, before filming.
type scene struct {
	id       int
	name     string // e.g. "synth/bilateral/l012-cave-right-14deg"
	source   string
	movement string
	knee     [2]KneeTruth
	reps     int
	films    int
	legM     float64 // mean leg length (thigh + shank), metres
	// take returns the 3D take at a frame rate: synthetic takes are
	// generated at that rate, motion capture is resampled.
	take func(fps float64) (*track.Track, error)
	// spans are the reps' start, deepest and end times in the take.
	spans [][3]float64
	// fps lists the frame rates the take may be filmed at.
	fps []float64
	// singleRep: a one-rep clip that may start or end off standing.
	singleRep bool
	perturb   []string // tokens the scene itself contributes
}

// Frame rates of the set: phone video at 30 and 60, PAL 25, and the reduced
// rates a pose pipeline may subsample to.
var allRates = [...]float64{12.5, 20, 25, 30, 30, 60}

func ratesUpTo(max float64) []float64 {
	var out []float64
	for _, r := range allRates {
		if r <= max+1e-9 {
			out = append(out, r)
		}
	}
	return out
}

func uni(rng *rand.Rand, a, b float64) float64 { return a + (b-a)*rng.Float64() }

// nz keeps a chosen zero from being replaced by sim.StickSet's default.
func nz(v float64) float64 {
	if math.Abs(v) < 1e-3 {
		return 1e-3
	}
	return v
}

// caveSpec is the per-rep inward turn past straight ahead at the bottom of
// each rep, per side (0 left, 1 right), and a name for the pattern.
type caveSpec struct {
	net  [2][]float64
	name string
}

// Knee patterns of synthetic lifters.
const (
	patNoCave = iota
	patCave
	patMild
)

// patternFor assigns the i-th lifter of a kind its knee pattern from a
// fixed cycle, so that each kind's classes are balanced however few lifters
// it has: the last of every cycle is mild, the others alternate between
// cave and no cave with a few more caves (one-sided caves leave the other
// knee NoCave, so this balances the knees too).
func patternFor(i, cycle int) int {
	k := i % cycle
	switch {
	case k == cycle-1:
		return patMild
	case k%2 == 1 || k == 0 || (cycle >= 20 && k == cycle/2):
		return patCave
	}
	return patNoCave
}

// synthClass draws a lifter's knee pattern of the given kind: a cave (on
// one of sides, or both when sides has two; 10-25 deg; constant or growing
// over the set), a mild turn (2-8 deg in: Ambiguous), or no cave (knees at
// or outside straight ahead, 0-20 deg out). k0 is the knees-out at
// standing.
func synthClass(rng *rand.Rand, reps int, pattern int, sides []int) (cs caveSpec, k0 float64) {
	noCave := func(k0 float64) []float64 {
		d := uni(rng, -5, 5)
		v := math.Min(-(k0 + d), 0)
		return repeat(v, reps)
	}
	switch pattern {
	case patMild:
		k0 = uni(rng, 0, 8)
		side := sides[rng.IntN(len(sides))]
		c := uni(rng, 2, 8)
		cs.net[side] = repeat(c, reps)
		cs.net[1-side] = noCave(k0)
		cs.name = fmt.Sprintf("mild-%s-%.0fdeg", sideName(side), c)
	case patCave:
		k0 = uni(rng, 0, 10)
		which := sides[rng.IntN(len(sides))]
		both := len(sides) == 2 && rng.Float64() < 0.6
		grow := reps > 1 && rng.Float64() < 0.4
		var parts []string
		for s := 0; s < 2; s++ {
			if !(both || s == which) {
				cs.net[s] = noCave(k0)
				continue
			}
			c := uni(rng, 10, 25)
			if grow {
				g := uni(rng, 0.3, 0.7)
				for i := 0; i < reps; i++ {
					cs.net[s] = append(cs.net[s], c*(g+(1-g)*float64(i)/float64(reps-1)))
				}
				parts = append(parts, fmt.Sprintf("%.0fto%.0f", c*g, c))
			} else {
				cs.net[s] = repeat(c, reps)
				parts = append(parts, fmt.Sprintf("%.0f", c))
			}
		}
		side := sideName(which)
		if both {
			side = "both"
		}
		cs.name = fmt.Sprintf("cave-%s-%sdeg", side, strings.Join(parts, "+"))
	default:
		k0 = uni(rng, 0, 20)
		cs.net[0], cs.net[1] = noCave(k0), noCave(k0)
		cs.name = fmt.Sprintf("nocave-out%.0fdeg", k0)
	}
	return cs, k0
}

func sideName(s int) string {
	if s == 0 {
		return "left"
	}
	return "right"
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// applyCave sets a lifter's knee parameters so that each knee's bending
// plane is turned outwards by k0 when standing and inwards by net[side][r]
// (past straight ahead) at the bottom of rep r. The stick figure turns them by
// KneesOutDeg - Baseline - valgus·depth, so with KneesOutDeg 10, Baseline
// 10-k0 and valgus net+k0 the bottom is at net.
func applyCave(l *sim.StickSet, cs caveSpec, k0 float64) {
	l.KneesOutDeg = 10
	l.BaselineValgusDeg = 10 - k0
	for s := 0; s < 2; s++ {
		v := make([]float64, len(cs.net[s]))
		for i, c := range cs.net[s] {
			v[i] = c + k0
		}
		if s == 0 {
			l.LeftValgusDeg = v
		} else {
			l.RightValgusDeg = v
		}
	}
}

// baseLifter draws body dimensions and tempo.
func baseLifter(rng *rand.Rand, mv body.Movement, reps int) sim.StickSet {
	l := sim.StickSet{
		Movement:       mv,
		Reps:           reps,
		ThighM:         uni(rng, 0.38, 0.48),
		ShankM:         uni(rng, 0.37, 0.46),
		HipWidthM:      uni(rng, 0.17, 0.23),
		ShoulderWidthM: uni(rng, 0.32, 0.42),
		LeadS:          uni(rng, 1.0, 1.5),
		PauseS:         uni(rng, 0.3, 1.0),
		DescentS:       uni(rng, 0.8, 2.0),
		BottomS:        uni(rng, 0.05, 0.4),
		ToeOutDeg:      nz(uni(rng, 0, 35)),
	}
	asc := uni(rng, 0.7, 1.4)
	if rng.Float64() < 0.3 { // fatigue: the ascent slows rep by rep
		f := uni(rng, 1.05, 1.15)
		for i := 0; i < reps; i++ {
			l.AscentS = append(l.AscentS, asc*math.Pow(f, float64(i)))
		}
	} else {
		l.AscentS = []float64{asc}
	}
	return l
}

// synthScene wraps a lifter: its takes, truth and rep spans.
func synthScene(kind string, movement string, l sim.StickSet, cs caveSpec, mirrored bool, free int, desc string) (*scene, error) {
	net := cs.net
	if mirrored {
		net[0], net[1] = net[1], net[0]
		if free >= 0 {
			free = 1 - free
		}
	}
	take := func(fps float64) (*track.Track, error) {
		ll := l
		ll.FPS = fps
		t := ll.Track3D()
		if mirrored {
			mirror3D(t)
		}
		return t, nil
	}
	sc := &scene{
		name:     fmt.Sprintf("synth/%s/%s", kind, desc),
		source:   "synthetic",
		movement: movement,
		reps:     l.Reps,
		take:     take,
		legM:     l.ThighM + l.ShankM,
		fps:      ratesUpTo(60),
	}
	for _, rt := range l.Timings() {
		sc.spans = append(sc.spans, [3]float64{rt.Start, (rt.BottomStart + rt.BottomEnd) / 2, rt.End})
	}
	// Truth: CaveDeg from the generator's parameters, MedialLeg from the
	// 3D geometry of a 60 fps take.
	t60, _ := take(60)
	sk, err := newSkeleton3D(t60)
	if err != nil {
		return nil, err
	}
	reps, standing := spansToReps(sc.spans, sk.time)
	for s := 0; s < 2; s++ {
		km := sk.measureKnee(s, reps, standing)
		kt := KneeTruth{RepCaveDeg: append([]float64(nil), net[s]...), MedialLeg: km.MedialLeg}
		kt.CaveDeg = math.Inf(-1)
		for _, c := range net[s] {
			kt.CaveDeg = math.Max(kt.CaveDeg, c)
		}
		kt.Label = LabelFor(kt.CaveDeg)
		if s == free {
			kt.Label = Ambiguous
		}
		sc.knee[s] = kt
	}
	return sc, nil
}

// spansToReps turns rep times into frame indices of a take sampled at
// times ts, and lists the standing frames (outside every rep).
func spansToReps(spans [][3]float64, ts []float64) (reps []rep, standing []int) {
	near := func(t float64) int {
		best := 0
		for i, x := range ts {
			if math.Abs(x-t) < math.Abs(ts[best]-t) {
				best = i
			}
		}
		return best
	}
	for _, sp := range spans {
		reps = append(reps, rep{near(sp[0]), near(sp[1]), near(sp[2])})
	}
	for i, t := range ts {
		in := false
		for _, sp := range spans {
			if t > sp[0]-0.02 && t < sp[2]+0.02 {
				in = true
			}
		}
		if !in {
			standing = append(standing, i)
		}
	}
	return reps, standing
}

// mirror3D turns a synthetic 3D take (y to the lifter's left) into its
// mirror image with the names swapped: a single-leg squat on the right leg
// becomes one on the left.
func mirror3D(t *track.Track) {
	for i := range t.Frames {
		for k := range t.Frames[i].Points {
			t.Frames[i].Points[k].World.Y = -t.Frames[i].Points[k].World.Y
		}
	}
	swapSides(t)
}

// swapSides renames left_* keypoints right_* and vice versa, keeping the
// keypoint order (the points move with their new names).
func swapSides(t *track.Track) {
	for k, n := range t.Keypoints {
		switch {
		case strings.HasPrefix(n, "left_"):
			t.Keypoints[k] = "right_" + strings.TrimPrefix(n, "left_")
		case strings.HasPrefix(n, "right_"):
			t.Keypoints[k] = "left_" + strings.TrimPrefix(n, "right_")
		}
	}
}

// synthBilateral draws a bilateral squat lifter: a set of 1-6 reps or a
// single-rep clip of 2-3 s.
func synthBilateral(i int, rng *rand.Rand) (*scene, error) {
	single := rng.Float64() < 0.25
	reps := 1 + rng.IntN(6)
	if single {
		reps = 1
	}
	l := baseLifter(rng, body.MoveBilateralSquat, reps)
	if single {
		l.LeadS = uni(rng, 0.2, 0.4)
		l.DescentS = uni(rng, 0.8, 1.2)
		l.BottomS = uni(rng, 0.05, 0.25)
		l.AscentS = []float64{uni(rng, 0.6, 1.0)}
	}
	l.StanceM = l.HipWidthM * uni(rng, 1.0, 2.2)
	l.DepthM = uni(rng, 0.2, 0.5)
	if rng.Float64() < 0.5 {
		l.LateralShiftM = uni(rng, 0.01, 0.08)
		if rng.Float64() < 0.5 {
			l.LateralShiftM = -l.LateralShiftM
		}
	}
	cs, k0 := synthClass(rng, reps, patternFor(i, 20), []int{0, 1})
	applyCave(&l, cs, k0)
	desc := fmt.Sprintf("l%03d-%s-st%.1f-toe%.0f", i, cs.name, l.StanceM/l.HipWidthM, l.ToeOutDeg)
	if l.LateralShiftM != 0 {
		dir := "right" // synth shifts the pelvis towards the lifter's right
		if l.LateralShiftM < 0 {
			dir = "left"
		}
		desc += fmt.Sprintf("-hipshift-%s%.2f", dir, math.Abs(l.LateralShiftM))
	}
	if single {
		desc += "-clip"
	}
	sc, err := synthScene("bilateral", BilateralSquat, l, cs, false, -1, desc)
	if err != nil {
		return nil, err
	}
	sc.singleRep = single
	return sc, nil
}

// synthSingleLeg draws a single-leg squat (on the right leg, or mirrored
// onto the left). The free leg's knee is Ambiguous.
func synthSingleLeg(i int, rng *rand.Rand) (*scene, error) {
	reps := 1 + rng.IntN(5)
	l := baseLifter(rng, body.MoveSingleLegSquat, reps)
	l.DepthM = uni(rng, 0.15, 0.35)
	cs, k0 := synthClass(rng, reps, patternFor(i, 10), []int{1})
	applyCave(&l, cs, k0)
	mirrored := rng.Float64() < 0.5
	desc := fmt.Sprintf("l%03d-on-right-%s", i, cs.name)
	if mirrored {
		desc = swapLR(desc)
	}
	return synthScene("single-leg", SingleLegSquat, l, cs, mirrored, 0, desc)
}

// synthSplit draws a split squat (left foot forward, or mirrored).
func synthSplit(i int, rng *rand.Rand) (*scene, error) {
	reps := 1 + rng.IntN(5)
	l := baseLifter(rng, body.MoveSplitSquat, reps)
	l.DepthM = uni(rng, 0.2, 0.4)
	sides := []int{0, 0, 0, 1} // mostly the front knee caves
	cs, k0 := synthClass(rng, reps, patternFor(i, 20), sides)
	applyCave(&l, cs, k0)
	mirrored := rng.Float64() < 0.5
	desc := fmt.Sprintf("l%03d-left-front-%s", i, cs.name)
	if mirrored {
		desc = swapLR(desc)
	}
	// the rear knee (right) is not what a split squat is judged on:
	// kneetrack assesses the front leg, so the rear knee is Ambiguous
	return synthScene("split", SplitSquat, l, cs, mirrored, 1, desc)
}

// synthJump draws a set of 1-3 synthetic drop jumps.
func synthJump(i int, rng *rand.Rand) (*scene, error) {
	reps := 1 + rng.IntN(3)
	l := baseLifter(rng, body.MoveJumpLanding, reps)
	l.DescentS = uni(rng, 0.5, 0.9)
	l.AscentS = []float64{uni(rng, 0.5, 0.9)}
	l.BottomS = uni(rng, 0.05, 0.15)
	l.DepthM = uni(rng, 0.25, 0.45)
	l.StanceM = l.HipWidthM * uni(rng, 1.0, 1.6)
	cs, k0 := synthClass(rng, reps, patternFor(i, 20), []int{0, 1})
	applyCave(&l, cs, k0)
	desc := fmt.Sprintf("l%03d-%s", i, cs.name)
	return synthScene("jump", JumpLanding, l, cs, false, -1, desc)
}

// swapLR swaps the words left and right in a name.
func swapLR(s string) string { return strings.NewReplacer("left", "right", "right", "left").Replace(s) }

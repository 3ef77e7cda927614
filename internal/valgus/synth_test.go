package valgus

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// film projects a synthetic lifter onto a camera and adds Gaussian pixel
// noise (a pose model's jitter) with a fixed seed.
func film(t *testing.T, l sim.StickSet, cam track.Camera, noisePx float64, seed uint64) *track.Track {
	t.Helper()
	tr, err := track.Project(l.Track3D(), cam)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := range tr.Frames {
		for k := range tr.Frames[i].Points {
			p := &tr.Frames[i].Points[k]
			p.X += noisePx * rng.NormFloat64()
			p.Y += noisePx * rng.NormFloat64()
			p.HasWorld = false // as from a 2D pose model
		}
	}
	return tr
}

// The synthetic lifter pushes the knees out by 10 deg (sim.StickSet's
// KneesOutDeg): a valgus turn of 10 deg makes the knee track straight, and
// only what lies beyond is a cave (10 + x deg: x deg inward).

func TestSyntheticFatigueTrend(t *testing.T) {
	// The right knee turns in from tracking out 10 deg (rep 1) to 21 deg
	// inward (rep 8).
	growing := sim.StickSet{Reps: 8, RightValgusDeg: []float64{0, 7, 10, 13, 19, 22, 26, 31}}
	clean := sim.StickSet{Reps: 8}
	const seeds = 12
	cleanExcludes := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		res := analyse(t, film(t, growing, track.Camera{}, 1.5, seed), Options{})
		if len(res.Reps) != 8 || res.Movement != body.MoveBilateralSquat || res.View.View != ViewFront {
			t.Fatalf("seed %d: %d reps, %s, %s", seed, len(res.Reps), res.Movement, res.View.View)
		}
		r, l := res.Summary.Fatigue[body.Right], res.Summary.Fatigue[body.Left]
		if !(r.Slope > 0 && r.CILow > 0) || r.Verdict != TrendWorsening {
			t.Errorf("seed %d: right slope %.2f CI [%.2f, %.2f] %s: want a positive slope whose CI excludes 0", seed, r.Slope, r.CILow, r.CIHigh, r.Verdict)
		}
		if l.Verdict == TrendWorsening {
			t.Errorf("seed %d: left (no valgus) slope %.2f CI [%.2f, %.2f] %s", seed, l.Slope, l.CILow, l.CIHigh, l.Verdict)
		}
		// The last reps cave more than the first, on the right only.
		if !(r.LastMean-r.FirstMean > 5) {
			t.Errorf("seed %d: right first %.1f last %.1f", seed, r.FirstMean, r.LastMean)
		}
		if res.Summary.Asymmetry.Side != "right" {
			t.Errorf("seed %d: asymmetry %+v", seed, res.Summary.Asymmetry)
		}
		first, last := res.Reps[0].Side[body.Right], res.Reps[7].Side[body.Right]
		if first.Severity != SevNone || last.Severity.Rank() < 2 {
			t.Errorf("seed %d: right severity rep 1 %s, rep 8 %s", seed, first.Severity, last.Severity)
		}
		if last.PeakPhase != body.PhaseBottom || !last.HasOnset || !last.Recovered || last.OnsetDepth <= 0 || last.OnsetDepth >= res.Reps[7].DepthLeg {
			t.Errorf("seed %d: rep 8 right peak %s onset %v at depth %.2f recovered %v", seed, last.PeakPhase, last.HasOnset, last.OnsetDepth, last.Recovered)
		}

		// Without valgus no trend is reported, and the 95% interval
		// contains zero about 95% of the time (peaks are then keypoint
		// jitter around the standing angle).
		c := analyse(t, film(t, clean, track.Camera{}, 1.5, seed), Options{})
		for s := 0; s < 2; s++ {
			f := c.Summary.Fatigue[s]
			if f.Verdict != TrendUnclear || c.Summary.Worst[s] != SevNone {
				t.Errorf("seed %d clean %s: slope %.2f CI [%.2f, %.2f] %s, worst %s", seed, body.Side(s), f.Slope, f.CILow, f.CIHigh, f.Verdict, c.Summary.Worst[s])
			}
			if f.CILow > 0 || f.CIHigh < 0 {
				cleanExcludes++
			}
		}
	}
	// 24 intervals; at the nominal 5% about 1 excludes zero by chance.
	if cleanExcludes > 4 {
		t.Errorf("clean sets: %d of %d confidence intervals exclude zero", cleanExcludes, 2*seeds)
	}
}

func TestSyntheticPeakOutOfTheHole(t *testing.T) {
	// The knee's inward turn follows the hips (peak at the bottom) or lags
	// them by 0.3 s: with no pause at the bottom it is then greatest 0.3 s
	// into the 1-s ascent, out of the hole (the ascent's first third).
	phase := func(lag float64) *SetResult {
		return analyse(t, film(t, sim.StickSet{Reps: 3, BottomS: 0.001, LeftValgusDeg: []float64{25}, PeakLagS: lag}, track.Camera{}, 0.5, 1), Options{})
	}
	onTime, late := phase(0), phase(0.3)
	for k := range onTime.Reps {
		a, b := onTime.Reps[k].Side[body.Left], late.Reps[k].Side[body.Left]
		if a.PeakPhase != body.PhaseBottom || b.PeakPhase != body.PhaseOutOfTheHole || b.PeakPct < a.PeakPct+8 {
			t.Errorf("rep %d: peak %s at %.0f%% without lag, %s at %.0f%% with lag", k+1, a.PeakPhase, a.PeakPct, b.PeakPhase, b.PeakPct)
		}
	}
}

func TestSyntheticVelocityLoss(t *testing.T) {
	// Ascents slow from 0.8 s to 1.4 s: mean speed falls by 1-0.8/1.4 = 43%.
	l := sim.StickSet{Reps: 6, AscentS: []float64{0.8, 0.8, 1.0, 1.1, 1.25, 1.4}}
	res := analyse(t, film(t, l, track.Camera{}, 0.5, 2), Options{HeightCM: 175})
	if got := res.Summary.VelocityLossPct; !near(got, 43, 6) || !res.Summary.VelocityFlag {
		t.Fatalf("velocity loss %.1f%% flag %v, want about 43%%", got, res.Summary.VelocityFlag)
	}
	// m/s from the height: 0.491·1.75 m per leg length.
	r := res.Reps[0]
	if !near(r.AscentVelocityMS, r.Tempo.AscentVelocity*0.491*1.75, 1e-9) {
		t.Fatalf("m/s %.3f vs %.3f leg/s", r.AscentVelocityMS, r.Tempo.AscentVelocity)
	}
}

func TestSyntheticMovements(t *testing.T) {
	single := analyse(t, film(t, sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 3, DepthM: 0.3, RightValgusDeg: []float64{25}}, track.Camera{}, 0.5, 3), Options{Sex: SexFemale})
	if single.Movement != body.MoveSingleLegSquat || len(single.Reps) != 3 {
		t.Fatalf("single-leg: %s (%+v), %d reps", single.Movement, single.MovementReason, len(single.Reps))
	}
	// Recognised from a foot off the floor in most of the 3 reps.
	if r := single.MovementReason; r.Kind != MovementFootOff || r.Of != 3 || 2*r.Reps < r.Of {
		t.Errorf("single-leg reason %+v, want a foot off the floor in at least 2 of 3 reps", r)
	}
	for _, r := range single.Reps {
		if r.WorkingLeg != WorkingRight || r.Side[body.Left].Assessed || r.Side[body.Left].Severity != SevNotAssessed {
			t.Fatalf("single-leg rep %d: working %s, left %+v", r.Index, r.WorkingLeg, r.Side[body.Left].Severity)
		}
		rs := r.Side[body.Right]
		// Graded against the single-leg norms for the given sex, on the
		// rise above standing, never below what the FPPA rise alone gives.
		if got := Defaults().SingleLeg(SexFemale).Classify(rs.PeakFPPAChange); rs.Severity.Rank() < got.Rank() || rs.Severity != Defaults().SingleLeg(SexFemale).Classify(rs.PeakValgusDeg) {
			t.Fatalf("rep %d: FPPA rise %.1f, graded angle %.1f: %s (%v), norms say at least %s", r.Index, rs.PeakFPPAChange, rs.PeakValgusDeg, rs.Severity, rs.Basis, got)
		}
	}
	male := analyse(t, film(t, sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 3, DepthM: 0.3, RightValgusDeg: []float64{25}}, track.Camera{}, 0.5, 3), Options{Sex: SexMale})
	for k := range male.Reps {
		if male.Reps[k].Side[body.Right].Severity.Rank() < single.Reps[k].Side[body.Right].Severity.Rank() {
			t.Errorf("rep %d: male norms graded lower than female", k+1)
		}
	}

	split := analyse(t, film(t, sim.StickSet{Movement: body.MoveSplitSquat, Reps: 3, DepthM: 0.35}, track.Camera{}, 0.5, 4), Options{})
	if split.Movement != body.MoveSplitSquat || len(split.Reps) != 3 {
		t.Fatalf("split squat: %s (%+v), %d reps", split.Movement, split.MovementReason, len(split.Reps))
	}
	for _, r := range split.Reps {
		if r.WorkingLeg != WorkingLeft || r.Side[body.Right].Assessed {
			t.Fatalf("split rep %d: working %s (left foot is in front)", r.Index, r.WorkingLeg)
		}
	}

	jump := analyse(t, film(t, sim.StickSet{Movement: body.MoveJumpLanding, Reps: 2}, track.Camera{}, 0.5, 5), Options{})
	if n, ok := noteOf(jump.Notes, NoteUnsupported); jump.Movement != body.MoveJumpLanding || jump.Analysed || !ok || n.Movement != body.MoveJumpLanding {
		t.Fatalf("jump: %s analysed %v notes %+v", jump.Movement, jump.Analysed, jump.Notes)
	}
	if r := jump.MovementReason; r.Kind != MovementFlight || r.Of != 2 || 2*r.Reps < r.Of {
		t.Errorf("jump reason %+v, want a flight in at least 1 of 2 reps", r)
	}

	// A movement given by the user wins, with a note if it disagrees.
	given := analyse(t, film(t, sim.StickSet{Reps: 2}, track.Camera{}, 0.5, 6), Options{Movement: body.MoveSplitSquat})
	if given.Movement != body.MoveSplitSquat || !given.MovementGiven || given.MovementReason.Kind != MovementGivenByUser {
		t.Fatalf("given movement: %s %v %+v", given.Movement, given.MovementGiven, given.MovementReason)
	}
	// The note names the movement given and what the keypoints showed: a
	// squat on both legs, both feet side by side in the 2 reps.
	n, ok := noteOf(given.Notes, NoteMovementDiffers)
	if want := (MovementReason{Kind: MovementSideBySide, Reps: 2, Of: 2}); !ok || n.Movement != body.MoveSplitSquat || n.Recognised != body.MoveBilateralSquat || n.RecognisedBy != want {
		t.Fatalf("given movement notes %+v, want split squat given, a squat on both legs recognised by %+v", given.Notes, want)
	}
}

// A lifter who drifts towards the camera during a set of single-leg squats
// (feet lower and lower in the picture), and whose standing ankle's point
// also rises during each rep (the shin tilting over the foot), is still
// squatting on one leg: the floor is judged around each moment, not over
// the whole set, and the free leg is the one that moves much more.
func TestSyntheticSingleLegDriftAndAnkleShift(t *testing.T) {
	l := sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 4, DepthM: 0.3}
	tr := film(t, l, track.Camera{}, 0.5, 8)
	ref := analyse(t, tr, Options{})
	if ref.Movement != body.MoveSingleLegSquat {
		t.Fatalf("reference: %s (%+v)", ref.Movement, ref.MovementReason)
	}
	L := ref.Baseline.LegPx
	end := tr.Frames[len(tr.Frames)-1].Time
	ra := tr.Index(track.RightAnkle)
	for i := range tr.Frames {
		f := &tr.Frames[i]
		drift := 0.4 * L * f.Time / end // 0.4 leg lengths lower by the end
		for k := range f.Points {
			f.Points[k].Y += drift
		}
		// the standing (right) ankle point rises by up to 0.12 leg lengths
		// with the hips' drop
		f.Points[ra].Y -= 0.12 * L * ref.Frames[i].Depth / 0.3
	}
	res := analyse(t, tr, Options{})
	if res.Movement != body.MoveSingleLegSquat || len(res.Reps) != 4 {
		t.Fatalf("drifting lifter: %s (%+v), %d reps", res.Movement, res.MovementReason, len(res.Reps))
	}
	for _, r := range res.Reps {
		if r.WorkingLeg != WorkingRight {
			t.Errorf("rep %d: working leg %s, want right", r.Index, r.WorkingLeg)
		}
	}
}

func TestSyntheticViewAndFraming(t *testing.T) {
	side := analyse(t, film(t, sim.StickSet{Reps: 3}, track.Camera{YawDeg: 90}, 0.5, 1), Options{})
	if _, ok := noteOf(side.View.Notes, NoteSideView); side.View.View != ViewSide || side.Analysed || !ok {
		t.Fatalf("side view: %s analysed %v notes %+v", side.View.View, side.Analysed, side.View.Notes)
	}
	if side.MovementReason.Kind != MovementSideView {
		t.Errorf("side view: movement reason %+v, want %q", side.MovementReason, MovementSideView)
	}
	// Feet cut off: the ankles are missing in most frames.
	tr := film(t, sim.StickSet{Reps: 3}, track.Camera{}, 0.5, 1)
	for i := range tr.Frames {
		if i%5 != 0 {
			for _, n := range []string{track.LeftAnkle, track.LeftHeel, track.LeftFootIndex} {
				tr.Frames[i].Points[tr.Index(n)].Y = float64(tr.Video.Height) + 50 // below the picture
			}
		}
	}
	res := analyse(t, tr, Options{})
	names := ""
	for _, o := range res.View.OutOfFrame {
		names += o.Keypoint + " "
	}
	if !strings.Contains(names, "left_ankle") || strings.Contains(names, "right_ankle") || res.Analysed {
		t.Fatalf("out of frame: %q analysed %v notes %+v", names, res.Analysed, res.Notes)
	}
	// The view's note carries the keypoints that were out.
	if got, ok := noteOf(res.View.Notes, NoteOutOfPicture); !ok || !reflect.DeepEqual(got.OutOfFrame, res.View.OutOfFrame) {
		t.Errorf("view notes %+v, want an out-of-picture one with %+v", res.View.Notes, res.View.OutOfFrame)
	}
	// A video that starts in the middle of a rep: that rep is partial and
	// left out of the trends.
	full := film(t, sim.StickSet{Reps: 4}, track.Camera{}, 0.5, 2)
	cut := full.Clone()
	cut.Frames = cut.Frames[int(1.9*30):]
	pr := analyse(t, cut, Options{})
	if len(pr.Reps) != 4 || !pr.Reps[0].Partial || pr.Reps[1].Partial || pr.Summary.Reps != 3 || pr.Summary.PartialReps != 1 {
		t.Fatalf("cut video: %d reps, first partial %v, summary %d+%d", len(pr.Reps), pr.Reps[0].Partial, pr.Summary.Reps, pr.Summary.PartialReps)
	}
	// Unreliable keypoints: quality flag instead of a guess. The right
	// knee's confidence drops to 0.35 (kept by the cleaning, which drops
	// points below 0.3, but unreliable below 0.5) during the first of two
	// reps only: too short a stretch to stop the set being analysed (that
	// needs more than half the frames), long enough to spoil that rep.
	lowConf := film(t, sim.StickSet{Reps: 2, RightValgusDeg: []float64{24}}, track.Camera{}, 0.5, 3)
	ref := analyse(t, lowConf, Options{})
	if len(ref.Reps) != 2 || ref.Reps[0].Side[body.Right].Severity.Rank() < SevMild.Rank() {
		t.Fatalf("reference: %d reps, rep 1 right %s", len(ref.Reps), ref.Reps[0].Side[body.Right].Severity)
	}
	r0 := ref.Reps[0]
	spoiled := 0
	for i := range lowConf.Frames {
		if tm := lowConf.Frames[i].Time; tm >= r0.StartS-0.1 && tm <= r0.EndS+0.1 {
			lowConf.Frames[i].Points[lowConf.Index(track.RightKnee)].Conf = 0.35
			spoiled++
		}
	}
	if frac := float64(spoiled) / float64(len(lowConf.Frames)); frac < 0.25 || frac > 0.5 {
		t.Fatalf("spoiled %.0f%% of the frames; the test wants between a quarter and a half", 100*frac)
	}
	lr := analyse(t, lowConf, Options{})
	if !lr.Analysed || len(lr.Reps) != 2 {
		t.Fatalf("low confidence: analysed %v, %d reps, notes %v", lr.Analysed, len(lr.Reps), lr.Notes)
	}
	bad, good := lr.Reps[0], lr.Reps[1]
	if bad.Side[body.Right].Quality != QualityPoor || bad.Side[body.Right].Severity != SevUnknown || bad.Side[body.Left].Quality != QualityGood {
		t.Errorf("rep 1 (right knee unreliable): right %s/%s, left %s; want poor/unknown, good",
			bad.Side[body.Right].Quality, bad.Side[body.Right].Severity, bad.Side[body.Left].Quality)
	}
	if good.Side[body.Right].Quality != QualityGood || good.Side[body.Right].Severity != ref.Reps[1].Side[body.Right].Severity {
		t.Errorf("rep 2 (all reliable): right %s/%s, want good/%s", good.Side[body.Right].Quality, good.Side[body.Right].Severity, ref.Reps[1].Side[body.Right].Severity)
	}
	named := false
	for _, o := range lr.View.OutOfFrame {
		named = named || o.Keypoint == track.RightKnee
	}
	if !named {
		t.Errorf("the right knee is unreliable in over 20%% of frames but not named: %+v", lr.View.OutOfFrame)
	}
}

func TestSessionLoad(t *testing.T) {
	var sets []*SetResult
	loads := []float64{60, 80, 100, 120}
	valgusAt := []float64{0, 0, 25, 28}
	for k, kg := range loads {
		l := sim.StickSet{Reps: 5, RightValgusDeg: []float64{valgusAt[k]}}
		sets = append(sets, analyse(t, film(t, l, track.Camera{}, 1, uint64(k+1)), Options{LoadKG: kg, HasLoad: true}))
	}
	ss, err := AnalyzeSession(sets)
	if err != nil {
		t.Fatal(err)
	}
	r, l := ss.Load[body.Right], ss.Load[body.Left]
	if r.Status != LoadAppearsFrom || r.AppearsFromKG != 100 {
		t.Fatalf("right: %s from %v kg (points %+v)", r.Status, r.AppearsFromKG, r.Points)
	}
	if l.Status != LoadNotSeen {
		t.Fatalf("left: %s", l.Status)
	}
	if !(r.Per10KG.Slope > 0) {
		t.Fatalf("right slope per 10 kg %.2f", r.Per10KG.Slope)
	}
	// Constant valgus within each set: no fatigue trend on average.
	if m := ss.MeanFatigueSlope[body.Right]; math.Abs(m) > 0.5 {
		t.Fatalf("mean within-set slope %.2f deg/rep, want about 0", m)
	}
	if !slices.ContainsFunc(ss.Findings, func(f Finding) bool {
		lf, ok := f.(LoadFinding)
		return ok && lf.Side == body.Right && lf.Status == LoadAppearsFrom && lf.FromKG == 100
	}) {
		t.Fatalf("findings %+v, want the right knee's valgus appearing from 100 kg", ss.Findings)
	}
	if _, err := AnalyzeSession(nil); err == nil {
		t.Fatal("empty session accepted")
	}
}

func TestAnalyzeErrors(t *testing.T) {
	tr := track.New(track.COCO17(), 1)
	tr.Keypoints = tr.Keypoints[:13] // up to the right knee: no ankles
	tr.Frames = append(tr.Frames, track.Frame{Time: 0, Points: make([]track.Point, 13)})
	_, err := AnalyzeSet(context.Background(), tr, Options{})
	if err == nil || !strings.Contains(err.Error(), "left_ankle") {
		t.Fatalf("no ankles: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AnalyzeSet(ctx, film(t, sim.StickSet{Reps: 1}, track.Camera{}, 0, 1), Options{}); err == nil {
		t.Fatal("cancelled context ignored")
	}
	bad := Defaults()
	bad.FrontMaxYaw = 80
	if _, err := AnalyzeSet(context.Background(), film(t, sim.StickSet{Reps: 1}, track.Camera{}, 0, 1), Options{Thresholds: &bad}); err == nil {
		t.Fatal("inconsistent thresholds accepted")
	}
	if _, err := ReadThresholds(strings.NewReader(`{"kasr":{"mild":0.5,"moderate":0.7,"severe":0.8}}`)); err == nil {
		t.Fatal("rising KASR bands accepted")
	}
	th, err := ReadThresholds(strings.NewReader(`{"fppa_change_deg":{"mild":6,"moderate":10,"severe":14}}`))
	if err != nil || th.FPPAChange.Mild != 6 || th.KASR.Mild != Defaults().KASR.Mild || th.KneeCaveDeg != Defaults().KneeCaveDeg {
		t.Fatalf("partial override: %v %+v", err, th.FPPAChange)
	}
}

// TestAnalyzeOddInputs feeds random, tiny and frozen tracks: the analysis
// must answer with a result or an error, never panic.
func TestAnalyzeOddInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	sk := track.BlazePose33()
	mk := func(n int, f func(i, k int) track.Point) *track.Track {
		tr := track.New(sk, n)
		tr.Video = track.Video{Width: 640, Height: 480, FPS: 30}
		for i := 0; i < n; i++ {
			fr := track.Frame{Index: i, Time: float64(i) / 30, Points: make([]track.Point, len(sk.Keypoints))}
			for k := range fr.Points {
				fr.Points[k] = f(i, k)
			}
			tr.Frames = append(tr.Frames, fr)
		}
		return tr
	}
	cases := map[string]*track.Track{
		"random": mk(200, func(i, k int) track.Point {
			return track.Point{X: 640 * rng.Float64(), Y: 480 * rng.Float64(), Conf: rng.Float64()}
		}),
		"two frames":  mk(2, func(i, k int) track.Point { return track.Point{X: float64(k), Y: float64(k * 10), Conf: 1} }),
		"frozen":      mk(100, func(i, k int) track.Point { return track.Point{X: float64(k), Y: float64(k * 10), Conf: 1} }),
		"all missing": mk(50, func(i, k int) track.Point { return track.Point{} }),
		"half missing": mk(120, func(i, k int) track.Point {
			if i%2 == 0 {
				return track.Point{}
			}
			return track.Point{X: 300 + float64(k%2)*40, Y: float64(k * 12), Conf: 0.9}
		}),
	}
	for name, tr := range cases {
		res, err := AnalyzeSet(context.Background(), tr, Options{})
		if err == nil && res == nil {
			t.Errorf("%s: neither result nor error", name)
		}
		if err == nil && res.Analysed && len(res.Reps) > 0 && name != "random" {
			t.Errorf("%s: found %d reps in a track without movement", name, len(res.Reps))
		}
	}
}

// noteOf finds the first note of a kind.
func noteOf(ns []Note, k NoteKind) (Note, bool) {
	for _, n := range ns {
		if n.Kind == k {
			return n, true
		}
	}
	return Note{}, false
}

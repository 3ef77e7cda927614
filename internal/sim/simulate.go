package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim/render"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Frame is one simulated video frame.
type Frame struct {
	Index int
	Time  float64 // seconds
	// Pose is the figure to render.
	Pose render.Pose
	// Points are the 3D positions of BlazePose's 33 landmarks (see
	// track.BlazePose33 for the order).
	Points [33]Vec3
}

// Result is a simulated set: its frames, the track a camera sees and the
// truth.
type Result struct {
	Set    Set // with every default filled in
	Camera track.Camera
	Frames []Frame
	// Track is the 2D BlazePose track the camera sees, with the set's noise.
	Track *track.Track
	// Exact is the same track without noise.
	Exact *track.Track
	Truth Truth
}

// Simulate runs a set filmed by cam (see DefaultCamera; its Width, Height
// and FocalPx must be set).
func Simulate(s Set, cam track.Camera) (*Result, error) {
	s = s.withDefaults()
	if err := s.check(); err != nil {
		return nil, err
	}
	if cam.Width <= 0 || cam.Height <= 0 || !(cam.FocalPx > 0) {
		return nil, errors.New("simulated set: the camera needs its picture size and focal length (start from sim.DefaultCamera)")
	}
	if cam.DistanceM <= 0.5 || cam.HeightM <= 0 || cam.HeightM > 3 {
		return nil, fmt.Errorf("simulated set: the camera must stand more than 0.5 m away and 0..3 m high (got %g m away, %g m high)",
			cam.DistanceM, cam.HeightM)
	}
	d := newDims(s.HeightM)
	tp := s.tempo()
	ts := tp.timings()
	n := int(math.Floor(tp.duration(ts)*s.FPS)) + 1

	// Each frame's inward knee turns, solved against a camera straight in
	// front.
	front := cam
	front.YawDeg, front.Mirror = 0, false
	standing := s.pose(d, 0, [2]float64{})
	var stand [2]float64
	for sd := range 2 {
		stand[sd] = fppa(front, &standing, body.Side(sd))
	}
	peakFrame := make([]int, s.Reps)
	for rep, rc := range ts {
		peakFrame[rep] = int(math.Round(rc.at(float64(s.Peak)) * s.FPS))
	}
	res := &Result{Set: s, Camera: cam, Frames: make([]Frame, n)}
	turns := make([][2]float64, s.Reps) // largest turn per rep and side
	for i := range n {
		t := float64(i) / s.FPS
		st := stateAt(t, ts)
		var turn [2]float64
		if st.rep >= 0 {
			b := s.bump(st.clock)
			if i == peakFrame[st.rep] {
				b = 1 // the frame nearest the peak gets it exactly
			}
			for sd := range 2 {
				if b == 0 || s.Movement == body.MoveSingleLegSquat && body.Side(sd) != s.WorkingLeg() {
					continue
				}
				target := perRep(s.LeftValgusDeg, st.rep)
				if sd == int(body.Right) {
					target = perRep(s.RightValgusDeg, st.rep)
				}
				if target <= 0 {
					continue // no cave to show: the knee tracks as it naturally does
				}
				a, err := s.solveTurn(d, front, st.frac, body.Side(sd), target, b, stand[sd])
				if err != nil {
					return nil, fmt.Errorf("simulated set, rep %d, %s knee: %w", st.rep+1, body.Side(sd), err)
				}
				turn[sd] = a
				if math.Abs(a) > math.Abs(turns[st.rep][sd]) {
					turns[st.rep][sd] = a
				}
			}
		}
		sk := s.pose(d, st.frac, turn)
		res.Frames[i] = Frame{Index: i, Time: t, Pose: sk.pose, Points: sk.points}
	}
	res.Exact = res.project(cam)
	res.Truth = res.truth(d, ts, turns, cam)
	res.Track = res.Exact.Clone()
	addNoise(res.Track, s.Noise, s.Seed)
	return res, nil
}

// project films the frames' landmarks with cam.
func (r *Result) project(cam track.Camera) *track.Track {
	sk := track.BlazePose33()
	t := track.New(sk, len(r.Frames))
	t.Video = track.Video{
		Source: fmt.Sprintf("simulated lifter (kneetrack simulate; camera yaw %g°, %g m away, %g m high)",
			cam.YawDeg, cam.DistanceM, cam.HeightM),
		Width: cam.Width, Height: cam.Height, FPS: r.Set.FPS, DurationS: float64(len(r.Frames)) / r.Set.FPS,
	}
	for _, f := range r.Frames {
		fr := track.Frame{Index: f.Index, Time: f.Time, Points: make([]track.Point, len(sk.Keypoints))}
		for j, p := range f.Points {
			x, y, ok := cam.ProjectPoint(p.X, -p.Y, p.Z)
			if !ok {
				continue
			}
			fr.Points[j] = track.Point{X: x, Y: y, Conf: 1}
		}
		t.Frames = append(t.Frames, fr)
	}
	t.FillNormalised()
	return t
}

// Project returns where cam sees a scene point, in pixels.
func Project(cam track.Camera, p Vec3) (x, y float64, ok bool) {
	return cam.ProjectPoint(p.X, -p.Y, p.Z)
}

// solveTurn finds the inward turn of a knee's bending plane (degrees) at
// hip-descent fraction frac that makes the leg's FPPA change from standing,
// seen by cam, follow the designed curve: the natural change (no turn)
// blended towards target by the bump's value b. At the bump's peak (b = 1)
// the change is exactly target, and below it everywhere else when target
// is above the natural change, so the FPPA peaks where asked.
func (s Set) solveTurn(d dims, cam track.Camera, frac float64, side body.Side, target, b, stand float64) (float64, error) {
	change := func(a float64) float64 {
		var turn [2]float64
		turn[side] = a
		sk := s.pose(d, frac, turn)
		return fppa(cam, &sk, side) - stand
	}
	natural := change(0)
	want := natural + b*(target-natural)
	const lo, hi = -40.0, 85.0
	if want >= change(hi) {
		if b == 1 {
			return 0, fmt.Errorf("a peak FPPA change of %.1f° is beyond what this depth and stance can show (at most %.1f°); ask for less or squat deeper",
				target, change(hi))
		}
		return hi, nil
	}
	if want <= change(lo) {
		return lo, nil
	}
	a, c := lo, hi
	for range 50 {
		m := (a + c) / 2
		if change(m) < want {
			a = m
		} else {
			c = m
		}
	}
	return (a + c) / 2, nil
}

// addNoise spoils a track the way pose models do: correlated jitter, legs
// lost for a while (low confidence, drifting position) and single-frame
// outliers, all from a seeded generator.
func addNoise(t *track.Track, nz Noise, seed uint64) {
	if nz.JitterPx == 0 && nz.DropoutRate == 0 && nz.OutlierRate == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b6e65657472))
	nk := len(t.Keypoints)
	ex, ey := make([]float64, nk), make([]float64, nk)
	rho := nz.JitterCorr
	innov := nz.JitterPx * math.Sqrt(1-rho*rho)
	for k := range ex {
		ex[k], ey[k] = nz.JitterPx*rng.NormFloat64(), nz.JitterPx*rng.NormFloat64()
	}
	// A loss starts with a probability that gives the requested fraction of
	// lost frames for the mean length.
	meanLen := math.Max(1, nz.DropoutS*t.Video.FPS)
	pStart := nz.DropoutRate / meanLen / math.Max(1-nz.DropoutRate, 0.05)
	lost := [2]int{}
	legs := [2][]int{}
	for k, name := range t.Keypoints {
		switch name {
		case track.LeftHip, track.LeftKnee, track.LeftAnkle, track.LeftHeel, track.LeftFootIndex:
			legs[0] = append(legs[0], k)
		case track.RightHip, track.RightKnee, track.RightAnkle, track.RightHeel, track.RightFootIndex:
			legs[1] = append(legs[1], k)
		}
	}
	for i := range t.Frames {
		f := &t.Frames[i]
		for k := range f.Points {
			ex[k] = rho*ex[k] + innov*rng.NormFloat64()
			ey[k] = rho*ey[k] + innov*rng.NormFloat64()
			p := &f.Points[k]
			if p.Conf == 0 {
				continue
			}
			p.X += ex[k]
			p.Y += ey[k]
			p.Conf = 0.85 + 0.15*rng.Float64()
		}
		for sd := range 2 {
			if lost[sd] == 0 && nz.DropoutRate > 0 && rng.Float64() < pStart {
				lost[sd] = 1 + int(rng.ExpFloat64()*meanLen)
			}
			if lost[sd] > 0 {
				lost[sd]--
				dx, dy := 4*nz.JitterPx*rng.NormFloat64()+8*rng.NormFloat64(), 4*nz.JitterPx*rng.NormFloat64()+8*rng.NormFloat64()
				for _, k := range legs[sd] {
					p := &f.Points[k]
					if p.Conf > 0 {
						p.X += dx
						p.Y += dy
						p.Conf = 0.05 + 0.2*rng.Float64()
					}
				}
			}
		}
		if nz.OutlierRate > 0 && rng.Float64() < nz.OutlierRate {
			k := rng.IntN(nk)
			a := rng.Float64() * 2 * math.Pi
			p := &f.Points[k]
			if p.Conf > 0 {
				p.X += nz.OutlierPx * math.Cos(a)
				p.Y += nz.OutlierPx * math.Sin(a)
			}
		}
	}
	t.FillNormalised()
}

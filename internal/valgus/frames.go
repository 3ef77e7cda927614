package valgus

import (
	"math"
	"sort"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Anthropometric ratios to body height (Winter, Biomechanics and Motor
// Control of Human Movement): hip joint to ankle joint 0.491 H, knee to ankle
// 0.246 H, foot length 0.152 H. They turn leg lengths into metres when the
// lifter's height is given, and estimate the foot's length for toe-out.
const (
	legPerHeight   = 0.491
	shankPerHeight = 0.246
	footPerShank   = 0.152 / 0.246
)

// series is one keypoint's image positions over the frames.
type series struct {
	present bool
	pos     []body.Point
	ok      []bool // usable for geometry (found after cleaning)
	good    []bool // reliable: confidence >= MinConfidence and observed
	world   []track.Vec3
	hasW    []bool
}

func extract(t *track.Track, name string, minConf float64) series {
	n := len(t.Frames)
	w, h := float64(t.Video.Width), float64(t.Video.Height)
	s := series{pos: make([]body.Point, n), ok: make([]bool, n), good: make([]bool, n),
		world: make([]track.Vec3, n), hasW: make([]bool, n)}
	k := t.Index(name)
	if k < 0 {
		return s
	}
	s.present = true
	for i, f := range t.Frames {
		p := f.Points[k]
		s.pos[i] = body.Point{X: p.X, Y: p.Y}
		s.ok[i] = p.Valid()
		s.good[i] = s.ok[i] && p.Conf >= minConf && !p.Filled
		if s.good[i] && w > 0 && h > 0 {
			// A point on or beyond the picture's edge is a guess: the pose
			// model clamps or extrapolates what it cannot see.
			s.good[i] = p.X > edgePx && p.X < w-edgePx && p.Y > edgePx && p.Y < h-edgePx
		}
		s.world[i], s.hasW[i] = p.World, p.HasWorld
	}
	return s
}

// edgePx: keypoints within this many pixels of the picture's edge (or
// beyond it) are not trusted.
const edgePx = 2

// lifter holds the keypoint series the analysis uses.
type lifter struct {
	hip, knee, ankle, heel, toe, shoulder [2]series
	up                                    track.Vec3 // world up, when world positions exist
	hasUp                                 bool
	n                                     int
	// yawSin is Baseline.FeetYawSin once the baseline is known (NaN
	// before, or without feet): kneePos then takes the camera's angle
	// out of the knee's sideways position.
	yawSin           float64
	thighPx, shankPx [2]float64
	// bothPlanted: the movement is a squat on both legs (set once known).
	bothPlanted bool
}

func newLifter(t *track.Track, minConf float64) lifter {
	var b lifter
	b.n = len(t.Frames)
	b.yawSin = math.NaN()
	names := [2][6]string{
		{track.LeftHip, track.LeftKnee, track.LeftAnkle, track.LeftHeel, track.LeftFootIndex, track.LeftShoulder},
		{track.RightHip, track.RightKnee, track.RightAnkle, track.RightHeel, track.RightFootIndex, track.RightShoulder},
	}
	for s := 0; s < 2; s++ {
		b.hip[s] = extract(t, names[s][0], minConf)
		b.knee[s] = extract(t, names[s][1], minConf)
		b.ankle[s] = extract(t, names[s][2], minConf)
		b.heel[s] = extract(t, names[s][3], minConf)
		b.toe[s] = extract(t, names[s][4], minConf)
		b.shoulder[s] = extract(t, names[s][5], minConf)
	}
	if t.WorldUp != "" && len(t.WorldUp) == 2 {
		sign := 1.0
		if t.WorldUp[0] == '-' {
			sign = -1
		}
		switch t.WorldUp[1] {
		case 'x':
			b.up, b.hasUp = track.Vec3{X: sign}, true
		case 'y':
			b.up, b.hasUp = track.Vec3{Y: sign}, true
		case 'z':
			b.up, b.hasUp = track.Vec3{Z: sign}, true
		}
	}
	return b
}

// legOK reports whether hip, knee and ankle of side s are usable in frame i.
func (b *lifter) legOK(s, i int) bool { return b.hip[s].ok[i] && b.knee[s].ok[i] && b.ankle[s].ok[i] }

// hipsOK reports whether both hips are usable in frame i.
func (b *lifter) hipsOK(i int) bool { return b.hip[0].ok[i] && b.hip[1].ok[i] }

// Baseline holds the lifter's standing posture, measured over the standing
// frames (between and around reps): segment lengths in pixels for
// normalising, and the standing values that "change from standing" is
// measured against.
type Baseline struct {
	Frames          int     // number of standing frames used
	LegPx           float64 // hip-knee plus knee-ankle length, mean of the sides
	ThighPx         [2]float64
	ShankPx         [2]float64
	HipWidthPx      float64
	ShoulderWidthPx float64 // NaN without shoulders
	TrunkPx         float64 // mid-hip to mid-shoulder; NaN without shoulders
	HipHeightPx     float64 // mid-hip above the lower ankle
	FPPA            [2]float64
	KneeMedialPx    [2]float64 // knee's medial offset from its ankle
	// MKDPx is the knee's medial offset from its hip-ankle line, in pixels;
	// MKD3D the same in 3D (leg lengths), NaN without world positions.
	MKDPx [2]float64
	MKD3D [2]float64
	// FeetYawSin is the sine of the camera's angle to the lifter, signed as
	// a forward-pointing segment shifts sideways in the picture (+x), read
	// from the feet (see feetYaw); NaN without seen heels and toes.
	FeetYawSin      float64
	KASR            float64
	KneeVsToe       [2]float64 // NaN without feet
	ToeOutDeg       [2]float64 // NaN without feet
	StanceHip       float64    // ankle separation / hip width
	StanceShoulder  float64    // ankle separation / shoulder width; NaN without shoulders
	PelvisDeg       float64
	ShiftPx         float64 // mid-hip minus mid-ankle, towards the lifter's right
	TrunkLateralDeg float64
	// FacingCamera is true when the lifter's left hip appears on the
	// picture's right (a normal front view); false for a view from behind or
	// a mirrored video. Signs do not depend on it.
	FacingCamera bool
}

// SideFrame holds one leg's metrics in one frame. NaN marks a value that
// could not be measured.
type SideFrame struct {
	FPPA       float64 // degrees, + valgus
	FPPAChange float64 // FPPA minus standing FPPA
	// FPPAReliable is false when the thigh is so foreshortened (pointing at
	// the camera) that a few pixels swing the angle: its apparent length is
	// short, or the knee reads bowed out further than knees go
	// (Thresholds.MaxVarusDeg).
	FPPAReliable bool
	ThighRatio   float64 // apparent thigh length / standing thigh length
	KneeVsToe    float64 // knee medial of the toe tip, fraction of standing shank
	KneeVsToe3D  float64 // same from 3D world positions, fraction of 3D shank
	KneeMedial   float64 // change of the knee's medial offset from its ankle, fraction of standing shank
	// MKD is the change from standing of the knee's medial displacement
	// from its hip-ankle line (horizontally in the picture), in leg
	// lengths: the linear counterpart of FPPA, which a thigh seen end on
	// cannot blow up. MKD3D is the same from 3D world positions, measured
	// across the pelvis (so camera yaw does not enter), NaN without them.
	MKD, MKD3D float64
	// CaveDeg is how far the knee turned in towards the midline, past its
	// standing line, as an angle of its bending plane (degrees; 0 tracking
	// straight, + inward): its medial displacement (MKD) as far as the two
	// knees together closed in (kneeCave), over the distance the bent knee
	// stands out from its hip-ankle line (bendOffset). NaN when the knee is
	// too straight to say (the angle of a nearly straight leg's bending
	// plane is noise) or a point is missing.
	CaveDeg float64
	// MKDDeg is MKD as an angle (mkdAngle, standing segment lengths).
	// GradedDeg is the movement's graded measure in this frame, from
	// trusted points only (NaN otherwise): CaveDeg in squats on both legs,
	// else the larger of the FPPA rise (where FPPA can be read) and MKDDeg.
	// A rep's grade is the level it holds for Thresholds.SustainS.
	MKDDeg, GradedDeg float64
	ToeOutDeg         float64
	Usable            bool // hip, knee and ankle found
	Reliable          bool // and all three observed with confidence >= MinConfidence
}

// FrameMetrics holds the metrics of one frame.
type FrameMetrics struct {
	Time  float64
	Depth float64 // hips below standing, leg lengths
	Rep   int     // index into the set's reps, -1 between reps
	Phase body.Phase
	Side  [2]SideFrame
	KASR  float64
	// KASRChange is KASR minus standing KASR; KASRRel is KASR over
	// standing KASR.
	KASRChange     float64
	KASRRel        float64
	StanceHip      float64
	StanceShoulder float64
	// PelvisDropDeg is the tilt of the hip line relative to standing,
	// positive when the right hip drops.
	PelvisDropDeg float64
	// LateralShift is the pelvis's sideways move over the feet relative to
	// standing, in hip widths, positive towards the lifter's right.
	LateralShift float64
	// TrunkLateralDeg is the trunk's sideways lean relative to standing,
	// positive towards the lifter's right.
	TrunkLateralDeg float64
	// TrunkForwardDeg estimates forward lean from the trunk's apparent
	// shortening in a front view.
	TrunkForwardDeg float64
	// HipKnee is the hips' height above the knees relative to standing
	// (1 standing, 0 hips level with the knees in the picture).
	HipKnee float64
}

// hipHeight returns the mid-hip's height above the lower ankle in pixels.
func (b *lifter) hipHeight(i int) float64 {
	if !b.hipsOK(i) {
		return math.NaN()
	}
	hy := (b.hip[0].pos[i].Y + b.hip[1].pos[i].Y) / 2
	ay := math.Inf(-1)
	for s := 0; s < 2; s++ {
		if b.ankle[s].ok[i] {
			ay = math.Max(ay, b.ankle[s].pos[i].Y)
		}
	}
	if math.IsInf(ay, -1) {
		return math.NaN()
	}
	return ay - hy
}

func (b *lifter) legPx(i int) float64 {
	sum, n := 0.0, 0
	for s := 0; s < 2; s++ {
		if b.legOK(s, i) {
			sum += b.knee[s].pos[i].Sub(b.hip[s].pos[i]).Norm() + b.ankle[s].pos[i].Sub(b.knee[s].pos[i]).Norm()
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// depthSeries returns the hips' depth below standing in leg lengths for
// every frame (gaps interpolated), the leg length in pixels and the standing
// hip height, estimated from the frames where the hips are highest.
func (b *lifter) depthSeries() (depth []float64, legPx, standPx float64, okFrac float64) {
	h := make([]float64, b.n)
	var hs []float64
	for i := range h {
		h[i] = b.hipHeight(i)
		if !math.IsNaN(h[i]) {
			hs = append(hs, h[i])
		}
	}
	if len(hs) < 3 {
		return nil, math.NaN(), math.NaN(), 0
	}
	okFrac = float64(len(hs)) / float64(b.n)
	standPx = percentile(hs, 0.95)
	var legs []float64
	top := percentile(hs, 0.8)
	for i := range h {
		if h[i] >= top {
			if l := b.legPx(i); !math.IsNaN(l) {
				legs = append(legs, l)
			}
		}
	}
	legPx = median(legs)
	depth = make([]float64, b.n)
	valid := make([]bool, b.n)
	for i := range h {
		depth[i] = (standPx - h[i]) / legPx
		valid[i] = !math.IsNaN(h[i])
		if !valid[i] {
			depth[i] = 0
		}
	}
	depth, _, _, _ = motion.FillGaps(depth, valid, b.n)
	return depth, legPx, standPx, okFrac
}

// baseline measures the standing posture over the given frames.
func (b *lifter) baseline(frames []int, legPx, standPx float64) Baseline {
	bl := Baseline{Frames: len(frames), LegPx: legPx, HipHeightPx: standPx}
	med := func(f func(i int) float64) float64 {
		var v []float64
		for _, i := range frames {
			if x := f(i); !math.IsNaN(x) && !math.IsInf(x, 0) {
				v = append(v, x)
			}
		}
		return median(v)
	}
	for s := 0; s < 2; s++ {
		bl.ThighPx[s] = med(func(i int) float64 {
			if !b.legOK(s, i) {
				return math.NaN()
			}
			return b.knee[s].pos[i].Sub(b.hip[s].pos[i]).Norm()
		})
		bl.ShankPx[s] = med(func(i int) float64 {
			if !b.legOK(s, i) {
				return math.NaN()
			}
			return b.ankle[s].pos[i].Sub(b.knee[s].pos[i]).Norm()
		})
	}
	bl.FeetYawSin = b.feetYawSin(frames, bl.ShankPx)
	b.thighPx, b.shankPx = bl.ThighPx, bl.ShankPx
	for s := 0; s < 2; s++ {
		o := 1 - s
		bl.FPPA[s] = med(func(i int) float64 {
			if !b.legOK(s, i) || !b.hip[o].ok[i] {
				return math.NaN()
			}
			a, _ := body.FPPA(b.hip[s].pos[i], b.knee[s].pos[i], b.ankle[s].pos[i], b.hip[o].pos[i])
			return a
		})
		bl.KneeMedialPx[s] = med(func(i int) float64 { return b.kneeMedialPx(s, i) })
		bl.MKDPx[s] = med(func(i int) float64 { return b.mkdPx(s, i) })
		bl.MKD3D[s] = med(func(i int) float64 { return b.mkd3D(s, i) })
		bl.KneeVsToe[s] = med(func(i int) float64 { return b.kneeVsToePx(s, i) }) / bl.ShankPx[s]
		bl.ToeOutDeg[s] = med(func(i int) float64 { return b.toeOut(s, i, bl.ShankPx[s]) })
	}
	bl.HipWidthPx = med(func(i int) float64 {
		if !b.hipsOK(i) {
			return math.NaN()
		}
		return math.Abs(b.hip[0].pos[i].X - b.hip[1].pos[i].X)
	})
	bl.ShoulderWidthPx = med(func(i int) float64 {
		if !b.shoulder[0].ok[i] || !b.shoulder[1].ok[i] {
			return math.NaN()
		}
		return math.Abs(b.shoulder[0].pos[i].X - b.shoulder[1].pos[i].X)
	})
	bl.TrunkPx = med(func(i int) float64 { return b.trunkVec(i).Norm() })
	bl.KASR = med(func(i int) float64 { return b.kasr(i) })
	bl.StanceHip = med(func(i int) float64 { return b.ankleSep(i) }) / bl.HipWidthPx
	bl.StanceShoulder = med(func(i int) float64 { return b.ankleSep(i) }) / bl.ShoulderWidthPx
	bl.PelvisDeg = med(func(i int) float64 { return b.pelvis(i) })
	bl.ShiftPx = med(func(i int) float64 { return b.shiftPx(i) })
	bl.TrunkLateralDeg = med(func(i int) float64 { return b.trunkLateral(i) })
	facing := med(func(i int) float64 {
		if !b.hipsOK(i) {
			return math.NaN()
		}
		return b.hip[0].pos[i].X - b.hip[1].pos[i].X
	})
	bl.FacingCamera = facing > 0
	return bl
}

func (b *lifter) kneeMedialPx(s, i int) float64 {
	o := 1 - s
	if !b.legOK(s, i) || !b.hip[o].ok[i] {
		return math.NaN()
	}
	return MedialOffset(b.knee[s].pos[i], b.ankle[s].pos[i], MedialDir(b.hip[s].pos[i], b.hip[o].pos[i]))
}

// mkdPx is the knee's medial offset from the line through its hip and
// ankle, horizontally at the knee's height, in pixels (+ medial). When the
// thigh points at the camera the knee sits near the hip's height and the
// offset becomes the knee's offset from the hip: still a distance, where
// FPPA becomes an angle between two very short segments.
func (b *lifter) mkdPx(s, i int) float64 {
	o := 1 - s
	if !b.legOK(s, i) || !b.hip[o].ok[i] {
		return math.NaN()
	}
	h, k, a := b.hip[s].pos[i], b.kneePos(s, i), b.ankle[s].pos[i]
	lineX := h.X
	if dy := a.Y - h.Y; dy > 1e-6 {
		u := math.Max(0, math.Min(1, (k.Y-h.Y)/dy))
		lineX = h.X + u*(a.X-h.X)
	}
	return MedialOffset(k, body.Point{X: lineX}, MedialDir(h, b.hip[o].pos[i]))
}

// mkd3D is the knee's medial displacement from the 3D line through its hip
// and ankle, along the pelvis's axis (horizontal when the track says which
// way is up), in 3D leg lengths (+ medial); NaN without world positions.
func (b *lifter) mkd3D(s, i int) float64 {
	o := 1 - s
	for _, x := range []series{b.hip[s], b.knee[s], b.ankle[s], b.hip[o]} {
		if !x.present || !x.hasW[i] {
			return math.NaN()
		}
	}
	h, k, a := b.hip[s].world[i], b.knee[s].world[i], b.ankle[s].world[i]
	axis := a.Sub(h)
	leg := k.Sub(h).Norm() + a.Sub(k).Norm()
	if axis.Norm() < 1e-9 || !(leg > 1e-9) {
		return math.NaN()
	}
	u := axis.Scale(1 / axis.Norm())
	off := k.Sub(h).Sub(u.Scale(k.Sub(h).Dot(u))) // from the line to the knee
	med := b.hip[o].world[i].Sub(h)               // towards the midline
	if b.hasUp {
		med = med.Sub(b.up.Scale(med.Dot(b.up)))
	}
	if med.Norm() < 1e-9 {
		return math.NaN()
	}
	return off.Dot(med.Scale(1/med.Norm())) / leg
}

// gradedDeg is a frame's graded measure for one leg (SideFrame.GradedDeg).
func gradedDeg(sf SideFrame, bothPlanted bool) float64 {
	switch {
	case !sf.Reliable:
		return math.NaN()
	case bothPlanted:
		return sf.CaveDeg
	}
	f := math.NaN()
	if sf.FPPAReliable {
		f = sf.FPPAChange
	}
	switch {
	case math.IsNaN(f):
		return sf.MKDDeg
	case math.IsNaN(sf.MKDDeg):
		return f
	}
	return math.Max(f, sf.MKDDeg)
}

// kneeCave returns how far a knee moved towards the midline (leg lengths)
// as far as the two knees together closed in: own and other are the knees'
// medial displacements from their hip-ankle lines, from standing (MKD).
// Both knees shifting the same way in the picture (a camera turned to one
// side, the pelvis shifting or turning) moves one knee in and the other out
// by the same amount and closes nothing in, so it counts for neither; a knee
// that caves while the other stays gets all of its movement; knees caving
// together each get their own.
func kneeCave(own, other float64) float64 {
	if math.IsNaN(own) || math.IsNaN(other) {
		return math.NaN()
	}
	return math.Max(0, math.Min(own, own+other))
}

// caveDeg is the knee's cave angle in frame i (SideFrame.CaveDeg): its
// movement towards the midline as far as both knees together closed in
// (kneeCave), over the bent knee's offset from its hip-ankle line. The sum
// of the two knees' MKD does not change when a turned camera, a hip shift
// or a turning pelvis moves both knees the same way, so none of them can
// make a cave; the camera's angle read from the feet (kneePos), when used,
// only decides which knee the closing-in belongs to.
func (b *lifter) caveDeg(s, i int, bl Baseline, own, other float64) float64 {
	off := b.bendOffset(s, i, bl)
	c := kneeCave(own, other)
	if math.IsNaN(off) || math.IsNaN(c) {
		return math.NaN()
	}
	return math.Asin(math.Max(-1, math.Min(1, c*bl.LegPx/off))) * deg
}

// kneePos is knee s's position in frame i with the camera's angle taken
// out: a camera to one side sees the bent knee, which stands forward of
// the hip-ankle line by its bend, shifted sideways by the bend times the
// sine of its angle (the same shift it gives the feet, read in the
// standing frames). Only MKD uses it (FPPA stays the angle the picture
// shows), in squats on both legs only, and only for a camera clearly to
// one side (b.yawSin is set in AnalyzeSet: in single-leg and split squats
// one foot does not point forward on the floor, so the feet do not tell
// the camera's angle). It moves both knees alike, so it never changes how
// far the knees closed in, only whose doing it was. Without that angle it
// is the knee as seen.
func (b *lifter) kneePos(s, i int) body.Point {
	k := b.knee[s].pos[i]
	if math.IsNaN(b.yawSin) || !b.hip[s].ok[i] || !b.ankle[s].ok[i] {
		return k
	}
	off := b.bend(s, i)
	if math.IsNaN(off) {
		return k
	}
	k.X -= off * b.yawSin
	return k
}

// minBendLeg: below this distance of the knee from its hip-ankle line (leg
// lengths), the knee is too straight for the angle of its bending plane to
// mean anything.
const minBendLeg = 0.12

// bendOffset estimates how far the bent knee stands out from the line
// through its hip and ankle (pixels), from the hip-ankle distance seen in
// the picture and the thigh's and shank's standing lengths (the triangle
// hip-knee-ankle). The picture hides the hips' travel backwards, so the
// distance seen is a little short and the knee's offset a little large.
// NaN when the knee is nearly straight (below minBendLeg).
func (b *lifter) bendOffset(s, i int, bl Baseline) float64 {
	off := bendFrom(b, s, i, bl.ThighPx[s], bl.ShankPx[s])
	if off < minBendLeg*bl.LegPx {
		return math.NaN()
	}
	return off
}

// bend is bendOffset without the straight-knee limit, with the segment
// lengths the body was given (b.thighPx, b.shankPx).
func (b *lifter) bend(s, i int) float64 { return bendFrom(b, s, i, b.thighPx[s], b.shankPx[s]) }

func bendFrom(b *lifter, s, i int, t, sh float64) float64 {
	if !b.hip[s].ok[i] || !b.ankle[s].ok[i] {
		return math.NaN()
	}
	d := b.ankle[s].pos[i].Sub(b.hip[s].pos[i]).Norm()
	if !(t > 0) || !(sh > 0) || !(d > 0) {
		return math.NaN()
	}
	d = math.Min(d, t+sh)
	along := (sh*sh - t*t + d*d) / (2 * d)
	return math.Sqrt(math.Max(sh*sh-along*along, 0))
}

// crossed reports whether frame i's legs are crossed in the picture: the
// ankles in the opposite left-right order to the hips by more than a tenth
// of the hip width, or the knees by more than half of it. Knees do not cross in a squat; such a
// frame is the pose model swapping some of a leg's points with the other
// leg's (a skeleton drawn on the video, a hand in front of a knee), and its
// angles mean nothing (the knee reads 90 degrees and more "in"). Checked
// in squats on both legs only (b.bothPlanted): a free leg may be held
// across behind the standing one.
func (b *lifter) crossed(i int) bool {
	if !b.bothPlanted || !b.hipsOK(i) {
		return false
	}
	order := b.hip[0].pos[i].X - b.hip[1].pos[i].X
	for k, pair := range [][2]series{{b.knee[0], b.knee[1]}, {b.ankle[0], b.ankle[1]}} {
		if !pair[0].ok[i] || !pair[1].ok[i] {
			continue
		}
		// knees caving hard touch and, with the keypoints' jitter, may
		// pass each other a little: only half a hip width is a swap
		tol := []float64{0.5, 0.1}[k] * math.Abs(order)
		d := pair[0].pos[i].X - pair[1].pos[i].X
		if d*math.Copysign(1, order) < -tol {
			return true
		}
	}
	return false
}

// kneeVsToePx is the knee's medial offset from the toe tip in pixels.
func (b *lifter) kneeVsToePx(s, i int) float64 {
	o := 1 - s
	// the toe must be seen: a toe outside the picture or found with low
	// confidence is a guess, and a guess must not grade a knee
	if !b.toe[s].good[i] || !b.knee[s].ok[i] || !b.hip[s].ok[i] || !b.hip[o].ok[i] {
		return math.NaN()
	}
	return MedialOffset(b.knee[s].pos[i], b.toe[s].pos[i], MedialDir(b.hip[s].pos[i], b.hip[o].pos[i]))
}

// kneeVsToe3D is the knee's distance medially of the vertical plane through
// the ankle along the foot (heel to toe), as a fraction of the 3D shank.
func (b *lifter) kneeVsToe3D(s, i int) float64 {
	o := 1 - s
	ser := []series{b.knee[s], b.ankle[s], b.heel[s], b.toe[s], b.hip[s], b.hip[o]}
	for _, x := range ser {
		if !x.present || !x.hasW[i] {
			return math.NaN()
		}
	}
	if !b.hasUp {
		return math.NaN()
	}
	up := b.up
	horiz := func(v track.Vec3) track.Vec3 { return v.Sub(up.Scale(v.Dot(up))) }
	foot := horiz(b.toe[s].world[i].Sub(b.heel[s].world[i]))
	if foot.Norm() < 1e-6 {
		return math.NaN()
	}
	nrm := up.Cross(foot)
	nrm = nrm.Scale(1 / nrm.Norm())
	if nrm.Dot(b.hip[o].world[i].Sub(b.hip[s].world[i])) < 0 {
		nrm = nrm.Scale(-1)
	}
	shank := b.knee[s].world[i].Sub(b.ankle[s].world[i]).Norm()
	return b.knee[s].world[i].Sub(b.ankle[s].world[i]).Dot(nrm) / shank
}

// toeOut estimates how far the foot turns out, in degrees: from 3D when the
// track has world positions, else from the toe's sideways offset from the
// heel in the picture against the foot's expected length (a fraction of the
// standing shank), which is only an estimate.
func (b *lifter) toeOut(s, i int, shankPx float64) float64 {
	o := 1 - s
	if !b.heel[s].present || !b.toe[s].present {
		return math.NaN()
	}
	if b.hasUp && b.heel[s].hasW[i] && b.toe[s].hasW[i] && b.hip[s].hasW[i] && b.hip[o].hasW[i] {
		up := b.up
		horiz := func(v track.Vec3) track.Vec3 { return v.Sub(up.Scale(v.Dot(up))) }
		foot := horiz(b.toe[s].world[i].Sub(b.heel[s].world[i]))
		lat := horiz(b.hip[s].world[i].Sub(b.hip[o].world[i])) // towards this side
		if foot.Norm() < 1e-6 || lat.Norm() < 1e-6 {
			return math.NaN()
		}
		lat = lat.Scale(1 / lat.Norm())
		fwd := up.Cross(lat)
		// the foot points forward; pick the forward sense that agrees
		f := foot.Dot(fwd)
		if f < 0 {
			f = -f
		}
		return math.Atan2(foot.Dot(lat), f) * deg
	}
	if !b.heel[s].ok[i] || !b.toe[s].ok[i] || !b.hip[s].ok[i] || !b.hip[o].ok[i] {
		return math.NaN()
	}
	lateral := -MedialOffset(b.toe[s].pos[i], b.heel[s].pos[i], MedialDir(b.hip[s].pos[i], b.hip[o].pos[i]))
	foot := footPerShank * shankPx
	return math.Asin(math.Max(-1, math.Min(1, lateral/foot))) * deg
}

func (b *lifter) kasr(i int) float64 {
	for s := 0; s < 2; s++ {
		if !b.knee[s].ok[i] || !b.ankle[s].ok[i] {
			return math.NaN()
		}
	}
	r, _ := KASR(b.knee[0].pos[i], b.knee[1].pos[i], b.ankle[0].pos[i], b.ankle[1].pos[i])
	return r
}

func (b *lifter) ankleSep(i int) float64 {
	if !b.ankle[0].ok[i] || !b.ankle[1].ok[i] {
		return math.NaN()
	}
	return math.Abs(b.ankle[0].pos[i].X - b.ankle[1].pos[i].X)
}

// pelvis is the hip line's tilt, positive when the right hip is lower.
func (b *lifter) pelvis(i int) float64 {
	if !b.hipsOK(i) {
		return math.NaN()
	}
	return TiltDeg(b.hip[0].pos[i], b.hip[1].pos[i])
}

// rightDir is +1 when the lifter's right side is towards +x in the picture.
func (b *lifter) rightDir(i int) float64 {
	if b.hip[1].pos[i].X >= b.hip[0].pos[i].X {
		return 1
	}
	return -1
}

// shiftPx is the mid-hip's offset from the mid-ankle towards the lifter's
// right, in pixels.
func (b *lifter) shiftPx(i int) float64 {
	if !b.hipsOK(i) || !b.ankle[0].ok[i] || !b.ankle[1].ok[i] {
		return math.NaN()
	}
	mh := body.Mid(b.hip[0].pos[i], b.hip[1].pos[i])
	ma := body.Mid(b.ankle[0].pos[i], b.ankle[1].pos[i])
	return (mh.X - ma.X) * b.rightDir(i)
}

func (b *lifter) trunkVec(i int) body.Point {
	if !b.hipsOK(i) || !b.shoulder[0].ok[i] || !b.shoulder[1].ok[i] {
		return body.Point{X: math.NaN(), Y: math.NaN()}
	}
	return body.Mid(b.shoulder[0].pos[i], b.shoulder[1].pos[i]).Sub(body.Mid(b.hip[0].pos[i], b.hip[1].pos[i]))
}

func (b *lifter) trunkLateral(i int) float64 {
	v := b.trunkVec(i)
	if math.IsNaN(v.X) {
		return math.NaN()
	}
	return LeanDeg(body.Point{}, v, b.rightDir(i))
}

// frameMetrics computes every per-frame metric against the baseline.
func (b *lifter) frameMetrics(i int, bl Baseline, th Thresholds) FrameMetrics {
	nan := math.NaN()
	m := FrameMetrics{KASR: nan, KASRChange: nan, KASRRel: nan, StanceHip: nan, StanceShoulder: nan, PelvisDropDeg: nan,
		LateralShift: nan, TrunkLateralDeg: nan, TrunkForwardDeg: nan, HipKnee: nan}
	for s := 0; s < 2; s++ {
		o := 1 - s
		sf := SideFrame{FPPA: nan, FPPAChange: nan, ThighRatio: nan, KneeVsToe: nan, KneeVsToe3D: nan, KneeMedial: nan, ToeOutDeg: nan,
			MKD: nan, MKD3D: nan, CaveDeg: nan, MKDDeg: nan, GradedDeg: nan}
		sf.Usable = b.legOK(s, i) && b.hip[o].ok[i]
		sf.Reliable = sf.Usable && b.hip[s].good[i] && b.knee[s].good[i] && b.ankle[s].good[i] && !b.crossed(i)
		if sf.Usable {
			if a, ok := body.FPPA(b.hip[s].pos[i], b.knee[s].pos[i], b.ankle[s].pos[i], b.hip[o].pos[i]); ok {
				sf.FPPA = a
				sf.FPPAChange = a - bl.FPPA[s]
			}
			sf.ThighRatio = b.knee[s].pos[i].Sub(b.hip[s].pos[i]).Norm() / bl.ThighPx[s]
			sf.FPPAReliable = th.FPPAReliable(sf.FPPA, sf.ThighRatio)
			sf.KneeMedial = (b.kneeMedialPx(s, i) - bl.KneeMedialPx[s]) / bl.ShankPx[s]
			sf.MKD = (b.mkdPx(s, i) - bl.MKDPx[s]) / bl.LegPx
		}
		sf.MKD3D = b.mkd3D(s, i) - bl.MKD3D[s]
		sf.KneeVsToe = b.kneeVsToePx(s, i) / bl.ShankPx[s]
		sf.KneeVsToe3D = b.kneeVsToe3D(s, i)
		sf.ToeOutDeg = b.toeOut(s, i, bl.ShankPx[s])
		m.Side[s] = sf
	}
	m.KASR = b.kasr(i)
	m.KASRChange = m.KASR - bl.KASR
	if bl.KASR > 0 {
		m.KASRRel = m.KASR / bl.KASR
	}
	for s := 0; s < 2; s++ {
		sf := &m.Side[s]
		sf.CaveDeg = b.caveDeg(s, i, bl, sf.MKD, m.Side[1-s].MKD)
		sf.MKDDeg = mkdAngle(sf.MKD*bl.LegPx, bl.ThighPx[s], bl.ShankPx[s])
		sf.GradedDeg = gradedDeg(*sf, b.bothPlanted)
	}
	m.StanceHip = b.ankleSep(i) / bl.HipWidthPx
	m.StanceShoulder = b.ankleSep(i) / bl.ShoulderWidthPx
	m.PelvisDropDeg = b.pelvis(i) - bl.PelvisDeg
	m.LateralShift = (b.shiftPx(i) - bl.ShiftPx) / bl.HipWidthPx
	m.TrunkLateralDeg = b.trunkLateral(i) - bl.TrunkLateralDeg
	if v := b.trunkVec(i); !math.IsNaN(v.X) && bl.TrunkPx > 0 {
		m.TrunkForwardDeg = math.Acos(math.Min(1, math.Abs(v.Y)/bl.TrunkPx)) * deg
	}
	if b.hipsOK(i) && b.knee[0].ok[i] && b.knee[1].ok[i] {
		hy := (b.hip[0].pos[i].Y + b.hip[1].pos[i].Y) / 2
		ky := (b.knee[0].pos[i].Y + b.knee[1].pos[i].Y) / 2
		m.HipKnee = (ky - hy) / ((bl.ThighPx[0] + bl.ThighPx[1]) / 2)
	}
	return m
}

// median returns the median of v (NaN for none); v is not modified.
func median(v []float64) float64 { return percentile(v, 0.5) }

// percentile returns the p-quantile of v by linear interpolation (NaN for
// none); v is not modified.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	x := p * float64(len(s)-1)
	lo := int(math.Floor(x))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (x-float64(lo))*(s[hi]-s[lo])
}

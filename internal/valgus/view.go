package valgus

import (
	"fmt"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Views.
const (
	ViewFront   = "front"
	ViewOblique = "oblique"
	ViewSide    = "side"
	ViewUnknown = "unknown"
)

// OutOfFrame reports a keypoint that was missing or outside the picture.
type OutOfFrame struct {
	Keypoint string
	Fraction float64 // of frames
}

// ViewResult is the camera-view check.
type ViewResult struct {
	View string
	// YawDeg estimates how far the camera stands from straight in front of
	// the lifter (0 front, 90 side); NaN when it cannot be estimated.
	YawDeg float64
	// WidthRatio is the lifter's apparent hip and shoulder width relative to
	// typical front-view proportions (about 1 from the front, near 0 from the
	// side).
	WidthRatio   float64
	FacingCamera bool
	OutOfFrame   []OutOfFrame
	// Refused is set when valgus cannot be measured from this view.
	Refused bool
	Notes   []string
}

// Typical apparent widths relative to leg length in a front view (hip joint
// centres and shoulder points as pose models place them).
const (
	refHipWidth      = 0.27
	refShoulderWidth = 0.42
)

// outOfFrame lists the leg keypoints that were missing or outside the
// picture in more than frac of the frames.
func outOfFrame(t *track.Track, frac, minConf float64) []OutOfFrame {
	names := []string{track.LeftHip, track.RightHip, track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle,
		track.LeftHeel, track.RightHeel, track.LeftFootIndex, track.RightFootIndex}
	w, h := float64(t.Video.Width), float64(t.Video.Height)
	var out []OutOfFrame
	for _, name := range names {
		k := t.Index(name)
		if k < 0 {
			continue
		}
		bad := 0
		for _, f := range t.Frames {
			p := f.Points[k]
			inside := p.Valid() && p.Conf >= minConf
			if inside && w > 0 && h > 0 {
				inside = p.X >= 0 && p.X <= w && p.Y >= 0 && p.Y <= h
			}
			if !inside {
				bad++
			}
		}
		if fr := float64(bad) / float64(len(t.Frames)); fr > frac {
			out = append(out, OutOfFrame{name, fr})
		}
	}
	return out
}

// estimateView judges the camera's angle to the lifter from two cues that
// need no camera calibration.
//
// Width: from the side, hips and shoulders look narrow relative to the legs;
// their apparent width scales with the cosine of the camera's angle.
//
// Motion: in a squat the knees travel forwards and the hips backwards. Seen
// from the front that travel points at the camera and hardly moves anything
// sideways in the picture; from an angle it shows as a sideways movement of
// the knees relative to the hips that is the same for both legs (common
// mode), while knees pushed out or caving in move the two legs in opposite
// directions (differential). With the thigh's flexion known from its
// vertical foreshortening, the two components give the camera angle and the
// knees-out angle (solveYaw). The width cue picks between the two solutions.
func estimateView(b *body, reps []motion.Rep, bl Baseline, th Thresholds) ViewResult {
	v := ViewResult{YawDeg: math.NaN(), FacingCamera: bl.FacingCamera}
	var ratios []float64
	if r := bl.HipWidthPx / bl.LegPx / refHipWidth; !math.IsNaN(r) {
		ratios = append(ratios, r)
	}
	if r := bl.ShoulderWidthPx / bl.LegPx / refShoulderWidth; !math.IsNaN(r) {
		ratios = append(ratios, r)
	}
	wr := math.NaN()
	if len(ratios) > 0 {
		wr = 0
		for _, r := range ratios {
			wr += r
		}
		wr /= float64(len(ratios))
	}
	v.WidthRatio = wr
	widthYaw := math.NaN()
	if !math.IsNaN(wr) {
		widthYaw = math.Acos(math.Min(1, wr)) * deg
	}

	// Motion cue, from the bottom of each rep that bends the thighs enough.
	var yaws []float64
	thigh := (bl.ThighPx[0] + bl.ThighPx[1]) / 2
	for _, r := range reps {
		i := r.Bottom
		if !b.legOK(0, i) || !b.legOK(1, i) {
			continue
		}
		vert := ((b.knee[0].pos[i].Y - b.hip[0].pos[i].Y) + (b.knee[1].pos[i].Y - b.hip[1].pos[i].Y)) / 2
		cosT := math.Max(-1, math.Min(1, vert/thigh))
		sinT := math.Sqrt(1 - cosT*cosT)
		if sinT < 0.5 { // thighs bent less than 30 degrees: too little travel
			continue
		}
		P := thigh * sinT
		// knee-minus-hip horizontal offsets, relative to standing
		dx := func(s int) float64 { return b.knee[s].pos[i].X - b.hip[s].pos[i].X }
		cm := (dx(0)+dx(1))/2 - bl.kneeHipCM
		dm := (dx(0)-dx(1))/2 - bl.kneeHipDM
		yaw := solveYaw(math.Abs(cm)/P, math.Abs(dm)/P, wr)
		if !math.IsNaN(yaw) {
			yaws = append(yaws, yaw)
		}
	}
	switch {
	case len(yaws) > 0:
		v.YawDeg = median(yaws)
		if !math.IsNaN(widthYaw) && widthYaw > th.SideMinYaw+10 {
			v.YawDeg = math.Max(v.YawDeg, widthYaw)
		}
	case !math.IsNaN(widthYaw):
		// Width alone cannot tell a slight angle from a narrow build; trust
		// it only for clearly narrow (side-on) silhouettes.
		if wr < 0.5 {
			v.YawDeg = widthYaw
		} else if wr >= 0.75 {
			v.YawDeg = 0
		} else {
			v.YawDeg = widthYaw
		}
		v.Notes = append(v.Notes, "camera angle estimated from body width only (no deep enough rep)")
	}
	switch {
	case math.IsNaN(v.YawDeg):
		v.View = ViewUnknown
	case v.YawDeg < th.FrontMaxYaw:
		v.View = ViewFront
	case v.YawDeg < th.SideMinYaw:
		v.View = ViewOblique
		v.Notes = append(v.Notes, fmt.Sprintf("the camera stands about %.0f deg to one side of the lifter: angles are distorted; film from straight in front for trustworthy numbers", v.YawDeg))
	default:
		v.View = ViewSide
		v.Refused = true
		v.Notes = append(v.Notes, "this looks like a side view: knee cave (sideways movement of the knee) cannot be seen from the side. Film from the front or a slight front angle, whole body and feet in the picture, camera at hip height, 2-4 m away")
	}
	if !bl.FacingCamera && v.View != ViewUnknown {
		v.Notes = append(v.Notes, "the lifter's left appears on the picture's left: filmed from behind, or a mirrored video; left and right are reported as the lifter's own sides")
	}
	return v
}

// solveYaw returns the camera angle (degrees) from the common-mode and
// differential sideways travel of the knees relative to the hips at the
// bottom of a rep, both divided by the thigh's horizontal length P:
//
//	q = cos(a)·sin(y),  p = sin(a)·cos(y)
//
// where y is the camera angle and a the knees-out angle of the thighs. With
// v = sin²(y) this gives v² - v(1 - p² + q²) + q² = 0; of its two roots the
// one whose cosine best matches the width ratio wr is taken (the smaller
// when wr is unknown).
func solveYaw(q, p, wr float64) float64 {
	bq := 1 - p*p + q*q
	disc := bq*bq - 4*q*q
	var roots []float64
	if disc < 0 {
		roots = []float64{bq / 2}
	} else {
		sd := math.Sqrt(disc)
		roots = []float64{(bq - sd) / 2, (bq + sd) / 2}
	}
	best, bestErr := math.NaN(), math.Inf(1)
	for _, v := range roots {
		v = math.Max(0, math.Min(1, v))
		y := math.Asin(math.Sqrt(v)) * deg
		e := y // prefer the smaller root without a width cue
		if !math.IsNaN(wr) {
			e = math.Abs(math.Sqrt(1-v) - math.Min(1, wr))
		}
		if e < bestErr {
			best, bestErr = y, e
		}
	}
	return best
}

func joinKeypoints(o []OutOfFrame) string {
	var parts []string
	for _, x := range o {
		parts = append(parts, fmt.Sprintf("%s (%.0f%% of frames)", strings.ReplaceAll(x.Keypoint, "_", " "), 100*x.Fraction))
	}
	return strings.Join(parts, ", ")
}

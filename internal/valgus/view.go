package valgus

import (
	"math"

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
	Notes   []Note
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

// estimateView judges the camera's angle to the lifter from body parts that
// a knee cave does not move, over the standing frames:
//
// Feet: seen from the front, each foot's heel-to-toe line points at the
// camera, turned out by the toe-out angle; the two feet turn out in
// opposite directions, so the sideways parts of their lines in the picture
// cancel, and what remains, common to both feet, is the camera's angle:
// (dxL + dxR)/2 = foot·cos(toe-out)·sin(yaw), whatever the toe-out, as
// long as both feet turn out alike.
//
// World landmarks (BlazePose's 3D, whose axes follow the camera): the hip
// line's turn away from the picture plane.
//
// Width: from the side, hips and shoulders look narrow relative to the
// legs; their apparent width scales with the cosine of the camera's angle.
// Builds differ, so width alone only tells a side view from a front view.
//
// The knees play no part: a knee caving in moves sideways in the picture
// as a turned camera would make it, and must not be read as one.
func estimateView(b *lifter, bl Baseline, standing []int, skeleton string, th Thresholds) ViewResult {
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
	var cues []float64
	if y := bl.FeetYawSin; !math.IsNaN(y) {
		cues = append(cues, math.Asin(math.Abs(y))*deg)
	}
	if skeleton == "blazepose33" {
		if y := b.worldYaw(standing); !math.IsNaN(y) {
			cues = append(cues, y)
		}
	}
	widthYaw := math.NaN()
	if !math.IsNaN(wr) {
		widthYaw = math.Acos(math.Min(1, wr)) * deg
	}
	switch {
	case len(cues) > 0:
		v.YawDeg = median(cues)
		// a silhouette this narrow is a side view whatever the feet say
		// (from the side, the feet's lines overlap and mislead)
		if wr < sideWidthRatio {
			v.YawDeg = math.Max(v.YawDeg, widthYaw)
		}
	case !math.IsNaN(wr):
		// Width alone cannot tell a slight angle from a narrow build: trust
		// it only to tell a side view.
		v.YawDeg = 0
		if wr < sideWidthRatio {
			v.YawDeg = widthYaw
		}
		v.Notes = append(v.Notes, Note{Kind: NoteYawFromWidth})
	}
	switch {
	case math.IsNaN(v.YawDeg):
		v.View = ViewUnknown
	case v.YawDeg < th.FrontMaxYaw:
		v.View = ViewFront
	case v.YawDeg < th.SideMinYaw:
		v.View = ViewOblique
		v.Notes = append(v.Notes, Note{Kind: NoteOblique, YawDeg: v.YawDeg})
	default:
		v.View = ViewSide
		v.Refused = true
		v.Notes = append(v.Notes, Note{Kind: NoteSideView})
	}
	if !bl.FacingCamera && v.View != ViewUnknown {
		v.Notes = append(v.Notes, Note{Kind: NoteMirrored})
	}
	return v
}

// sideWidthRatio: hips and shoulders narrower than this share of their
// front-view width (cos 63 deg) mean a side view.
const sideWidthRatio = 0.45

// feetYawSin estimates the sine of the camera's angle from the feet's
// heel-to-toe lines in the standing frames (see estimateView), signed as a
// forward-pointing segment shifts sideways in the picture; NaN when the
// feet are not seen.
func (b *lifter) feetYawSin(frames []int, shankPx [2]float64) float64 {
	foot := footPerShank * (shankPx[0] + shankPx[1]) / 2
	if !(foot > 0) {
		return math.NaN()
	}
	var ys []float64
	for _, i := range frames {
		ok := true
		for s := 0; s < 2; s++ {
			ok = ok && b.heel[s].good[i] && b.toe[s].good[i]
		}
		if !ok {
			continue
		}
		common := (b.toe[0].pos[i].X - b.heel[0].pos[i].X + b.toe[1].pos[i].X - b.heel[1].pos[i].X) / 2
		// the feet turn out some 10-30 degrees: cos of 20
		ys = append(ys, math.Max(-1, math.Min(1, common/(foot*math.Cos(20/deg)))))
	}
	if len(ys) < 3 {
		return math.NaN()
	}
	return median(ys)
}

// worldYaw estimates the camera's angle from 3D world landmarks whose axes
// follow the camera (x across the picture, z along the lens): the hip
// line's and the shoulder line's turn out of the picture plane.
func (b *lifter) worldYaw(frames []int) float64 {
	var ys []float64
	for _, i := range frames {
		for _, pair := range [][2]series{{b.hip[0], b.hip[1]}, {b.shoulder[0], b.shoulder[1]}} {
			if !pair[0].present || !pair[1].present || !pair[0].hasW[i] || !pair[1].hasW[i] || !pair[0].good[i] || !pair[1].good[i] {
				continue
			}
			d := pair[0].world[i].Sub(pair[1].world[i])
			if math.Hypot(d.X, d.Z) < 1e-6 {
				continue
			}
			ys = append(ys, math.Atan2(math.Abs(d.Z), math.Abs(d.X))*deg)
		}
	}
	if len(ys) < 3 {
		return math.NaN()
	}
	return median(ys)
}

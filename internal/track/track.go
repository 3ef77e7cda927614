// Package track holds a lifter's keypoint track: for every video frame, its
// timestamp and the named body keypoints (image position in pixels and
// normalised, optional model depth and 3D world position, confidence), plus
// the video's metadata.
//
// The pose pipeline fills a Track from video; importers fill one from other
// tools' files (OpenPose BODY_25 JSON folders, TRC motion capture); the
// analysis packages read it. It is the one hand-off point between "where are
// the joints" and "what do they mean", so it carries no analysis logic.
package track

import (
	"errors"
	"fmt"
	"math"
)

// Vec3 is a 3D position in metres.
type Vec3 struct{ X, Y, Z float64 }

// Sub returns v-w.
func (v Vec3) Sub(w Vec3) Vec3 { return Vec3{v.X - w.X, v.Y - w.Y, v.Z - w.Z} }

// Add returns v+w.
func (v Vec3) Add(w Vec3) Vec3 { return Vec3{v.X + w.X, v.Y + w.Y, v.Z + w.Z} }

// Scale returns s·v.
func (v Vec3) Scale(s float64) Vec3 { return Vec3{s * v.X, s * v.Y, s * v.Z} }

// Dot returns the dot product v·w.
func (v Vec3) Dot(w Vec3) float64 { return v.X*w.X + v.Y*w.Y + v.Z*w.Z }

// Cross returns the cross product v×w.
func (v Vec3) Cross(w Vec3) Vec3 {
	return Vec3{v.Y*w.Z - v.Z*w.Y, v.Z*w.X - v.X*w.Z, v.X*w.Y - v.Y*w.X}
}

// Norm returns the Euclidean length of v.
func (v Vec3) Norm() float64 { return math.Sqrt(v.Dot(v)) }

// Finite reports whether all components are finite numbers.
func (v Vec3) Finite() bool { return finite(v.X) && finite(v.Y) && finite(v.Z) }

// Point is one keypoint in one frame.
//
// Image coordinates follow the displayed picture (after any rotation the
// video's metadata asks for): origin at the top-left corner, x to the right,
// y downwards. NX, NY are the same position divided by the video's width and
// height (0..1 inside the picture).
type Point struct {
	X, Y   float64 // pixels
	NX, NY float64 // normalised by the picture's width and height
	// Z is the model's relative depth of the point (BlazePose gives one; it is
	// on the scale of X, smaller is nearer the camera). Zero when absent.
	Z float64
	// Conf is the model's confidence that the point is visible and correctly
	// placed, 0..1. Zero means "not found": the coordinates are meaningless.
	Conf float64
	// World is the 3D position in metres (BlazePose world landmarks, motion
	// capture); valid only when HasWorld is set. Axes: see Track.WorldUp.
	World    Vec3
	HasWorld bool
	// Filled marks a point that was not observed but interpolated across a
	// short gap by cleaning.
	Filled bool
}

// Valid reports whether the image position is usable: found (Conf > 0) and
// finite.
func (p Point) Valid() bool { return p.Conf > 0 && finite(p.X) && finite(p.Y) }

// Frame is one video frame's keypoints, in the order of Track.Keypoints.
type Frame struct {
	// Index is the frame's position in the source video (0-based); importers
	// without video number frames from 0.
	Index int
	// Time is the frame's true presentation time in seconds from the start.
	Time   float64
	Points []Point
}

// Video describes the source the track came from.
type Video struct {
	Source    string  // file name or description of the source
	Width     int     // displayed width in pixels (after rotation); 0 if unknown
	Height    int     // displayed height in pixels; 0 if unknown
	FPS       float64 // nominal frame rate; 0 if unknown
	DurationS float64 // duration in seconds; 0 if unknown
	Rotation  int     // rotation the player applies (0, 90, 180, 270 degrees)
}

// Track is a keypoint track of one person.
type Track struct {
	// Skeleton names the keypoint set (see Skeleton), e.g. "blazepose33".
	Skeleton string
	// Keypoints lists the keypoint names; Frame.Points follow this order.
	Keypoints []string
	Video     Video
	// WorldUp says which world axis points up, e.g. "+y" (motion capture in
	// OpenSim's convention) or "-y" (BlazePose world landmarks, y down).
	// Empty when there are no world coordinates.
	WorldUp string
	Frames  []Frame
}

// Index returns the position of the named keypoint in Keypoints, or -1.
func (t *Track) Index(name string) int {
	for i, n := range t.Keypoints {
		if n == name {
			return i
		}
	}
	return -1
}

// Has reports whether the track carries the named keypoint.
func (t *Track) Has(name string) bool { return t.Index(name) >= 0 }

// Times returns the frames' timestamps.
func (t *Track) Times() []float64 {
	ts := make([]float64, len(t.Frames))
	for i, f := range t.Frames {
		ts[i] = f.Time
	}
	return ts
}

// Clone returns a deep copy of t.
func (t *Track) Clone() *Track {
	c := *t
	c.Keypoints = append([]string(nil), t.Keypoints...)
	c.Frames = make([]Frame, len(t.Frames))
	for i, f := range t.Frames {
		c.Frames[i] = Frame{Index: f.Index, Time: f.Time, Points: append([]Point(nil), f.Points...)}
	}
	return &c
}

// HasWorld reports whether any point carries a world position.
func (t *Track) HasWorld() bool {
	for _, f := range t.Frames {
		for _, p := range f.Points {
			if p.HasWorld {
				return true
			}
		}
	}
	return false
}

// FillNormalised sets NX, NY from the pixel coordinates when the video size
// is known.
func (t *Track) FillNormalised() {
	if t.Video.Width <= 0 || t.Video.Height <= 0 {
		return
	}
	w, h := float64(t.Video.Width), float64(t.Video.Height)
	for i := range t.Frames {
		for j := range t.Frames[i].Points {
			p := &t.Frames[i].Points[j]
			p.NX, p.NY = p.X/w, p.Y/h
		}
	}
}

// ErrEmpty is returned for a track without frames.
var ErrEmpty = errors.New("track has no frames")

// Validate checks the track's internal consistency: keypoint names unique and
// non-empty, every frame with one point per keypoint, timestamps finite and
// strictly increasing, coordinates of found points finite.
func (t *Track) Validate() error {
	if len(t.Frames) == 0 {
		return ErrEmpty
	}
	if len(t.Keypoints) == 0 {
		return errors.New("track names no keypoints")
	}
	seen := make(map[string]bool, len(t.Keypoints))
	for _, n := range t.Keypoints {
		if n == "" {
			return errors.New("track has a keypoint with an empty name")
		}
		if seen[n] {
			return fmt.Errorf("keypoint %q appears twice", n)
		}
		seen[n] = true
	}
	prev := math.Inf(-1)
	for i, f := range t.Frames {
		if len(f.Points) != len(t.Keypoints) {
			return fmt.Errorf("frame %d has %d points, want %d (one per keypoint)", i, len(f.Points), len(t.Keypoints))
		}
		if !finite(f.Time) {
			return fmt.Errorf("frame %d has a non-finite timestamp", i)
		}
		if f.Time <= prev {
			return fmt.Errorf("frame %d: timestamp %.6f s is not after the previous frame's %.6f s", i, f.Time, prev)
		}
		prev = f.Time
		for j, p := range f.Points {
			if p.Conf < 0 || p.Conf > 1 || math.IsNaN(p.Conf) {
				return fmt.Errorf("frame %d, %s: confidence %v outside 0..1", i, t.Keypoints[j], p.Conf)
			}
			if p.Conf > 0 && !(finite(p.X) && finite(p.Y)) {
				return fmt.Errorf("frame %d, %s: non-finite coordinates", i, t.Keypoints[j])
			}
			if p.HasWorld && !p.World.Finite() {
				return fmt.Errorf("frame %d, %s: non-finite world coordinates", i, t.Keypoints[j])
			}
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

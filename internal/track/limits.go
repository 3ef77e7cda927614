package track

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What kneetrack accepts from a file. Every reader (track JSON, TRC,
// OpenPose folders) refuses what lies outside these bounds with a message
// naming the file, the frame and the keypoint; docs/track-json.md lists the
// rules. The bounds are generous: they exist to keep nonsense (1e308, a
// frame rate of a billion, a terabyte of zeros) from reaching the analysis,
// not to second-guess real recordings.
//
// The sizes are variables so that tests can lower them.
var (
	// maxTrackBytes caps a track file (JSON or TRC).
	maxTrackBytes int64 = 1 << 30
	// maxOpenPoseFileBytes caps one OpenPose frame file.
	maxOpenPoseFileBytes int64 = 16 << 20
	// maxOpenPoseFiles caps the frame files of one OpenPose folder.
	maxOpenPoseFiles = 500_000
	// maxFolderEntries caps the entries of a folder read as OpenPose output.
	maxFolderEntries = 2_000_000
	// maxPeople caps the people of one OpenPose frame.
	maxPeople = 1000
	// maxPoints caps frames × keypoints of a track (about 2 h of 33
	// keypoints at 60 fps).
	maxPoints = 1 << 24
)

const (
	maxKeypoints = 1000    // keypoint names in one track
	maxDim       = 32768   // picture width or height, pixels
	minFPS       = 0.1     // frame rates, Hz
	maxFPS       = 10000   //
	maxTimeS     = 1e6     // |timestamp| and duration, seconds (11.5 days)
	minGapS      = 1e-5    // smallest interval between frames, seconds
	maxIndex     = 1 << 40 // frame index in the source
	maxWorldM    = 100.0   // |world coordinate|, metres
	// Image positions may lie outside the picture (a limb out of frame),
	// up to pictureMargin picture sizes beyond each edge; without a known
	// picture size, up to maxPixels from the origin.
	pictureMargin = 10
	maxPixels     = 1e6
	// OpenPose's scores can overshoot 1 a little; up to this they are
	// taken as 1.
	maxOpenPoseConf = 1.5
)

// CleanText makes a string read from a file safe to print on a terminal:
// control characters (C0, DEL, C1: escape sequences, bells, carriage
// returns, newlines, tabs), Unicode bidirectional controls (which reorder
// what is shown), line and paragraph separators and invalid UTF-8 each
// become U+FFFD. Everything else, accented letters and other scripts
// included, is kept.
func CleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // invalid UTF-8 arrives as utf8.RuneError
		if unsafeRune(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unsafeRune reports whether r may change a terminal's state or the order
// in which text is shown.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // bidi marks
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// errTooLarge is returned by a limitedReader that reached its limit.
var errTooLarge = errors.New("too large")

// tooLargeError says how large a file may be.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return "larger than " + sizeText(e.limit)
}

func (e *tooLargeError) Is(target error) bool { return target == errTooLarge }

// limitedReader reads at most limit bytes from r (through io.LimitReader,
// so a file that grows while it is read cannot exhaust memory) and fails
// with a tooLargeError when there is more.
type limitedReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func newLimitedReader(r io.Reader, limit int64) *limitedReader {
	return &limitedReader{r: io.LimitReader(r, limit+1), limit: limit}
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n > l.limit {
		return 0, &tooLargeError{l.limit}
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n - int(l.n-l.limit), &tooLargeError{l.limit}
	}
	return n, err
}

// sizeText formats a byte count for messages: "1 GiB", "16 MiB", "900 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.4g MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.4g KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// num formats a number from a file for a message: short, and readable even
// when it is absurd.
func num(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// timeText formats a timestamp for a message.
func timeText(t float64) string {
	if finite(t) && math.Abs(t) < 1e6 {
		return fmt.Sprintf("%.3f s", t)
	}
	return num(t) + " s"
}

// frameText names a frame in a message: its index in the source and time.
func frameText(f Frame) string {
	return fmt.Sprintf("frame %d (t = %s)", f.Index, timeText(f.Time))
}

// checkFPS checks a frame rate; 0 (unknown) passes when zeroOK.
func checkFPS(fps float64, zeroOK bool) error {
	if fps == 0 && zeroOK {
		return nil
	}
	if !finite(fps) || fps < minFPS || fps > maxFPS {
		return fmt.Errorf("frame rate %s is not a plausible frame rate (%g to %g fps)", num(fps), float64(minFPS), float64(maxFPS))
	}
	return nil
}

// checkSize checks a picture size: both 0 (unknown) or both 1..maxDim.
func checkSize(w, h int) error {
	if w == 0 && h == 0 {
		return nil
	}
	if w <= 0 || h <= 0 || w > maxDim || h > maxDim {
		return fmt.Errorf("picture size %dx%d is not plausible (width and height 1 to %d px each, or both 0 when unknown)", w, h, maxDim)
	}
	return nil
}

// checkVideo checks a track's metadata.
func checkVideo(v Video) error {
	if err := checkSize(v.Width, v.Height); err != nil {
		return fmt.Errorf("video: %w", err)
	}
	if err := checkFPS(v.FPS, true); err != nil {
		return fmt.Errorf("video: %w", err)
	}
	if !finite(v.DurationS) || v.DurationS < 0 || v.DurationS > maxTimeS {
		return fmt.Errorf("video: duration %s s is not plausible (0 to %g s)", num(v.DurationS), float64(maxTimeS))
	}
	switch v.Rotation {
	case 0, 90, 180, 270:
	default:
		return fmt.Errorf("video: rotation %d is not 0, 90, 180 or 270 degrees", v.Rotation)
	}
	return nil
}

// checkPixel checks one image coordinate (axis "x" or "y") against a picture of the given size
// (0: unknown).
func checkPixel(axis string, v float64, size int) error {
	if !finite(v) {
		return fmt.Errorf("%s = %s is not a number", axis, num(v))
	}
	if size <= 0 {
		if math.Abs(v) > maxPixels {
			return fmt.Errorf("%s = %s px is beyond ±%g px", axis, num(v), float64(maxPixels))
		}
		return nil
	}
	lo, hi := -pictureMargin*float64(size), (pictureMargin+1)*float64(size)
	if v < lo || v > hi {
		return fmt.Errorf("%s = %s px is far outside the picture (%d px; kneetrack accepts %g to %g px, %d picture sizes beyond each edge)",
			axis, num(v), size, lo, hi, pictureMargin)
	}
	return nil
}

// checkDepth checks the model's relative depth of a point, which is on
// the scale of x: within (pictureMargin+1) picture sizes of 0.
func checkDepth(z float64, size int) error {
	lim := float64(maxPixels)
	if size > 0 {
		lim = (pictureMargin + 1) * float64(size)
	}
	if !finite(z) || math.Abs(z) > lim {
		return fmt.Errorf("z = %s (depth) is beyond ±%g", num(z), lim)
	}
	return nil
}

// checkNormalised checks a coordinate divided by the picture's size.
func checkNormalised(axis string, v float64) error {
	if !finite(v) || v < -pictureMargin || v > pictureMargin+1 {
		return fmt.Errorf("%s = %s is far outside the picture (normalised: 0 to 1 inside it; kneetrack accepts %d to %d)", axis, num(v), -pictureMargin, pictureMargin+1)
	}
	return nil
}

// checkWorld checks a world position in metres.
func checkWorld(v Vec3) error {
	for k, c := range [3]float64{v.X, v.Y, v.Z} {
		if !finite(c) || math.Abs(c) > maxWorldM {
			return fmt.Errorf("world %c = %s m is beyond ±%g m", "xyz"[k], num(c), maxWorldM)
		}
	}
	return nil
}

// checkPoint checks one point of a track whose picture is w×h (0: unknown).
// A point that was not found (Conf 0) must carry no coordinates.
func checkPoint(p Point, w, h int) error {
	if !finite(p.Conf) || p.Conf < 0 || p.Conf > 1 {
		return fmt.Errorf("confidence %s is outside 0..1", num(p.Conf))
	}
	if p.Conf > 0 {
		if err := checkPixel("x", p.X, w); err != nil {
			return err
		}
		if err := checkPixel("y", p.Y, h); err != nil {
			return err
		}
		if err := checkDepth(p.Z, max(w, h)); err != nil {
			return err
		}
		if err := checkNormalised("nx", p.NX); err != nil {
			return err
		}
		if err := checkNormalised("ny", p.NY); err != nil {
			return err
		}
	} else if p.X != 0 || p.Y != 0 || p.NX != 0 || p.NY != 0 || p.Z != 0 {
		return errors.New("a point that was not found (confidence 0) carries coordinates")
	}
	if p.HasWorld {
		return checkWorld(p.World)
	}
	if p.World != (Vec3{}) {
		return errors.New("world coordinates without HasWorld")
	}
	return nil
}

// checkTrack checks what Validate does not: that every number of a track
// read from a file is finite and in a sane range (see the limits above),
// frames are not absurdly close in time, and the track is not too large.
// Readers call it last, so nothing they return breaks these rules.
func checkTrack(t *Track) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if len(t.Keypoints) > maxKeypoints {
		return fmt.Errorf("%d keypoints are more than kneetrack reads (%d)", len(t.Keypoints), maxKeypoints)
	}
	if n := len(t.Frames) * len(t.Keypoints); n > maxPoints || len(t.Frames) > maxPoints {
		return fmt.Errorf("%d frames of %d keypoints are more than kneetrack reads (%d points, about 2 hours at 60 fps); split the track", len(t.Frames), len(t.Keypoints), maxPoints)
	}
	if err := checkVideo(t.Video); err != nil {
		return err
	}
	if t.WorldUp != "" {
		if _, err := upVector(t.WorldUp); err != nil {
			return err
		}
	}
	for i, f := range t.Frames {
		if f.Index < 0 || int64(f.Index) > maxIndex {
			return fmt.Errorf("%s: index %d is outside 0..%d", frameText(f), f.Index, int64(maxIndex))
		}
		if math.Abs(f.Time) > maxTimeS {
			return fmt.Errorf("%s: time %s is beyond ±%g s", frameText(f), timeText(f.Time), float64(maxTimeS))
		}
		if i > 0 {
			if gap := f.Time - t.Frames[i-1].Time; gap < minGapS {
				return fmt.Errorf("%s comes %s s after the previous frame; frames less than %g s apart are not a real recording",
					frameText(f), num(gap), float64(minGapS))
			}
		}
		for j, p := range f.Points {
			if err := checkPoint(p, t.Video.Width, t.Video.Height); err != nil {
				return fmt.Errorf("%s, %s: %w", frameText(f), t.Keypoints[j], err)
			}
		}
	}
	return nil
}

// cleanNames sanitises a list of names read from a file (CleanText).
func cleanNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = CleanText(n)
	}
	return out
}

package pose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"time"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

// Options controls Run and ListPeople. Zero fields take the defaults noted.
type Options struct {
	// Model is the landmark model: blazepose-full (default), blazepose-lite,
	// blazepose-heavy, movenet-lightning or movenet-thunder.
	Model string
	// ModelsDir holds the model files (default models.DefaultDir()).
	ModelsDir string
	// Threads is the number of goroutines per inference (0: all cores).
	Threads int
	// MirrorAverage runs the landmark model a second time on the mirror
	// image of every crop and averages the two results, sides exchanged
	// (test-time flip augmentation). The models are not mirror-symmetric:
	// without it a knee's angle in the picture depends by a few degrees on
	// which side of the picture the leg is on (docs/pose.md, "Mirrored
	// video"). It doubles the landmark model's cost.
	MirrorAverage bool
	// Pick, when set, chooses the person at the normalised point
	// (PickX, PickY) instead of the likeliest lifter: the one seen there
	// in the frames sampled over the video, on first sighting preferably
	// (the point ListPeople's Scan.PickPoint gives for them).
	Pick         bool
	PickX, PickY float64
	// Every processes one frame in Every (default 1: all); the others are
	// left out of the track. For quick looks and bounded test time.
	Every int
	// MaxTime stops after this many seconds of video (0: the whole video).
	MaxTime float64
	// ScanSamples is how many frames spread over the video the detector
	// looks at to find the people and choose the lifter (default 8).
	ScanSamples int
	// Clean adjusts the cleaning of the track.
	Clean CleanOptions
	// AllowFeetOut accepts a video whose lifter's feet are mostly out of
	// the picture (the analysis then lacks ankles, heels and toes).
	AllowFeetOut bool
	// Progress, when set, is called after each decoded frame with the
	// number of frames done and the total expected.
	Progress func(done, total int)
	// Watch, when set, is called after each processed frame with the raw
	// track so far (frames as the model gave them, not yet cleaned; the
	// caller must not change it). An error stops the run, which returns
	// it wrapped: a caller can stop tracking a video it has seen enough of.
	Watch func(raw *track.Track) error
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.Model == "" {
		o.Model = ModelBlazePoseFull
	}
	if o.ModelsDir == "" {
		dir, err := models.DefaultDir()
		if err != nil {
			return o, err
		}
		o.ModelsDir = dir
	}
	if o.Every <= 0 {
		o.Every = 1
	}
	if o.ScanSamples <= 0 {
		o.ScanSamples = 8
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Pick && !(o.PickX >= 0 && o.PickX <= 1 && o.PickY >= 0 && o.PickY <= 1) {
		return o, fmt.Errorf("pick point (%g,%g) must be normalised to the picture: both between 0 and 1", o.PickX, o.PickY)
	}
	return o, nil
}

// Errors the pose pipeline returns for videos it cannot track.
var (
	// ErrNoPerson: nobody was found in the video.
	ErrNoPerson = errors.New("no person found")
	// ErrFeetOutOfFrame: the lifter's ankles are out of the picture in most
	// frames.
	ErrFeetOutOfFrame = errors.New("feet out of the picture")
)

// Stats says how the tracking went and what it cost.
type Stats struct {
	Frames    int     // frames decoded
	Processed int     // frames the models ran on (one in Options.Every)
	Tracked   int     // processed frames where the person was found
	Searches  int     // frames where the detector ran to find the person
	Acquired  int     // times the person was found afresh (first time and after losing them)
	ScanS     float64 // seconds spent finding the people
	PoseS     float64 // seconds spent in crops and models while tracking
	WallS     float64 // seconds for the whole run
	// FrameW and FrameH are the size of the frames tracked: the video's,
	// or smaller when its longer side exceeds video.WorkingMaxSide, so that
	// ffmpeg scales it down while decoding. The track is in the video's
	// own pixels either way.
	FrameW, FrameH int
}

// MsPerFrame is the mean time of the models per processed frame, in
// milliseconds.
func (s Stats) MsPerFrame() float64 {
	if s.Processed == 0 {
		return 0
	}
	return 1000 * s.PoseS / float64(s.Processed)
}

// Result is a tracked video.
type Result struct {
	// Track is the cleaned keypoint track; Raw the same before cleaning
	// (as the model gave it, frames where nobody was found empty).
	Track, Raw *track.Track
	// People are those found in the sampled frames, likeliest lifter first;
	// Person is the one followed (ID 0 when the scan found nobody and the
	// tracker took the first person it saw).
	People []Person
	Person Person
	Clean  CleanReport
	Stats  Stats
	// Notes are things the user should know (e.g. missing foot points).
	Notes []string
}

// ListPeople finds the people in frames sampled over the video and scores
// how much each looks like the lifter.
func ListPeople(ctx context.Context, path string, opts Options) (*Scan, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	info, err := video.Probe(ctx, path)
	if err != nil {
		return nil, err
	}
	fd, err := newFinder(opts)
	if err != nil {
		return nil, err
	}
	defer fd.close()
	return scanPeople(ctx, path, info, fd, opts.ScanSamples, framesWithin(info, opts.MaxTime))
}

// framesWithin estimates how many frames the first maxTime seconds hold
// (all of them when maxTime is 0).
func framesWithin(info *video.Info, maxTime float64) int {
	n := info.FrameCount
	if maxTime > 0 && info.Duration > maxTime && info.Duration > 0 {
		n = min(n, int(math.Ceil(float64(n)*maxTime/info.Duration))+1)
	}
	return n
}

// Run tracks the lifter through the video at path and returns their
// keypoint track, raw and cleaned.
func Run(ctx context.Context, path string, opts Options) (*Result, error) {
	start := time.Now()
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	info, err := video.Probe(ctx, path)
	if err != nil {
		return nil, err
	}
	fd, err := newFinder(opts)
	if err != nil {
		return nil, err
	}
	defer fd.close()
	est := fd.est

	res := &Result{}
	total := framesWithin(info, opts.MaxTime)
	// The tracker works in the pixels of the frames as decoded; toVideo
	// maps them to the video's.
	fw, fh := video.ScaledSize(info.Width, info.Height, video.WorkingMaxSide)
	toVideo := frameScale{sx: float64(info.Width) / float64(fw), sy: float64(info.Height) / float64(fh)}
	t0 := time.Now()
	scan, err := scanPeople(ctx, path, info, fd, opts.ScanSamples, total)
	if err != nil {
		return nil, err
	}
	res.Stats.ScanS = time.Since(t0).Seconds()
	res.People = scan.People
	tr := &tracker{find: fd}
	switch {
	case opts.Pick:
		p, err := pickPerson(scan, opts.PickX, opts.PickY)
		if err != nil {
			return nil, err
		}
		res.Person = p
	case len(scan.People) > 0:
		res.Person = scan.People[0]
	}
	if res.Person.ID != 0 {
		who := res.Person
		tr.pick = func(people []Sighting, t float64) (Sighting, bool) {
			s := who.nearest(t)
			return matchTarget(people, toVideo.toFrame(Target{X: s.X, Y: s.Y, R: s.R, T: s.Time}), t)
		}
		log.Debug("pose: following", "person", who.ID, "likeness", who.Likeness, "people", len(scan.People))
	}

	dec, err := video.Decode(ctx, path, video.DecodeOptions{MaxSide: video.WorkingMaxSide, Info: info, Logger: log})
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	res.Stats.FrameW, res.Stats.FrameH = dec.Width(), dec.Height()
	skel := est.skeleton()
	raw := track.New(skel, total/opts.Every+1)
	raw.Video = track.Video{Source: filepath.Base(path), Width: info.Width, Height: info.Height,
		FPS: info.AvgFrameRate, DurationS: info.Duration, Rotation: info.Rotation}
	if _, isBP := est.(*BlazePose); isBP {
		raw.WorldUp = "-y"
	}
	for {
		f, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if opts.MaxTime > 0 && f.Time > opts.MaxTime {
			break
		}
		res.Stats.Frames++
		if f.Index%opts.Every == 0 {
			im := Image{Pix: f.Pix, W: f.Width, H: f.Height}
			ts := time.Now()
			p, ok, err := tr.step(ctx, im, f.Index, f.Time)
			res.Stats.PoseS += time.Since(ts).Seconds()
			if err != nil {
				return nil, fmt.Errorf("frame %d (%.3f s): %w", f.Index, f.Time, err)
			}
			res.Stats.Processed++
			fr := track.Frame{Index: f.Index, Time: f.Time, Points: make([]track.Point, len(skel.Keypoints))}
			if ok {
				res.Stats.Tracked++
				fillPoints(fr.Points, p, toVideo, info.Width, info.Height)
			}
			raw.Frames = append(raw.Frames, fr)
			if opts.Watch != nil {
				if err := opts.Watch(raw); err != nil {
					return nil, fmt.Errorf("tracking stopped at frame %d (%.3f s): %w", f.Index, f.Time, err)
				}
			}
		}
		if opts.Progress != nil {
			opts.Progress(res.Stats.Frames, total)
		}
	}
	res.Stats.Searches = tr.searches
	res.Stats.Acquired = tr.acquired
	if err := checkSomeone(scan, res.Stats); err != nil {
		return nil, fmt.Errorf("%w in %s: %w", ErrNoPerson, path, err)
	}
	if err := checkFeet(raw, opts.AllowFeetOut); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !HasFeet(opts.Model) {
		res.Notes = append(res.Notes, opts.Model+" has no heel or toe points: foot-based measures (knee over toes, foot turn-out) are unavailable; use blazepose-full for them")
	}
	if lost := res.Stats.Processed - res.Stats.Tracked; lost > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("the lifter was not found in %d of %d frames", lost, res.Stats.Processed))
	}
	res.Raw = raw
	res.Track, res.Clean, err = Clean(raw, opts.Clean)
	if err != nil {
		return nil, err
	}
	res.Stats.WallS = time.Since(start).Seconds()
	return res, nil
}

// newFinder loads the detector and the landmark model.
func newFinder(opts Options) (finder, error) {
	est, err := newEstimator(opts.ModelsDir, opts.Model, opts.Threads, opts.MirrorAverage)
	if err != nil {
		return finder{}, err
	}
	det, err := newDetector(opts.ModelsDir, opts.Threads)
	if err != nil {
		est.Close()
		return finder{}, err
	}
	return finder{det: det, est: est}, nil
}

func (fd finder) close() {
	fd.det.Close()
	fd.est.Close()
}

// frameScale maps positions in decoded frames to the video's own pixels:
// x*sx, y*sy. Both are 1 unless the frames were scaled down (Decode with
// MaxSide); they differ slightly when the scaled size was rounded.
type frameScale struct{ sx, sy float64 }

// toFrame maps a target in the video's pixels to the frames'.
func (s frameScale) toFrame(t Target) Target {
	t.X, t.Y, t.R = t.X/s.sx, t.Y/s.sy, t.R/math.Sqrt(s.sx*s.sy)
	return t
}

// fillPoints writes a pose found in a decoded frame into track points, in
// the w x h video's pixels (toVideo): pixel and normalised position, depth,
// confidence (BlazePose's visibility, MoveNet's score) and world position.
func fillPoints(dst []track.Point, p Pose, toVideo frameScale, w, h int) {
	zs := math.Sqrt(toVideo.sx * toVideo.sy) // depth is on the scale of x
	for i, k := range p.Keypoints {
		if i >= len(dst) || !finite(k.X) || !finite(k.Y) {
			continue
		}
		conf := math.Max(0, math.Min(1, k.Visibility))
		if conf == 0 {
			continue
		}
		x, y := k.X*toVideo.sx, k.Y*toVideo.sy
		dst[i] = track.Point{X: x, Y: y, NX: x / float64(w), NY: y / float64(h), Z: k.Z * zs, Conf: conf}
		if p.HasWorld && k.World.Finite() {
			dst[i].World, dst[i].HasWorld = k.World, true
		}
	}
}

// minSeenFrac: when the scan saw nobody in any sampled frame, tracking
// must find someone in at least this share of the processed frames for
// them to be taken as a person. Scan and tracker look with the same
// detector and landmark model, so a person there most of the time is
// seen in some sample; what the tracker alone finds in less (a plant, a
// coat, a pattern taken for a body for a few seconds) is nobody.
const minSeenFrac = 0.5

// checkSomeone says, when nobody was found, what was seen (the caller
// wraps it in ErrNoPerson): nobody by the scan or the tracker, or nobody
// by the scan and the tracker only in fewer than minSeenFrac of the frames.
func checkSomeone(scan *Scan, st Stats) error {
	const advice = "film the whole body from the front, in good light"
	switch {
	case st.Tracked == 0 && len(scan.People) > 0:
		return fmt.Errorf("the detector saw %d %s in %d sampled frames, but tracking found nobody to follow in %d frames; %s",
			len(scan.People), map[bool]string{true: "person", false: "people"}[len(scan.People) == 1], len(scan.SampleTimes), st.Processed, advice)
	case st.Tracked == 0:
		return fmt.Errorf("the detector saw nobody in %d sampled frames and tracking found nobody in %d frames; %s",
			len(scan.SampleTimes), st.Processed, advice)
	case len(scan.People) == 0 && float64(st.Tracked) < minSeenFrac*float64(st.Processed):
		return fmt.Errorf("the detector saw nobody in %d sampled frames, and tracking found something person-like in only "+
			"%d of %d frames (%.0f%%), too few to be someone filmed; %s",
			len(scan.SampleTimes), st.Tracked, st.Processed, 100*float64(st.Tracked)/float64(st.Processed), advice)
	}
	return nil
}

// checkFeet fails when the ankles are outside the picture, or unsure, in
// more than half the frames where the person was found.
func checkFeet(t *track.Track, allow bool) error {
	la, ra := t.Index(track.LeftAnkle), t.Index(track.RightAnkle)
	if la < 0 || ra < 0 {
		return nil
	}
	w, h := float64(t.Video.Width), float64(t.Video.Height)
	found, out := 0, 0
	for _, f := range t.Frames {
		if !hasAny(f.Points) {
			continue
		}
		found++
		inside := func(p track.Point) bool {
			return p.Valid() && p.Conf >= 0.3 && p.X >= 0 && p.Y >= 0 && p.X <= w && p.Y <= h
		}
		if !inside(f.Points[la]) || !inside(f.Points[ra]) {
			out++
		}
	}
	if allow || found == 0 || 2*out <= found {
		return nil
	}
	of := fmt.Sprintf("%d of %d frames", out, found)
	if found < len(t.Frames) {
		of = fmt.Sprintf("%d of the %d frames where they were found (of %d)", out, found, len(t.Frames))
	}
	return fmt.Errorf("%w: the lifter's ankles are out of the picture or hidden in %s; "+
		"film the whole body, feet included (or pass --allow-feet-out to keep the track anyway)", ErrFeetOutOfFrame, of)
}

func hasAny(ps []track.Point) bool {
	for _, p := range ps {
		if p.Valid() {
			return true
		}
	}
	return false
}

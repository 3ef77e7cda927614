package pose

import (
	"context"
	"math"
)

// Sighting is one person found in one frame, confirmed by the landmark
// model, in the video's full-size pixels.
type Sighting struct {
	Frame int
	Time  float64
	// X, Y is the hip centre and R the body radius (from the hip centre to
	// above the head for BlazePose; to the farthest keypoint for MoveNet).
	X, Y, R float64
	// Box holds the keypoints found with confidence.
	Box   Box
	Score float64 // the landmark model's pose score
	pose  Pose
}

// Target says whom to follow: the person whose hip centre was at (X, Y)
// with body radius R (pixels) at time T seconds.
type Target struct {
	X, Y, R float64
	T       float64
}

// Radius is the detection's body radius in pixels: the distance from the
// hip centre to the alignment point above the head.
func (d Detection) Radius() float64 {
	k := d.Keypoints
	return math.Hypot(k[1][0]-k[0][0], k[1][1]-k[0][1])
}

// finder finds people in a frame: the detector proposes regions (and the
// whole frame is always tried too, which rescues frames where the person
// fills the picture and the detector misplaces them), and the landmark
// model confirms each one, twice (the second time on the crop its own
// landmarks give, which aligns a rough region to the body). Confirmed poses
// closer than half a body radius are one person.
type finder struct {
	det personDetector
	est estimator
}

// personDetector proposes where people are (Detector).
type personDetector interface {
	Detect(ctx context.Context, im Image) ([]Detection, error)
	Close()
}

func (fd finder) find(ctx context.Context, im Image, frame int, t float64) ([]Sighting, error) {
	dets, err := fd.det.Detect(ctx, im)
	if err != nil {
		return nil, err
	}
	rois := make([]ROI, 0, len(dets)+1)
	for _, d := range dets {
		rois = append(rois, fd.est.fromDetection(d))
	}
	rois = append(rois, LetterboxROI(im.W, im.H))
	var out []Sighting
	for _, roi := range rois {
		p, ok, err := refine(ctx, fd.est, im, roi)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		s, ok := fd.sighting(p, frame, t)
		if !ok {
			continue
		}
		dup := false
		for i := range out {
			if math.Hypot(out[i].X-s.X, out[i].Y-s.Y) < 0.5*math.Min(out[i].R, s.R) {
				dup = true
				if s.Score > out[i].Score {
					out[i] = s
				}
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out, nil
}

// sighting summarises a pose.
func (fd finder) sighting(p Pose, frame int, t float64) (Sighting, bool) {
	x, y, r, ok := fd.est.anchor(p)
	if !ok {
		return Sighting{}, false
	}
	box := Box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, k := range p.Keypoints {
		if k.Visibility >= 0.5 {
			box = Box{math.Min(box.X0, k.X), math.Min(box.Y0, k.Y), math.Max(box.X1, k.X), math.Max(box.Y1, k.Y)}
		}
	}
	if !(box.X1 >= box.X0) {
		box = Box{x - r, y - r, x + r, y + r}
	}
	return Sighting{Frame: frame, Time: t, X: x, Y: y, R: r, Box: box, Score: p.Score, pose: p}, true
}

// refine runs the landmark model on roi and again on the crop the result
// places; ok reports whether both runs found a person.
func refine(ctx context.Context, est estimator, im Image, roi ROI) (Pose, bool, error) {
	p, err := est.Estimate(ctx, im, roi)
	if err != nil || p.Score < est.minScore() {
		return p, false, err
	}
	next, ok := est.next(p)
	if !ok || !sensibleROI(next, im) {
		return p, false, nil
	}
	p, err = est.Estimate(ctx, im, next)
	if err != nil || p.Score < est.minScore() {
		return p, false, err
	}
	return p, true, nil
}

// sensibleROI rejects crops far too small or too large for the picture.
func sensibleROI(r ROI, im Image) bool {
	side := float64(max(im.W, im.H))
	return r.Valid() && r.W >= 0.02*side && r.W <= 4*side
}

// tracker follows one person through the frames of a video. The finder
// locates them in the first frame and whenever the landmark model loses
// them; otherwise each frame's landmarks place the next frame's crop.
// Re-acquisition only accepts a person close to where the tracked one was
// last seen, so the track never jumps to someone else; while nobody
// qualifies, frames stay empty, and attempts back off (up to half a second
// apart) so that a lifter who walks away does not cost a search per frame.
type tracker struct {
	find finder

	roi      ROI
	tracking bool

	// who: the person followed, as last seen.
	who     Target
	haveWho bool
	// pick chooses among the people of a frame before anyone was followed;
	// nil takes the likeliest lifter.
	pick func(people []Sighting, t float64) (Sighting, bool)

	fails    int     // consecutive failed searches
	nextTry  float64 // time before which no search is made
	searches int     // frames where the finder ran
	acquired int     // times the person was found afresh
}

// step processes one frame taken at time t (seconds) and returns the
// person's pose, or ok false when they are not found in this frame.
func (tr *tracker) step(ctx context.Context, im Image, frame int, t float64) (p Pose, ok bool, err error) {
	est := tr.find.est
	if tr.tracking {
		p, err = est.Estimate(ctx, im, tr.roi)
		if err != nil {
			return Pose{}, false, err
		}
		if tr.continuous(p, t) && tr.accept(p, im, t) {
			return p, true, nil
		}
		tr.tracking = false
	}
	if t < tr.nextTry {
		return Pose{}, false, nil
	}
	tr.searches++
	people, err := tr.find.find(ctx, im, frame, t)
	if err != nil {
		return Pose{}, false, err
	}
	s, found := tr.choose(people, im, t)
	if !found || !tr.accept(s.pose, im, t) {
		tr.fails++
		tr.nextTry = t + math.Min(0.5, 0.05*float64(tr.fails-1))
		return Pose{}, false, nil
	}
	tr.fails, tr.nextTry = 0, 0
	tr.acquired++
	return s.pose, true, nil
}

// continuous reports whether a pose found by following the crop is still
// the same person: its hip centre moved less than a body radius allows in
// the time since the last frame (0.3 radii plus 1.5 radii per second, at
// most 1.5). A larger step means the crop slid onto someone else (a person
// walking in front), and the person is searched for afresh near where they
// were.
func (tr *tracker) continuous(p Pose, t float64) bool {
	x, y, _, ok := tr.find.est.anchor(p)
	if !ok || !tr.haveWho {
		return ok
	}
	dt := math.Abs(t - tr.who.T)
	return math.Hypot(x-tr.who.X, y-tr.who.Y) <= math.Min(0.3+1.5*dt, 1.5)*tr.who.R
}

// accept checks a pose (score, a sensible next crop) and on success makes
// it the current state.
func (tr *tracker) accept(p Pose, im Image, t float64) bool {
	est := tr.find.est
	if p.Score < est.minScore() {
		return false
	}
	next, ok := est.next(p)
	if !ok || !sensibleROI(next, im) {
		return false
	}
	x, y, r, ok := est.anchor(p)
	if !ok {
		return false
	}
	tr.roi, tr.tracking = next, true
	tr.who, tr.haveWho = Target{X: x, Y: y, R: r, T: t}, true
	return true
}

// choose picks the person to follow: the one nearest the person last
// followed (and close enough to be them), else, before anyone was
// followed, the one the pick rule chooses.
func (tr *tracker) choose(people []Sighting, im Image, t float64) (Sighting, bool) {
	if tr.haveWho {
		return matchTarget(people, tr.who, t)
	}
	if tr.pick != nil {
		return tr.pick(people, t)
	}
	best, bestScore := -1, -1.0
	for i, s := range people {
		if v := lifterLikeness(s, im.W, im.H); v > bestScore {
			best, bestScore = i, v
		}
	}
	if best < 0 {
		return Sighting{}, false
	}
	return people[best], true
}

// matchTarget returns the sighting that is the target person: hip centre
// within a distance that grows with the time since the target was seen
// (0.6 body radii at once, up to 1.5 after two seconds) and body size
// within a factor 1.6 of theirs. Of several, the nearest wins; none
// qualifying means the person is not in view.
func matchTarget(people []Sighting, who Target, t float64) (Sighting, bool) {
	dt := math.Abs(t - who.T)
	tol := math.Min(0.6+0.45*dt, 1.5) * who.R
	best, bestD := -1, math.Inf(1)
	for i, s := range people {
		if s.R <= 0 || s.R > 1.6*who.R || s.R < who.R/1.6 {
			continue
		}
		if d := math.Hypot(s.X-who.X, s.Y-who.Y); d <= tol && d < bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return Sighting{}, false
	}
	return people[best], true
}

// lifterLikeness scores how much a sighting looks like the person the
// video is about, from one frame: large and central. 0..1.
func lifterLikeness(s Sighting, w, h int) float64 {
	side := float64(max(w, h))
	size := math.Min(1, s.R/(0.5*side))
	dx := (s.X - float64(w)/2) / float64(w)
	dy := (s.Y - float64(h)/2) / float64(h)
	central := math.Max(0, 1-2*math.Hypot(dx, dy))
	return size * (0.5 + 0.5*central) * s.Score
}

package overlay

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Annotator turns a set's analysis and its keypoint track into scenes: at
// any moment of the video (skeleton, knee lines coloured by that frame's
// class, FPPA written by the knees, rep counter and phase), or at a rep's
// deepest moment for a key frame (coloured by the rep's class).
type Annotator struct {
	set   *valgus.SetResult
	tr    *track.Track // set.CleanTrack
	times []float64
	ftime []float64 // set.Frames' times
	dt    float64   // median frame interval
	idx   map[string]int
}

// NewAnnotator prepares scenes for set, drawn through the cleaned
// keypoints the set was measured on (set.CleanTrack) and coloured by the
// thresholds it was graded with (set.Thresholds).
func NewAnnotator(set *valgus.SetResult) (*Annotator, error) {
	if set == nil || set.CleanTrack == nil {
		return nil, errors.New("overlay: no analysis or no keypoint track to draw")
	}
	clean := set.CleanTrack
	a := &Annotator{set: set, tr: clean, times: clean.Times(), idx: map[string]int{}}
	for i, n := range clean.Keypoints {
		a.idx[n] = i
	}
	a.ftime = make([]float64, len(set.Frames))
	for i, f := range set.Frames {
		a.ftime[i] = f.Time
	}
	if n := len(a.times); n > 1 {
		d := make([]float64, n-1)
		for i := range d {
			d[i] = a.times[i+1] - a.times[i]
		}
		sort.Float64s(d)
		a.dt = d[len(d)/2]
	} else {
		a.dt = 1.0 / 30
	}
	return a, nil
}

// Size returns the picture size the keypoints refer to (0 when unknown).
func (a *Annotator) Size() (w, h int) { return a.tr.Video.Width, a.tr.Video.Height }

// Span returns the times of the track's first and last frames.
func (a *Annotator) Span() (first, last float64) {
	if len(a.times) == 0 {
		return 0, 0
	}
	return a.times[0], a.times[len(a.times)-1]
}

// locate returns the frames around t and the weight of the later one; ok is
// false when t lies more than a frame interval outside the track.
func locate(times []float64, t, dt float64) (i, j int, u float64, ok bool) {
	n := len(times)
	if n == 0 || t < times[0]-dt || t > times[n-1]+dt {
		return 0, 0, 0, false
	}
	k := sort.SearchFloat64s(times, t)
	switch {
	case k == 0:
		return 0, 0, 0, true
	case k == n:
		return n - 1, n - 1, 0, true
	}
	i, j = k-1, k
	if gap := times[j] - times[i]; gap > 0 {
		u = (t - times[i]) / gap
	}
	return i, j, u, true
}

// point returns a keypoint's position at time t, interpolated between the
// frames around it (or the one of them where it was found).
func (a *Annotator) point(name string, t float64) (body.Point, bool) {
	k, ok := a.idx[name]
	if !ok {
		return body.Point{}, false
	}
	i, j, u, ok := locate(a.times, t, a.dt)
	if !ok {
		return body.Point{}, false
	}
	p, q := a.tr.Frames[i].Points[k], a.tr.Frames[j].Points[k]
	switch {
	case p.Valid() && q.Valid():
		return lerpPt(body.Point{X: p.X, Y: p.Y}, body.Point{X: q.X, Y: q.Y}, u), true
	case p.Valid() && u <= 0.5:
		return body.Point{X: p.X, Y: p.Y}, true
	case q.Valid() && u >= 0.5:
		return body.Point{X: q.X, Y: q.Y}, true
	}
	return body.Point{}, false
}

// metrics returns the analysis's frame nearest to t (nil when none is within
// a frame interval).
func (a *Annotator) metrics(t float64) *valgus.FrameMetrics {
	i, j, u, ok := locate(a.ftime, t, a.dt)
	if !ok {
		return nil
	}
	if u > 0.5 {
		i = j
	}
	if math.Abs(a.ftime[i]-t) > a.dt {
		return nil
	}
	return &a.set.Frames[i]
}

// bones lists the skeleton's segments other than the legs.
var bones = [][2]string{
	{track.LeftShoulder, track.RightShoulder},
	{track.LeftShoulder, track.LeftHip}, {track.RightShoulder, track.RightHip},
	{track.LeftHip, track.RightHip},
	{track.LeftShoulder, track.LeftElbow}, {track.LeftElbow, track.LeftWrist},
	{track.RightShoulder, track.RightElbow}, {track.RightElbow, track.RightWrist},
	{track.LeftAnkle, track.LeftHeel}, {track.LeftHeel, track.LeftFootIndex}, {track.LeftAnkle, track.LeftFootIndex},
	{track.RightAnkle, track.RightHeel}, {track.RightHeel, track.RightFootIndex}, {track.RightAnkle, track.RightFootIndex},
}

var joints = []string{track.Nose, track.LeftShoulder, track.RightShoulder, track.LeftElbow, track.RightElbow,
	track.LeftWrist, track.RightWrist, track.LeftHip, track.RightHip, track.LeftAnkle, track.RightAnkle,
	track.LeftHeel, track.RightHeel, track.LeftFootIndex, track.RightFootIndex}

var legNames = [2][5]string{
	{track.LeftHip, track.LeftKnee, track.LeftAnkle, track.LeftHeel, track.LeftFootIndex},
	{track.RightHip, track.RightKnee, track.RightAnkle, track.RightHeel, track.RightFootIndex},
}

// skeleton returns the scene's geometry at time t with unclassified legs;
// ok is false when the track has no frame near t.
func (a *Annotator) skeleton(t float64) (Scene, bool) {
	if _, _, _, ok := locate(a.times, t, a.dt); !ok {
		return Scene{}, false
	}
	var sc Scene
	for _, b := range bones {
		p, ok1 := a.point(b[0], t)
		q, ok2 := a.point(b[1], t)
		if ok1 && ok2 {
			sc.Bones = append(sc.Bones, [2]body.Point{p, q})
		}
	}
	for _, n := range joints {
		if p, ok := a.point(n, t); ok {
			sc.Joints = append(sc.Joints, p)
		}
	}
	for s := 0; s < 2; s++ {
		h, ok1 := a.point(legNames[s][0], t)
		k, ok2 := a.point(legNames[s][1], t)
		an, ok3 := a.point(legNames[s][2], t)
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		l := &Leg{Hip: h, Knee: k, Ankle: an, Class: ClassUnknown}
		heel, ok4 := a.point(legNames[s][3], t)
		toe, ok5 := a.point(legNames[s][4], t)
		if ok4 && ok5 {
			l.Heel, l.Toe, l.HasFoot = heel, toe, true
		}
		sc.Legs[s] = l
	}
	return sc, true
}

// fppa returns a drawn leg's FPPA (computed from the drawn positions, so
// the number written matches the lines) and whether the thigh is long
// enough in the picture for it to be reliable.
func (a *Annotator) fppa(sc *Scene, s int, t float64) (angle float64, reliable, ok bool) {
	l, o := sc.Legs[s], sc.Legs[1-s]
	if l == nil {
		return math.NaN(), false, false
	}
	var other body.Point
	if o != nil {
		other = o.Hip
	} else {
		p, found := a.point(legNames[1-s][0], t)
		if !found {
			return math.NaN(), false, false
		}
		other = p
	}
	ang, ok := body.FPPA(l.Hip, l.Knee, l.Ankle, other)
	if !ok {
		return math.NaN(), false, false
	}
	ratio := math.Inf(1) // no standing thigh to compare with: length not judged
	if tp := a.set.Baseline.ThighPx[s]; tp > 0 {
		ratio = l.Knee.Sub(l.Hip).Norm() / tp
	}
	return ang, a.set.Thresholds.FPPAReliable(ang, ratio), true
}

// repAt returns the rep a frame belongs to (nil between reps).
func (a *Annotator) repAt(m *valgus.FrameMetrics) *valgus.RepResult {
	if m == nil || m.Rep < 0 || m.Rep >= len(a.set.Reps) {
		return nil
	}
	return &a.set.Reps[m.Rep]
}

// SceneAt returns what to draw on the video frame at time t (seconds from
// the video's start, as the track's timestamps): ok is false when the track
// has no keypoints near t.
//
// Each knee line takes the class of that frame's own graded measure, by
// the rule that grades a rep: in squats on both legs the knee's cave angle
// (FrameMetrics' CaveDeg) against the knee-cave bands; in single-leg and
// split squats the FPPA's rise above standing against the movement's bands.
// A leg too straight to have a cave angle shows as none. Knee-vs-toes
// grades nothing and colours nothing. Grey: the measure cannot be read
// here (a point not trusted, the thigh pointing at the camera), the set
// was not graded, or the leg is not the working leg.
func (a *Annotator) SceneAt(t float64) (Scene, bool) {
	sc, ok := a.skeleton(t)
	if !ok {
		return sc, false
	}
	m := a.metrics(t)
	rep := a.repAt(m)
	bands, bilateral := a.set.GradedBands(), a.set.GradedOnCave()
	var fppas [2]float64
	for s := 0; s < 2; s++ {
		fppas[s] = math.NaN()
		l := sc.Legs[s]
		if l == nil {
			continue
		}
		ang, reliable, ok := a.fppa(&sc, s, t)
		if !ok {
			continue
		}
		fppas[s] = ang
		l.Label = words.KneeAngle(ang)
		if rep != nil && !rep.Side[s].Assessed {
			l.Muted, l.Label = true, ""
			continue
		}
		if !a.set.Analysed || !reliable {
			if !reliable {
				l.Label = "~" + l.Label
			}
			continue
		}
		v := ang - a.set.Baseline.FPPA[s]
		if bilateral {
			if m == nil || !m.Side[s].Reliable {
				continue // a point not trusted: the line stays grey
			}
			// A trusted leg without a cave angle is nearly straight
			// (standing, or barely bent): it cannot be turning in.
			v = m.Side[s].CaveDeg
			if math.IsNaN(v) {
				v = 0
			}
		}
		l.Class = ClassOf(bands.Classify(v))
	}
	sc.Panel = a.panel(m, rep, &sc, fppas)
	sc.Legend = true
	return sc, true
}

func (a *Annotator) panel(m *valgus.FrameMetrics, rep *valgus.RepResult, sc *Scene, fppas [2]float64) []PanelLine {
	set := a.set
	if !set.Analysed {
		return []PanelLine{{Text: "not graded", Big: true}, {Text: "see the report for why"}}
	}
	n := len(set.Reps)
	done := 0
	phase := words.FramePhase(body.PhaseStanding)
	if m != nil {
		for k, r := range set.Reps {
			if m.Time >= r.EndS || (rep != nil && k == m.Rep) {
				done = k + 1
			}
		}
		if rep != nil {
			phase = words.FramePhase(m.Phase)
		}
	}
	lines := []PanelLine{{Text: fmt.Sprintf("Rep %d / %d", done, n), Big: true}, {Text: phase}}
	for s := 0; s < 2; s++ {
		name := words.Side(body.Side(s))
		l := sc.Legs[s]
		switch {
		case l == nil:
			lines = append(lines, PanelLine{Text: name + " knee: not found"})
		case l.Muted:
			lines = append(lines, PanelLine{Text: name + " leg: not graded"})
		default:
			lines = append(lines, PanelLine{Text: fmt.Sprintf("%s knee %s", name, words.KneeAngle(fppas[s])), Dot: true, Class: l.Class})
		}
	}
	if set.Movement == body.MoveBilateralSquat && m != nil && !math.IsNaN(m.KASR) {
		lines = append(lines, PanelLine{Text: fmt.Sprintf("KASR %.2f", m.KASR)})
	}
	return lines
}

// KeyTime returns the time of rep k's deepest moment (k indexes set.Reps).
func (a *Annotator) KeyTime(k int) (float64, error) {
	if k < 0 || k >= len(a.set.Reps) {
		return 0, fmt.Errorf("overlay: no rep %d (the set has %d)", k+1, len(a.set.Reps))
	}
	return a.set.Reps[k].BottomS, nil
}

// KeyScene returns the key-frame scene of rep k (indexing set.Reps) at its
// deepest moment: each knee line in the colour of that leg's class for the
// whole rep, its FPPA at that moment written beside the knee.
func (a *Annotator) KeyScene(k int) (Scene, error) {
	t, err := a.KeyTime(k)
	if err != nil {
		return Scene{}, err
	}
	sc, ok := a.skeleton(t)
	if !ok {
		return Scene{}, fmt.Errorf("overlay: the track has no keypoints at %.2f s", t)
	}
	r := a.set.Reps[k]
	for s := 0; s < 2; s++ {
		l := sc.Legs[s]
		if l == nil {
			continue
		}
		if !r.Side[s].Assessed {
			l.Muted = true
			continue
		}
		l.Class = ClassOf(r.Side[s].Severity)
		if ang, reliable, ok := a.fppa(&sc, s, t); ok {
			l.Label = words.KneeAngle(ang)
			if !reliable {
				l.Label = "~" + l.Label
			}
		}
	}
	sc.Panel = []PanelLine{{Text: fmt.Sprintf("Rep %d", r.Index), Big: true}, {Text: fmt.Sprintf("deepest point, %.1f s", t)}}
	return sc, nil
}

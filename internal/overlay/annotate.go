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

// edgePx: a keypoint within this many pixels of the picture's edge (or
// beyond it) is a guess, as the analysis counts it (valgus's edgePx).
const edgePx = 2

// trusted reports whether keypoint name is trusted in the frames a drawing
// at time t uses, by the analysis's rule: found with at least the set's
// MinConfidence, observed (not filled in by cleaning) and inside the
// picture.
func (a *Annotator) trusted(name string, t float64) bool {
	k, ok := a.idx[name]
	if !ok {
		return false
	}
	i, j, u, ok := a.locate(t)
	if !ok {
		return false
	}
	w, h := float64(a.tr.Video.Width), float64(a.tr.Video.Height)
	good := func(f int) bool {
		p := a.tr.Frames[f].Points[k]
		if !p.Valid() || p.Filled || p.Conf < a.set.Thresholds.MinConfidence {
			return false
		}
		return w <= 0 || h <= 0 || (p.X > edgePx && p.X < w-edgePx && p.Y > edgePx && p.Y < h-edgePx)
	}
	switch {
	case u <= 0:
		return good(i)
	case u >= 1:
		return good(j)
	}
	return good(i) && good(j)
}

func (a *Annotator) locate(t float64) (i, j int, u float64, ok bool) { return locate(a.times, t, a.dt) }

// references marks a graded leg's reference lines for drawing: the
// hip-ankle line always, the toes line when the toe is trusted at t.
func (a *Annotator) references(l *Leg, s int, t float64) {
	l.Reference = true
	l.ToeLine = l.HasFoot && a.trusted(legNames[s][4], t)
}

// graded returns a leg's graded measure in the analysis's frame m, in
// words, and its class against the bands the set is graded on. The
// measure is the one the rep table and the JSON give per rep
// (SideFrame.GradedDeg): the cave angle in squats on both legs, the
// valgus angle above standing in single-leg and split squats. A trusted
// leg too straight to have a cave angle reads "straight" and classes as
// none; a leg whose points are not trusted reads "n/a", grey.
func (a *Annotator) graded(m *valgus.FrameMetrics, s int) (string, Class) {
	if m == nil {
		return "", ClassUnknown
	}
	sf := m.Side[s]
	v := sf.GradedDeg
	if math.IsNaN(v) {
		if a.set.GradedOnCave() && sf.Reliable {
			return words.KneeStraight, ClassOf(a.set.GradedBands().Classify(0))
		}
		return words.GradedAngle(v), ClassUnknown
	}
	return words.GradedAngle(v), ClassOf(a.set.GradedBands().Classify(v))
}

// working reports whether leg s is graded at the moment of frame m: in
// its rep, when that rep assessed it; between reps, when any rep did.
func (a *Annotator) working(rep *valgus.RepResult, s int) bool {
	if rep != nil {
		return rep.Side[s].Assessed
	}
	for _, r := range a.set.Reps {
		if r.Side[s].Assessed {
			return true
		}
	}
	return len(a.set.Reps) == 0
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
// By each graded knee: its hip-ankle line, the toes line where the toe is
// trusted, an arrow from the hip-ankle line to the knee, and the frame's
// graded measure (see graded) with, during a rep, the rep's grade for that
// leg. The knee line takes the class of the frame's graded measure, by the
// bands that grade a rep, so it turns yellow or orange as the knee caves
// and green as it recovers. Knee-vs-toes grades nothing and colours
// nothing. Grey: the measure cannot be read here (a point not trusted),
// or the set was not graded. A leg that is not the working leg is drawn
// thin and grey, without numbers.
func (a *Annotator) SceneAt(t float64) (Scene, bool) {
	sc, ok := a.skeleton(t)
	if !ok {
		return sc, false
	}
	m := a.metrics(t)
	rep := a.repAt(m)
	for s := 0; s < 2; s++ {
		l := sc.Legs[s]
		if l == nil {
			continue
		}
		if !a.working(rep, s) {
			l.Muted = true
			continue
		}
		if !a.set.Analysed {
			continue
		}
		a.references(l, s, t)
		l.Label, l.Class = a.graded(m, s)
		if rep != nil {
			l.Grade, l.GradeClass = words.RepGrade(rep.Index, rep.Side[s].Severity), ClassOf(rep.Side[s].Severity)
		}
	}
	sc.Panel = a.panel(m, rep, &sc)
	sc.Legend = true
	return sc, true
}

func (a *Annotator) panel(m *valgus.FrameMetrics, rep *valgus.RepResult, sc *Scene) []PanelLine {
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
	lines := []PanelLine{{Text: fmt.Sprintf("Rep %d / %d", done, n), Big: true}, {Text: phase},
		{Text: words.Capitalise(words.Measure(set.GradedOnCave()))}}
	for s := 0; s < 2; s++ {
		name := words.Side(body.Side(s))
		l := sc.Legs[s]
		switch {
		case l == nil:
			lines = append(lines, PanelLine{Text: name + " knee: not found"})
		case l.Muted:
			lines = append(lines, PanelLine{Text: name + " leg: not graded"})
		default:
			lines = append(lines, PanelLine{Text: words.KneeReading(body.Side(s), l.Label), Dot: true, Class: l.Class})
		}
	}
	return append(lines, PanelLine{Text: words.HipAnkleLine, Dot: true, Swatch: RefColour()},
		PanelLine{Text: words.ToesLine, Dot: true, Swatch: ToeColour()})
}

// KeyTime returns the time of rep k's key frame (k indexes set.Reps): the
// moment the rep's grade was set, where the leg that decides it (the
// higher class, then the larger graded peak) holds the rep's graded peak,
// so that the number drawn there is the rep table's. The graded peak is
// the level the measure holds for Thresholds.SustainS; the key frame is
// the frame of that run at exactly that level. A rep with no graded leg
// shows its deepest moment.
func (a *Annotator) KeyTime(k int) (float64, error) {
	t, _, _, err := a.keyMoment(k)
	return t, err
}

// keyMoment returns KeyTime's time, the deciding leg and whether the time
// is that leg's graded peak (false: the rep's deepest moment).
func (a *Annotator) keyMoment(k int) (float64, int, bool, error) {
	if k < 0 || k >= len(a.set.Reps) {
		return 0, 0, false, fmt.Errorf("overlay: no rep %d (the set has %d)", k+1, len(a.set.Reps))
	}
	r := a.set.Reps[k]
	side := -1
	for s := 0; s < 2; s++ {
		rs := r.Side[s]
		if !rs.Assessed || math.IsNaN(rs.GradedDeg) {
			continue
		}
		if side < 0 {
			side = s
			continue
		}
		o := r.Side[side]
		if rk, ok := rs.Severity.Rank(), o.Severity.Rank(); rk > ok || (rk == ok && rs.GradedDeg > o.GradedDeg) {
			side = s
		}
	}
	if side < 0 {
		return r.BottomS, 0, false, nil
	}
	peak := r.Side[side].GradedDeg
	best, bestD := -1, math.Inf(1)
	for i, f := range a.set.Frames {
		if f.Time < r.StartS || f.Time > r.EndS {
			continue
		}
		d := math.Abs(f.Side[side].GradedDeg - peak)
		if d < bestD || (d == bestD && math.Abs(f.Time-r.Side[side].PeakS) < math.Abs(a.set.Frames[best].Time-r.Side[side].PeakS)) {
			best, bestD = i, d
		}
	}
	switch {
	case best >= 0 && bestD < 1e-9:
		return a.set.Frames[best].Time, side, true, nil
	case !math.IsNaN(r.Side[side].PeakS):
		return r.Side[side].PeakS, side, true, nil
	}
	return r.BottomS, side, false, nil
}

// KeyScene returns the key-frame scene of rep k (indexing set.Reps) at
// KeyTime: each graded knee's line in the colour of that leg's class for
// the whole rep (the table's class), its reference lines and arrow as on
// the video, and beside it the graded measure at that moment (at the
// deciding leg's peak, the table's number) with the rep's grade.
func (a *Annotator) KeyScene(k int) (Scene, error) {
	t, side, peak, err := a.keyMoment(k)
	if err != nil {
		return Scene{}, err
	}
	sc, ok := a.skeleton(t)
	if !ok {
		return Scene{}, fmt.Errorf("overlay: the track has no keypoints at %.2f s", t)
	}
	r := a.set.Reps[k]
	m := a.metrics(t)
	for s := 0; s < 2; s++ {
		l := sc.Legs[s]
		if l == nil {
			continue
		}
		if !r.Side[s].Assessed {
			l.Muted = true
			continue
		}
		a.references(l, s, t)
		l.Label, _ = a.graded(m, s)
		l.Class = ClassOf(r.Side[s].Severity)
		l.Grade, l.GradeClass = words.RepGrade(r.Index, r.Side[s].Severity), l.Class
	}
	sc.Panel = []PanelLine{{Text: fmt.Sprintf("Rep %d", r.Index), Big: true},
		{Text: words.KeyMoment(body.Side(side), peak, a.set.GradedOnCave(), t)}}
	sc.LineKey = true
	return sc, nil
}

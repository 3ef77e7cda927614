package evalset

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Motion-capture files the set uses (see the shared folder's SOURCES.md).
const (
	mocapSquats     = "opencap-squats.trc"
	mocapAsymmetric = "opencap-asymmetric-squats.trc"
	mocapStanding   = "opencap-neutral-standing.trc"
)

var mocapJumps = [...]string{"drop-jump-DJ1.trc", "drop-jump-DJ4.trc", "drop-jump-DJ5.trc"}

// evalKeypoints are the keypoints a case's track carries, in BlazePose's
// order: what the analysis reads, under BlazePose's names.
var evalKeypoints = [...]string{
	track.Nose, track.LeftShoulder, track.RightShoulder, track.LeftHip, track.RightHip,
	track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle,
	track.LeftHeel, track.RightHeel, track.LeftFootIndex, track.RightFootIndex,
}

// mocapTake is one loaded motion-capture take.
type mocapTake struct {
	file string
	t    *track.Track // 3D, evalKeypoints present in the file only
	sk   *skeleton3D
	reps []rep
	// standing lists the frames the MedialLeg baseline averages.
	standing []int
	jump     bool
}

// loadMocap reads a TRC file, keeps the evaluation keypoints, fills marker
// dropouts (missing or exactly zero positions) by linear interpolation and
// finds the reps.
func loadMocap(dir, file string, jump bool) (*mocapTake, error) {
	f, err := os.Open(filepath.Join(dir, file))
	if err != nil {
		return nil, fmt.Errorf("evalset: motion capture: %w", err)
	}
	defer f.Close()
	raw, err := track.ReadTRC(f, file)
	if err != nil {
		return nil, fmt.Errorf("evalset: %w", err)
	}
	t := &track.Track{Skeleton: track.SkeletonMocap, WorldUp: raw.WorldUp, Video: raw.Video}
	var cols []int
	for _, n := range evalKeypoints {
		if i := raw.Index(n); i >= 0 {
			t.Keypoints = append(t.Keypoints, n)
			cols = append(cols, i)
		}
	}
	for _, fr := range raw.Frames {
		nf := track.Frame{Index: fr.Index, Time: fr.Time, Points: make([]track.Point, len(cols))}
		for j, c := range cols {
			p := fr.Points[c]
			if p.World == (track.Vec3{}) {
				p.HasWorld = false
			}
			nf.Points[j] = track.Point{World: p.World, HasWorld: p.HasWorld}
		}
		t.Frames = append(t.Frames, nf)
	}
	fillGaps(t)
	m := &mocapTake{file: file, t: t, jump: jump}
	if m.sk, err = newSkeleton3D(t); err != nil {
		return nil, fmt.Errorf("evalset: %s: %w", file, err)
	}
	if len(m.sk.time) != len(t.Frames) {
		return nil, fmt.Errorf("evalset: %s: frames without hips, knees or ankles", file)
	}
	if jump {
		m.cropJump()
		return m, nil
	}
	var standing float64
	m.reps, standing = m.sk.findReps(0.08)
	m.standing = m.sk.standingFrames(standing, 0.03)
	return m, nil
}

// fillGaps interpolates each keypoint's missing world positions linearly
// between the nearest frames that have it (holding the end values).
func fillGaps(t *track.Track) {
	for k := range t.Keypoints {
		last := -1
		for i := range t.Frames {
			if !t.Frames[i].Points[k].HasWorld {
				continue
			}
			if last >= 0 && i-last > 1 {
				a, b := t.Frames[last].Points[k].World, t.Frames[i].Points[k].World
				for j := last + 1; j < i; j++ {
					u := float64(j-last) / float64(i-last)
					t.Frames[j].Points[k] = track.Point{World: a.Scale(1 - u).Add(b.Scale(u)), HasWorld: true}
				}
			} else if last < 0 && i > 0 {
				for j := 0; j < i; j++ {
					t.Frames[j].Points[k] = t.Frames[i].Points[k]
				}
			}
			last = i
		}
		if last >= 0 {
			for j := last + 1; j < len(t.Frames); j++ {
				t.Frames[j].Points[k] = t.Frames[last].Points[k]
			}
		}
	}
}

// cropJump reduces a drop-jump take to one landing: from standing on the
// box, through the drop and the landing's deepest point, to the top of the
// jump that follows (the take's second landing is cut short, so it is
// left out). The rep runs from the top of the drop to that top.
func (m *mocapTake) cropJump() {
	n := len(m.sk.time)
	bot := 0
	for i := 0; i < n; i++ {
		if m.sk.hipHeight(i) < m.sk.hipHeight(bot) {
			bot = i
		}
	}
	// the first landing: the deepest point before the hips rise above the
	// box-standing height again
	standH := m.sk.hipHeight(0)
	first := -1
	for i := 0; i < n; i++ {
		if m.sk.hipHeight(i) < standH-0.2 {
			first = i
			break
		}
	}
	if first >= 0 {
		bot = first
		for i := first; i < n && m.sk.hipHeight(i) < standH; i++ {
			if m.sk.hipHeight(i) < m.sk.hipHeight(bot) {
				bot = i
			}
		}
	}
	top := bot
	for i := bot; i < n; i++ {
		if m.sk.hipHeight(i) > m.sk.hipHeight(top) {
			top = i
		}
		if m.sk.hipHeight(i) < m.sk.hipHeight(top)-0.03 {
			break
		}
	}
	start := bot
	for i := bot; i >= 0; i-- {
		if m.sk.hipHeight(i) > m.sk.hipHeight(start) {
			start = i
		}
		if m.sk.hipHeight(i) < m.sk.hipHeight(start)-0.03 {
			break
		}
	}
	m.t.Frames = m.t.Frames[:top+1]
	m.sk, _ = newSkeleton3D(m.t)
	m.reps = []rep{{start, bot, top}}
	for i := 0; i < n && m.sk.time[i] < m.sk.time[0]+0.25; i++ {
		m.standing = append(m.standing, i)
	}
}

// depthFractions gives, for every frame of a take, how deep into its rep
// the hips are: 0 outside reps and at a rep's start and end, 1 at its
// deepest frame, in proportion to the hips' height in between.
func depthFractions(sk *skeleton3D, reps []rep) []float64 {
	out := make([]float64, len(sk.time))
	for _, r := range reps {
		hb := sk.hipHeight(r.bottom)
		for i := r.start; i <= r.end; i++ {
			ref := sk.hipHeight(r.start)
			if i > r.bottom {
				ref = sk.hipHeight(r.end)
			}
			if ref-hb < 1e-6 {
				continue
			}
			out[i] = math.Min(math.Max((ref-sk.hipHeight(i))/(ref-hb), 0), 1)
		}
	}
	return out
}

// withCave returns a copy of the take whose knees in sides turn towards the
// midline about their hip-ankle axes, in proportion to the depth within
// each rep, so that at every rep's deepest frame the knee is turned
// target[side] degrees past straight ahead (the real knee's own angle
// there is measured and made up).
func (m *mocapTake) withCave(target [2]float64) *track.Track {
	t := m.t.Clone()
	frac := depthFractions(m.sk, m.reps)
	kneeIdx := [2]int{t.Index(track.LeftKnee), t.Index(track.RightKnee)}
	for side := 0; side < 2; side++ {
		if target[side] == 0 {
			continue
		}
		for _, r := range m.reps {
			med, fw, _ := m.sk.medialDir(r.bottom, side)
			natural := caveAngle(m.sk.leg[side][r.bottom], fw, med)
			turn := target[side] - natural
			for i := r.start; i <= r.end; i++ {
				if frac[i] == 0 {
					continue
				}
				med, _, ok := m.sk.medialDir(i, side)
				if !ok {
					continue
				}
				t.Frames[i].Points[kneeIdx[side]].World = turnKneeMedially(m.sk.leg[side][i], med, turn*frac[i])
			}
		}
	}
	return t
}

// truth measures both knees of a take over the given reps.
func (m *mocapTake) truth(t *track.Track) ([2]KneeTruth, error) {
	var kt [2]KneeTruth
	sk, err := newSkeleton3D(t)
	if err != nil {
		return kt, err
	}
	for s := 0; s < 2; s++ {
		if len(m.reps) == 0 {
			kt[s] = KneeTruth{Label: NoCave}
			continue
		}
		km := sk.measureKnee(s, m.reps, m.standing)
		k := KneeTruth{RepCaveDeg: km.RepCaveDeg, MedialLeg: km.MedialLeg, CaveDeg: math.NaN()}
		if km.Worst >= 0 {
			k.CaveDeg = km.RepCaveDeg[km.Worst]
			k.Label = LabelFor(k.CaveDeg)
		} else {
			k.Label = Ambiguous
		}
		kt[s] = k
	}
	return kt, nil
}

// resample returns the take at a new frame rate, by linear interpolation
// of the world positions (the take itself when the rate matches).
func resample(t *track.Track, fps float64) *track.Track {
	if math.Abs(t.Video.FPS-fps) < 1e-9 {
		return t
	}
	out := &track.Track{Skeleton: t.Skeleton, Keypoints: t.Keypoints, WorldUp: t.WorldUp, Video: t.Video}
	out.Video.FPS = fps
	t0, t1 := t.Frames[0].Time, t.Frames[len(t.Frames)-1].Time
	j := 0
	for k := 0; ; k++ {
		tm := t0 + float64(k)/fps
		if tm > t1+1e-9 {
			break
		}
		for j < len(t.Frames)-2 && t.Frames[j+1].Time < tm {
			j++
		}
		a, b := t.Frames[j], t.Frames[j+1]
		u := math.Min(math.Max((tm-a.Time)/(b.Time-a.Time), 0), 1)
		f := track.Frame{Index: k, Time: tm, Points: make([]track.Point, len(t.Keypoints))}
		for p := range f.Points {
			pa, pb := a.Points[p], b.Points[p]
			f.Points[p] = track.Point{World: pa.World.Scale(1 - u).Add(pb.World.Scale(u)), HasWorld: pa.HasWorld && pb.HasWorld}
		}
		out.Frames = append(out.Frames, f)
	}
	out.Video.DurationS = float64(len(out.Frames)) / fps
	return out
}

// mocapScene wraps a (possibly modified) motion-capture take.
func (m *mocapTake) scene(name string, t *track.Track, films int, extra ...string) (*scene, error) {
	kt, err := m.truth(t)
	if err != nil {
		return nil, err
	}
	sk, _ := newSkeleton3D(t)
	sc := &scene{
		name:     "mocap/" + strings.TrimSuffix(m.file, ".trc") + "/" + name,
		source:   "mocap:" + m.file,
		movement: BilateralSquat,
		knee:     kt,
		reps:     len(m.reps),
		films:    films,
		legM:     (sk.legLength(0) + sk.legLength(1)) / 2,
		take:     func(fps float64) (*track.Track, error) { return resample(t, fps), nil },
		fps:      ratesUpTo(t.Video.FPS),
		perturb:  extra,
	}
	if m.jump {
		sc.movement = JumpLanding
	}
	for _, r := range m.reps {
		sc.spans = append(sc.spans, [3]float64{sk.time[r.start], sk.time[r.bottom], sk.time[r.end]})
	}
	return sc, nil
}

// mocapScenes loads the motion capture and makes its scenes: each take as
// filmed, and the squats and jumps with knee caves added (one or both
// knees, 10-20 deg past straight ahead at the bottom). films is per
// filming unit; Build multiplies it.
func mocapScenes(dir string, seed int64, small bool) ([]*scene, error) {
	rng := newRand(seed, 77)
	var out []*scene
	load := func(file string, jump bool) (*mocapTake, error) { return loadMocap(dir, file, jump) }
	variant := 0
	caves := func(m *mocapTake, n int) error {
		for i := 0; i < n; i++ {
			v := variant
			variant++
			var target [2]float64
			var side string
			switch v % 3 {
			case 0:
				target[0], side = uni(rng, 10, 20), "left"
			case 1:
				target[1], side = uni(rng, 10, 20), "right"
			default:
				target[0], target[1], side = uni(rng, 10, 20), uni(rng, 10, 20), "both"
			}
			deg := []string{}
			for _, x := range target {
				if x != 0 {
					deg = append(deg, fmt.Sprintf("%.0f", x))
				}
			}
			sc, err := m.scene(fmt.Sprintf("cave-%s-%sdeg", side, strings.Join(deg, "+")), m.withCave(target), 1, PerturbCaveAdded)
			if err != nil {
				return err
			}
			out = append(out, sc)
		}
		return nil
	}
	nCaves := 6
	if small {
		nCaves = 3
	}

	sq, err := load(mocapSquats, false)
	if err != nil {
		return nil, err
	}
	sc, err := sq.scene("as-filmed", sq.t, 3)
	if err != nil {
		return nil, err
	}
	out = append(out, sc)
	if err := caves(sq, nCaves); err != nil {
		return nil, err
	}

	asym, err := load(mocapAsymmetric, false)
	if err != nil {
		return nil, err
	}
	if sc, err = asym.scene("as-filmed-weight-shift", asym.t, 3); err != nil {
		return nil, err
	}
	out = append(out, sc)

	st, err := load(mocapStanding, false)
	if err != nil {
		return nil, err
	}
	if sc, err = st.scene("standing", st.t, 1); err != nil {
		return nil, err
	}
	out = append(out, sc)

	for i, f := range mocapJumps {
		if small && i > 0 {
			break
		}
		dj, err := load(f, true)
		if err != nil {
			return nil, err
		}
		if sc, err = dj.scene("as-filmed", dj.t, 1); err != nil {
			return nil, err
		}
		out = append(out, sc)
		if err := caves(dj, 1+i%2); err != nil {
			return nil, err
		}
	}
	return out, nil
}

package evalset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/kneetrack/kneetrack/internal/track"
)

// filmSpec is one filming of a take: the camera and what degrades the
// keypoints a pose model would report from that video.
type filmSpec struct {
	cam  track.Camera
	fps  float64
	fill float64 // fraction of half the picture height the body's lower half may use

	jitter    float64 // AR(1) noise sigma, fraction of leg length (0: none)
	outliers  bool
	sink      float64 // ankle sink at the deepest point, leg lengths (0: none)
	toeClip   bool
	drift     bool
	mirror    bool
	dropouts  bool
	world     bool
	trimStart float64 // seconds cut from the start (0: none)
	trimEnd   float64
	offStart  float64 // single-rep clip: depth fraction the clip starts at (0: standing)
	offEnd    float64
}

// drawFilm draws a camera and the perturbations of one filming.
func drawFilm(rng *rand.Rand, sc *scene) filmSpec {
	fs := filmSpec{
		cam: track.Camera{
			YawDeg:    math.Round(uni(rng, -30, 30)),
			HeightM:   math.Round(uni(rng, 0.5, 1.6)*10) / 10,
			DistanceM: math.Round(uni(rng, 2, 4)*10) / 10,
		},
		fps:  sc.fps[rng.IntN(len(sc.fps))],
		fill: uni(rng, 0.8, 0.95),
	}
	switch r := rng.Float64(); {
	case r < 0.5:
		fs.cam.Width, fs.cam.Height = 720, 1280
	case r < 0.8:
		fs.cam.Width, fs.cam.Height = 1280, 720
	default:
		fs.cam.Width, fs.cam.Height = 640, 480
	}
	if rng.Float64() < 0.65 {
		fs.jitter = uni(rng, 0.003, 0.01)
		fs.outliers = rng.Float64() < 0.5
	}
	if rng.Float64() < 0.35 {
		fs.sink = uni(rng, 0.05, 0.10)
	}
	fs.toeClip = rng.Float64() < 0.15
	fs.drift = rng.Float64() < 0.3
	fs.mirror = rng.Float64() < 0.25
	fs.dropouts = rng.Float64() < 0.3
	fs.world = rng.Float64() < 0.2
	if sc.singleRep {
		if rng.Float64() < 0.3 {
			fs.offStart = uni(rng, 0.05, 0.2)
		}
		if rng.Float64() < 0.3 {
			fs.offEnd = uni(rng, 0.05, 0.2)
		}
	} else if rng.Float64() < 0.25 {
		if rng.Float64() < 0.5 {
			fs.trimStart = uni(rng, 0.3, 0.7)
		} else {
			fs.trimEnd = uni(rng, 0.3, 0.7)
		}
	}
	return fs
}

// keypoint classes for noise: larger for ankles and feet, as pose models
// are least sure of them.
func noiseScale(name string) float64 {
	switch {
	case strings.HasSuffix(name, "_ankle"):
		return 1.5
	case strings.HasSuffix(name, "_heel"), strings.HasSuffix(name, "_foot_index"):
		return 1.5
	}
	return 1
}

func isFoot(name string) bool {
	return strings.HasSuffix(name, "_ankle") || strings.HasSuffix(name, "_heel") || strings.HasSuffix(name, "_foot_index")
}

// film makes one case from the scene with a randomly drawn filming.
func (sc *scene) film(rng *rand.Rand) (Case, error) {
	return sc.filmWith(drawFilm(rng, sc), rng)
}

// filmWith makes one case from the scene filmed as fs; rng draws the noise.
func (sc *scene) filmWith(fs filmSpec, rng *rand.Rand) (Case, error) {
	take, err := sc.take(fs.fps)
	if err != nil {
		return Case{}, err
	}
	sk, err := newSkeleton3D(take)
	if err != nil {
		return Case{}, err
	}
	if len(sk.time) != len(take.Frames) {
		return Case{}, fmt.Errorf("3D take has incomplete frames")
	}
	reps, _ := spansToReps(sc.spans, sk.time)
	frac := depthFractions(sk, reps)
	bf, err := track.EstimateBodyFrame(take)
	if err != nil {
		return Case{}, err
	}

	// Output keypoints: BlazePose names present in the take.
	var names []string
	var cols []int
	for _, n := range evalKeypoints {
		if i := take.Index(n); i >= 0 {
			names = append(names, n)
			cols = append(cols, i)
		}
	}
	n := len(take.Frames)
	local := make([][]vec, n)
	for i, f := range take.Frames {
		local[i] = make([]vec, len(cols))
		for j, c := range cols {
			fw, r, u := bf.Local(f.Points[c].World)
			local[i][j] = vec{X: fw, Y: r, Z: u}
		}
	}
	fs.cam.FocalPx = fitFocal(fs.cam, local, fs.fill)
	cam := fs.cam
	legPx := sc.legM * cam.FocalPx / cam.DistanceM
	W, H := float64(cam.Width), float64(cam.Height)

	out := &track.Track{Skeleton: track.SkeletonBlazePose33, Keypoints: append([]string(nil), names...)}
	for i := range take.Frames {
		f := track.Frame{Index: i, Time: take.Frames[i].Time, Points: make([]track.Point, len(cols))}
		for j := range cols {
			x, y, ok := cam.ProjectPoint(local[i][j].X, local[i][j].Y, local[i][j].Z)
			if !ok {
				return Case{}, fmt.Errorf("a keypoint is behind the camera")
			}
			f.Points[j] = track.Point{X: x, Y: y}
		}
		out.Frames = append(out.Frames, f)
	}
	var tags, perturb []string
	tag := func(token, sized string) {
		perturb = append(perturb, token)
		tags = append(tags, sized)
	}
	dt := 1 / fs.fps

	// Confidences: a pose model is never fully sure.
	for j, nm := range names {
		lo, hi := 0.85, 0.97
		if isFoot(nm) {
			lo, hi = 0.8, 0.92
		}
		base := uni(rng, lo, hi)
		for i := range out.Frames {
			out.Frames[i].Points[j].Conf = math.Min(math.Max(base+0.02*rng.NormFloat64(), 0.8), 0.99)
		}
	}
	// World positions, BlazePose style: hip-centred, camera-aligned, y down.
	if fs.world {
		_, xi, yi, zi := cam.Pose()
		ax := [3]vec{{X: xi[0], Y: xi[1], Z: xi[2]}, {X: yi[0], Y: yi[1], Z: yi[2]}, {X: zi[0], Y: zi[1], Z: zi[2]}}
		hl, hr := slices.Index(names, track.LeftHip), slices.Index(names, track.RightHip)
		for i := range out.Frames {
			mid := local[i][hl].Add(local[i][hr]).Scale(0.5)
			for j := range names {
				d := local[i][j].Sub(mid)
				p := &out.Frames[i].Points[j]
				p.World, p.HasWorld = vec{X: d.Dot(ax[0]), Y: d.Dot(ax[1]), Z: d.Dot(ax[2])}, true
			}
		}
		out.WorldUp = "-y"
		tag(PerturbWorld, PerturbWorld)
	}
	// Ankle sinking: the model's ankle, heel and toe drift down the picture
	// as the lifter goes down.
	if fs.sink > 0 {
		for j, nm := range names {
			if !isFoot(nm) {
				continue
			}
			for i := range out.Frames {
				out.Frames[i].Points[j].Y += fs.sink * legPx * frac[i]
			}
		}
		tag(PerturbAnkleSink, fmt.Sprintf("%s%.2f", PerturbAnkleSink, fs.sink))
	}
	// Jitter: AR(1) per keypoint and axis, correlation time 0.1 s.
	if fs.jitter > 0 {
		rho := math.Exp(-dt / 0.1)
		innov := math.Sqrt(1 - rho*rho)
		for j, nm := range names {
			sig := fs.jitter * noiseScale(nm) * legPx
			var ex, ey float64 = sig * rng.NormFloat64(), sig * rng.NormFloat64()
			for i := range out.Frames {
				if i > 0 {
					ex = rho*ex + innov*sig*rng.NormFloat64()
					ey = rho*ey + innov*sig*rng.NormFloat64()
				}
				p := &out.Frames[i].Points[j]
				p.X += ex
				p.Y += ey
				if p.HasWorld {
					p.World.X += ex / legPx * sc.legM
					p.World.Y += ey / legPx * sc.legM
				}
			}
		}
		tag(PerturbJitter, fmt.Sprintf("%s%.1f%%", PerturbJitter, 100*fs.jitter))
	}
	// Outliers: a keypoint jumps for one frame.
	if fs.outliers {
		k := 1 + rng.IntN(1+int(float64(n)*dt/4))
		for e := 0; e < k; e++ {
			i, j := rng.IntN(n), rng.IntN(len(names))
			a, m := rng.Float64()*2*math.Pi, uni(rng, 0.05, 0.10)*legPx
			p := &out.Frames[i].Points[j]
			p.X += m * math.Cos(a)
			p.Y += m * math.Sin(a)
		}
		tag(PerturbOutliers, fmt.Sprintf("%s%d", PerturbOutliers, k))
	}
	// Dropouts: a keypoint is barely seen for a few frames (occlusion,
	// blur); the model still reports a guess, a little off, at conf 0.2.
	if fs.dropouts {
		k := 1 + rng.IntN(3)
		for e := 0; e < k; e++ {
			j := rng.IntN(len(names))
			length := 2 + rng.IntN(4)
			i0 := rng.IntN(max(n-length, 1))
			a, m := rng.Float64()*2*math.Pi, uni(rng, 0.02, 0.06)*legPx
			for i := i0; i < i0+length && i < n; i++ {
				p := &out.Frames[i].Points[j]
				p.X += m * math.Cos(a)
				p.Y += m * math.Sin(a)
				p.Conf = 0.2
			}
		}
		tag(PerturbDropouts, fmt.Sprintf("%s%d", PerturbDropouts, k))
	}
	// Hand-held drift: the whole picture slowly translates, turns and zooms.
	if fs.drift {
		tx := smoothWalk(rng, n, uni(rng, 0.02, 0.05)*W)
		ty := smoothWalk(rng, n, uni(rng, 0.02, 0.05)*H)
		rot := smoothWalk(rng, n, uni(rng, 1, 3)*math.Pi/180)
		zoom := smoothWalk(rng, n, uni(rng, 0.02, 0.05))
		for i := range out.Frames {
			c, s := math.Cos(rot[i]), math.Sin(rot[i])
			for j := range names {
				p := &out.Frames[i].Points[j]
				x, y := p.X-W/2, p.Y-H/2
				z := 1 + zoom[i]
				p.X = W/2 + z*(c*x-s*y) + tx[i]
				p.Y = H/2 + z*(s*x+c*y) + ty[i]
			}
		}
		tag(PerturbDrift, PerturbDrift)
	}
	knee := sc.knee
	for s := range knee {
		knee[s].RepCaveDeg = append([]float64(nil), knee[s].RepCaveDeg...)
	}
	// Mirrored video: x flips, and the model names the sides by what it
	// sees, so the names (and the truth) swap too.
	if fs.mirror {
		for i := range out.Frames {
			for j := range names {
				p := &out.Frames[i].Points[j]
				p.X = W - p.X
				p.World.X = -p.World.X
			}
		}
		swapSides(out)
		// restore BlazePose order (left before right) by permuting points
		reorder(out, names)
		knee[0], knee[1] = knee[1], knee[0]
		cam.Mirror = true
		tag(PerturbMirror, PerturbMirror)
	}

	// Trimming and off-standing clips select the frames kept.
	first, last := 0, n-1
	t0, tEnd := take.Frames[0].Time, take.Frames[n-1].Time
	if len(sc.spans) > 0 {
		s0, s1 := sc.spans[0][0], sc.spans[len(sc.spans)-1][2]
		if fs.trimStart > 0 && t0+fs.trimStart < s0-0.1 {
			for first < n-1 && take.Frames[first].Time < t0+fs.trimStart {
				first++
			}
			tag(PerturbTrimStart, fmt.Sprintf("%s%.2fs", PerturbTrimStart, fs.trimStart))
		}
		if fs.trimEnd > 0 && tEnd-fs.trimEnd > s1+0.1 {
			for last > 0 && take.Frames[last].Time > tEnd-fs.trimEnd {
				last--
			}
			tag(PerturbTrimEnd, fmt.Sprintf("%s%.2fs", PerturbTrimEnd, fs.trimEnd))
		}
		if sc.singleRep && len(reps) == 1 && (fs.offStart > 0 || fs.offEnd > 0) {
			r := reps[0]
			if fs.offStart > 0 {
				first = r.start
				for first < r.bottom && frac[first] < fs.offStart {
					first++
				}
			}
			if fs.offEnd > 0 {
				last = r.end
				for last > r.bottom && frac[last] < fs.offEnd {
					last--
				}
			}
			tag(PerturbOffStanding, PerturbOffStanding)
		}
	}
	out.Frames = out.Frames[first : last+1]
	for i := range out.Frames {
		out.Frames[i].Index = i
		out.Frames[i].Time = float64(i) * dt
	}

	// Toes leaving the picture: the bottom edge is set between the ankles
	// and the toes; what falls below is clamped to the edge, uncertain.
	if fs.toeClip {
		if h, ok := clipFeet(rng, out, legPx); ok {
			H = float64(h)
			cam.Height = h
			tag(PerturbToeClip, PerturbToeClip)
		}
	}

	out.Video = track.Video{Width: cam.Width, Height: int(H), FPS: fs.fps, DurationS: float64(len(out.Frames)) * dt}
	out.FillNormalised()
	perturb = append(perturb, sc.perturb...)
	name := fmt.Sprintf("%s/yaw%+.0f/h%.1f/d%.1f/%dx%d/%gfps", sc.name, cam.YawDeg, cam.HeightM, cam.DistanceM,
		fs.cam.Width, fs.cam.Height, fs.fps)
	if len(tags) > 0 {
		name += "/" + strings.Join(tags, "/")
	}
	out.Video.Source = "evalset:" + name
	if err := out.Validate(); err != nil {
		return Case{}, err
	}
	return Case{
		Name: name, Source: sc.source, Movement: sc.movement, Track: out,
		Knee: knee, Reps: sc.reps, Perturb: perturb, Camera: cam,
	}, nil
}

// reorder permutes every frame's points so that the keypoints follow the
// order given (the same names, in another order).
func reorder(t *track.Track, order []string) {
	perm := make([]int, len(order))
	for j, n := range order {
		perm[j] = t.Index(n)
	}
	for i := range t.Frames {
		pts := make([]track.Point, len(order))
		for j, k := range perm {
			pts[j] = t.Frames[i].Points[k]
		}
		t.Frames[i].Points = pts
	}
	t.Keypoints = append([]string(nil), order...)
}

// fitFocal chooses the focal length: the camera's default (a 60 degree
// vertical field of view) unless the lifter would not fit, in which case a
// wider lens (as a phone's user zooms out or switches lens) so that the
// feet sit at fill of the lower half-picture and the head, 0.2 m above the
// highest keypoint, inside the upper half.
func fitFocal(cam track.Camera, local [][]vec, fill float64) float64 {
	def := float64(cam.Height) / 2 / math.Tan(30*math.Pi/180)
	centre, xi, yi, zi := cam.Pose()
	c := vec{X: centre[0], Y: centre[1], Z: centre[2]}
	ax := [3]vec{{X: xi[0], Y: xi[1], Z: xi[2]}, {X: yi[0], Y: yi[1], Z: yi[2]}, {X: zi[0], Y: zi[1], Z: zi[2]}}
	var down, up, side float64
	for _, fr := range local {
		for _, p := range fr {
			for _, q := range []vec{p, p.Add(vec{Z: 0.2})} {
				d := q.Sub(c)
				z := d.Dot(ax[2])
				y, x := d.Dot(ax[1])/z, math.Abs(d.Dot(ax[0])/z)
				down = math.Max(down, y)
				up = math.Max(up, -y)
				side = math.Max(side, x)
			}
		}
	}
	f := def
	if down > 0 {
		f = math.Min(f, fill*float64(cam.Height)/2/down)
	}
	if up > 0 {
		f = math.Min(f, 0.95*float64(cam.Height)/2/up)
	}
	if side > 0 {
		f = math.Min(f, 0.95*float64(cam.Width)/2/side)
	}
	return f
}

// smoothWalk returns a slow random walk of n steps starting at 0 whose
// largest excursion is amp: integrated, damped white noise.
func smoothWalk(rng *rand.Rand, n int, amp float64) []float64 {
	w := make([]float64, n)
	v, x, m := 0.0, 0.0, 0.0
	for i := range w {
		v = 0.95*v + rng.NormFloat64()
		x += v
		w[i] = x
		m = math.Max(m, math.Abs(x))
	}
	if m > 0 {
		for i := range w {
			w[i] *= amp / m
		}
	}
	return w
}

// clipFeet sets the picture's bottom edge between the ankles and the toes
// and clamps the foot points below it to the edge with low confidence and
// a random sideways offset, as a pose model extrapolating off-picture
// points does. It returns the new picture height.
func clipFeet(rng *rand.Rand, t *track.Track, legPx float64) (int, bool) {
	var ank, toe []float64
	for _, f := range t.Frames {
		for j, nm := range t.Keypoints {
			switch {
			case strings.HasSuffix(nm, "_ankle"):
				ank = append(ank, f.Points[j].Y)
			case strings.HasSuffix(nm, "_foot_index"):
				toe = append(toe, f.Points[j].Y)
			}
		}
	}
	if len(ank) == 0 || len(toe) == 0 {
		return 0, false
	}
	a, tm := percentile(ank, 0.95), percentile(toe, 0.5)
	cut := a + 1
	if tm > a+2 {
		cut = a + 0.3*(tm-a)
	}
	h := int(math.Ceil(cut))
	if h < 10 {
		return 0, false
	}
	edge := float64(h)
	for i := range t.Frames {
		for j, nm := range t.Keypoints {
			p := &t.Frames[i].Points[j]
			if !isFoot(nm) || p.Y < edge-2.5 {
				continue
			}
			p.Y = edge - uni(rng, 0.5, 2.5)
			p.X += 0.04 * legPx * rng.NormFloat64()
			p.Conf = uni(rng, 0.1, 0.4)
		}
	}
	return h, true
}

package overlay

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/video"
	"github.com/kneetrack/kneetrack/internal/words"
)

var grey = color.RGBA{128, 128, 128, 255}

func filled(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

func at(img *image.RGBA, p body.Point) color.RGBA {
	return img.RGBAAt(int(math.Floor(p.X)), int(math.Floor(p.Y)))
}

func newRenderer(t *testing.T) *Renderer {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The hip-knee-ankle lines are drawn in the class colour exactly where the
// keypoints are, and nothing is drawn far from them.
func TestDrawLegLinesAtKeypoints(t *testing.T) {
	r := newRenderer(t)
	img := filled(400, 600, grey)
	sc := Scene{}
	sc.Legs[0] = &Leg{Hip: body.Point{X: 250, Y: 200}, Knee: body.Point{X: 240, Y: 330}, Ankle: body.Point{X: 262, Y: 460}, Class: ClassModerate, Label: "9° in"}
	sc.Legs[1] = &Leg{Hip: body.Point{X: 150, Y: 200}, Knee: body.Point{X: 168, Y: 330}, Ankle: body.Point{X: 142, Y: 460}, Class: ClassNone, Label: "3° out"}
	sc.Bones = [][2]body.Point{{{X: 150, Y: 200}, {X: 250, Y: 200}}}
	sc.Panel = []PanelLine{{Text: "Rep 2 / 5", Big: true}, {Text: "bottom"}}
	r.Draw(img, sc, Style{})

	if w := LegWidth(400, 600, Style{}); math.Abs(w-4*400.0/360) > 1e-9 {
		t.Fatalf("leg width %v, want 4 units of 400/360 px", w)
	}
	for s, l := range sc.Legs {
		want := l.Class.Colour()
		for _, seg := range [][2]body.Point{{l.Hip, l.Knee}, {l.Knee, l.Ankle}} {
			for _, u := range []float64{0.3, 0.5, 0.7} {
				p := lerpPt(seg[0], seg[1], u)
				if got := at(img, p); got != want {
					t.Errorf("leg %d at %.0f,%.0f: colour %v, want %v (%s)", s, p.X, p.Y, got, want, l.Class)
				}
			}
		}
		// 12 px to the inner side of the thigh's middle: untouched.
		m := lerpPt(l.Hip, l.Knee, 0.5)
		inner := body.Point{X: m.X - 12*lateralDir(sc, s), Y: m.Y}
		if got := at(img, inner); got != grey {
			t.Errorf("leg %d: pixel %.0f,%.0f beside the line is %v, want the background", s, inner.X, inner.Y, got)
		}
	}
	// Each label sits on a pill of its class colour on the knee's outer side.
	for s, l := range sc.Legs {
		dir := lateralDir(sc, s)
		count := 0
		for dx := 8.0; dx < 70; dx++ {
			if at(img, body.Point{X: l.Knee.X + dir*dx, Y: l.Knee.Y - 5}) == l.Class.Colour() {
				count++
			}
		}
		if count < 8 {
			t.Errorf("leg %d: only %d label pixels of its colour beside the knee", s, count)
		}
	}
	if lateralDir(sc, 0) != 1 || lateralDir(sc, 1) != -1 {
		t.Errorf("outer sides %v %v, want +1 for the leg on the picture's right", lateralDir(sc, 0), lateralDir(sc, 1))
	}
	// The panel darkens the top-left corner.
	if got := img.RGBAAt(14, 14); got.R > 100 {
		t.Errorf("panel pixel %v, want dark", got)
	}
	// A shape outside the picture is clipped, not a crash.
	r.Draw(img, Scene{Bones: [][2]body.Point{{{X: -50, Y: -50}, {X: -10, Y: -10}}, {{X: math.NaN(), Y: 0}, {X: 1, Y: 1}}}}, Style{})
}

func analyse(t testing.TB, tr *track.Track) *valgus.SetResult {
	t.Helper()
	set, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !set.Analysed {
		t.Fatalf("synthetic set not analysed: %v", set.Notes)
	}
	return set
}

func frameAt(set *valgus.SetResult, tm float64) valgus.FrameMetrics {
	best := 0
	for i, f := range set.Frames {
		if math.Abs(f.Time-tm) < math.Abs(set.Frames[best].Time-tm) {
			best = i
		}
	}
	return set.Frames[best]
}

func TestSceneAtSynthetic(t *testing.T) {
	// The synthetic lifter pushes its knees out 10°: the left knee is
	// turned back to straight ahead, the right one 20° past it.
	l := sim.StickSet{Reps: 3, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{30}}
	tr := overlaytest.Track(t, l, 720, 1280)
	set := analyse(t, tr)
	ann, err := NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Reps) != 3 {
		t.Fatalf("%d reps, want 3", len(set.Reps))
	}
	bottom := set.Reps[1].BottomS
	sc, ok := ann.SceneAt(bottom)
	if !ok {
		t.Fatal("no scene at the bottom of rep 2")
	}
	// The drawn joints are the track's (smoothing moves exact synthetic
	// data by a fraction of a pixel).
	fr := tr.Frames[int(math.Round(bottom*30))]
	for s, names := range legNames {
		for j, got := range []body.Point{sc.Legs[s].Hip, sc.Legs[s].Knee, sc.Legs[s].Ankle} {
			p := fr.Points[tr.Index(names[j])]
			if d := math.Hypot(got.X-p.X, got.Y-p.Y); d > 1.5 {
				t.Errorf("%s drawn %.1f px from the track", names[j], d)
			}
		}
	}
	m := frameAt(set, bottom)
	if want := words.GradedAngle(m.Side[1].GradedDeg); sc.Legs[1].Label != want || !strings.HasSuffix(want, " in") {
		t.Errorf("right label %q, want the analysis's graded measure %q, reading in", sc.Legs[1].Label, want)
	}
	if want := words.RepGrade(2, set.Reps[1].Side[1].Severity); sc.Legs[1].Grade != want {
		t.Errorf("right grade %q, want %q", sc.Legs[1].Grade, want)
	}
	if sc.Legs[1].Class < ClassModerate || sc.Legs[0].Class != ClassNone {
		t.Errorf("classes left %v right %v, want none and at least moderate (right knee turned in 20° past straight)", sc.Legs[0].Class, sc.Legs[1].Class)
	}
	if sc.Panel[0].Text != "Rep 2 / 3" || sc.Panel[1].Text != "bottom" {
		t.Errorf("panel %q %q, want rep 2 / 3 at the bottom", sc.Panel[0].Text, sc.Panel[1].Text)
	}
	sc, _ = ann.SceneAt(0.2)
	if sc.Panel[0].Text != "Rep 0 / 3" || sc.Panel[1].Text != "standing" || sc.Legs[1].Class != ClassNone {
		t.Errorf("before the first rep: %q %q class %v", sc.Panel[0].Text, sc.Panel[1].Text, sc.Legs[1].Class)
	}
	if _, ok := ann.SceneAt(1000); ok {
		t.Error("a scene long after the track ends")
	}

	key, err := ann.KeyScene(2)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 2; s++ {
		if want := ClassOf(set.Reps[2].Side[s].Severity); key.Legs[s].Class != want {
			t.Errorf("key frame leg %d class %v, want the rep's %v", s, key.Legs[s].Class, want)
		}
	}
	if _, err := ann.KeyScene(3); err == nil {
		t.Error("key scene of a rep that does not exist")
	}

	// Key frame on a plain background: lines where the keypoints are.
	r := newRenderer(t)
	img, xf := r.Still(nil, 720, 1280, key, StillOptions{MaxSide: 600})
	b := img.Bounds()
	if max(b.Dx(), b.Dy()) != 600 {
		t.Fatalf("still %v, want its longer side 600", b)
	}
	for s, lg := range key.Legs {
		for _, seg := range [][2]body.Point{{lg.Hip, lg.Knee}, {lg.Knee, lg.Ankle}} {
			p := xf.Apply(lerpPt(seg[0], seg[1], 0.5))
			if got := at(img, p); got != lg.Class.Colour() {
				t.Errorf("still, leg %d at %.0f,%.0f: %v, want %v", s, p.X, p.Y, got, lg.Class.Colour())
			}
		}
	}
	if got := img.RGBAAt(b.Dx()-1, 0); got != plainBackground {
		t.Errorf("still corner %v, want the plain background", got)
	}
}

func TestFrameLifter(t *testing.T) {
	pts := []body.Point{{X: 300, Y: 400}, {X: 340, Y: 900}, {X: 320, Y: 650}}
	r := frameLifter(pts, 720, 1280, 0.1)
	if !(r.Min.X <= 300 && r.Max.X >= 340 && r.Min.Y <= 400 && r.Max.Y >= 900) {
		t.Fatalf("crop %v misses the points", r)
	}
	if float64(r.Dx()) < 0.6*float64(r.Dy())-1 {
		t.Fatalf("crop %v narrower than 3:5", r)
	}
	// Near the picture's edge the crop shifts inside.
	r = frameLifter([]body.Point{{X: 5, Y: 10}, {X: 30, Y: 300}}, 200, 320, 0.1)
	if !r.In(image.Rect(0, 0, 200, 320)) || r.Min.X != 0 {
		t.Fatalf("edge crop %v", r)
	}
}

func ffprobeStream(t *testing.T, path string) (frames, w, h int, dur float64) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height,duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var v struct {
		Streams []struct {
			Frames   string `json:"nb_read_frames"`
			Width    int    `json:"width"`
			Height   int    `json:"height"`
			Duration string `json:"duration"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &v); err != nil || len(v.Streams) != 1 {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	s := v.Streams[0]
	frames, _ = strconv.Atoi(s.Frames)
	dur, _ = strconv.ParseFloat(s.Duration, 64)
	return frames, s.Width, s.Height, dur
}

func colourDist(a, b color.RGBA) int {
	d := func(x, y uint8) int { return int(math.Abs(float64(x) - float64(y))) }
	return d(a.R, b.R) + d(a.G, b.G) + d(a.B, b.B)
}

// The annotated video keeps the input's frame count, duration and size, and
// the knee lines are drawn where the keypoints are.
func TestRenderVideo(t *testing.T) {
	dir := t.TempDir()
	clip := overlaytest.Make(t, dir, sim.StickSet{Reps: 2, RightValgusDeg: []float64{20}}, 360, 640)
	set := analyse(t, clip.Track)
	ann, err := NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "annotated.mp4")
	if _, err := RenderVideo(context.Background(), clip.Video, out, ann, VideoOptions{}); err != nil {
		t.Fatal(err)
	}
	inFrames, inW, inH, inDur := ffprobeStream(t, clip.Video)
	frames, w, h, dur := ffprobeStream(t, out)
	if frames != inFrames || frames != len(clip.Track.Frames) || w != inW || h != inH || math.Abs(dur-inDur) > 1e-3 {
		t.Fatalf("annotated %d frames %dx%d %.4f s; input %d frames %dx%d %.4f s", frames, w, h, dur, inFrames, inW, inH, inDur)
	}

	bottom := set.Reps[1].BottomS
	frames2, _, err := GrabFrames(context.Background(), out, []float64{bottom})
	if err != nil {
		t.Fatal(err)
	}
	orig, _, err := GrabFrames(context.Background(), clip.Video, []float64{bottom})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := ann.SceneAt(bottom)
	for s, l := range sc.Legs {
		want := l.Class.Colour()
		for _, seg := range [][2]body.Point{{l.Hip, l.Knee}, {l.Knee, l.Ankle}} {
			p := lerpPt(seg[0], seg[1], 0.5)
			got, before := at(frames2[0], p), at(orig[0], p)
			// H.264 (4:2:0) softens a 4-pixel line's colour; the pattern
			// underneath differs far more.
			if colourDist(got, want) > 90 || colourDist(before, want) < colourDist(got, want)+60 {
				t.Errorf("leg %d at %.0f,%.0f: %v in the output, %v before, want near %v", s, p.X, p.Y, got, before, want)
			}
		}
	}

	// A video of another shape is refused before anything is written.
	info := &video.Info{Path: "other.mp4", Width: 640, Height: 360, Duration: 10}
	if _, err := ann.Match(info); err == nil {
		t.Error("a landscape video accepted for a portrait track")
	}
	info = &video.Info{Path: "short.mp4", Width: 720, Height: 1280, Duration: 2}
	if tr, err := ann.Match(info); err == nil {
		t.Error("a 2 s video accepted for a longer track")
	} else if tr.Scale != 2 {
		t.Errorf("scale %v for a video twice the track's size, want 2", tr.Scale)
	}
}

// TestEndOnThighShowsGraded: where the thigh is seen end on with the knee
// pushed out (the bottom of a deep squat from hip height) the FPPA reads
// far "out" and is unreliable; the pictures write the graded measure (the
// cave angle, which that does not blow up), as the rep table does, never
// that FPPA.
func TestEndOnThighShowsGraded(t *testing.T) {
	tr := overlaytest.Track(t, sim.StickSet{Reps: 3}, 720, 1280)
	hipL, hipR, kneeL := tr.Index(track.LeftHip), tr.Index(track.RightHip), tr.Index(track.LeftKnee)
	f0 := tr.Frames[0].Points
	thigh := math.Hypot(f0[kneeL].X-f0[hipL].X, f0[kneeL].Y-f0[hipL].Y)
	plain := analyse(t, tr)
	bottom := plain.Reps[1].BottomS
	// Around rep 2's bottom (wider than the smoothing's reach), the left
	// knee 0.45 thigh lengths out to the side of the hip and 0.1 below it.
	for i := range tr.Frames {
		if math.Abs(tr.Frames[i].Time-bottom) > 0.4 {
			continue
		}
		p := tr.Frames[i].Points
		out := math.Copysign(1, p[hipL].X-p[hipR].X)
		p[kneeL].X, p[kneeL].Y = p[hipL].X+out*0.45*thigh, p[hipL].Y+0.1*thigh
	}
	set := analyse(t, tr)
	ann, err := NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := ann.SceneAt(bottom)
	if !ok {
		t.Fatal("no scene at the bottom of rep 2")
	}
	m := frameAt(set, bottom)
	left := m.Side[0]
	if left.FPPAReliable || !(left.FPPA < -60) {
		t.Fatalf("analysis at the bottom: left FPPA %.1f reliable %v; want it beyond -60 and unreliable", left.FPPA, left.FPPAReliable)
	}
	want := words.GradedAngle(left.GradedDeg)
	if math.IsNaN(left.GradedDeg) {
		want = words.KneeStraight
	}
	if l := sc.Legs[0].Label; l != want || strings.Contains(l, "out") {
		t.Errorf("left knee drawn %q; want the graded measure %q, not the FPPA %.0f° out", l, want, -left.FPPA)
	}
	key, err := ann.KeyScene(1)
	if err != nil {
		t.Fatal(err)
	}
	if l := key.Legs[0].Label; strings.Contains(l, "out") || l == "" {
		t.Errorf("key frame of rep 2: left knee %q; want the graded measure, not the FPPA", l)
	}
}

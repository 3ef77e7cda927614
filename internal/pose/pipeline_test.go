package pose

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

// requireModels skips (or fails under CI) unless ffmpeg and the models the
// pipeline needs are present.
func requireModels(t *testing.T, landmark string) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "install it with: sudo apt-get install ffmpeg")
		}
	}
	testenv.ModelFiles(t, detectorModel)
	testenv.ModelFiles(t, landmark)
}

func ffmpeg(t *testing.T, args ...string) {
	t.Helper()
	full := append([]string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}, args...)
	if out, err := exec.Command("ffmpeg", full...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// legNames are the keypoints the analysis cannot do without.
var legNames = []string{track.LeftHip, track.RightHip, track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle}

// frontViewChecks asserts what must hold for a tracked front-view clip:
//   - the person found in at least 95% of the processed frames;
//   - hips, knees and ankles each with confidence ≥ 0.5 in at least 95%
//     (or the lower share given in lower, for a foot held in the air);
//   - in standing frames (hips at least 90% of their highest above the
//     ankles) hips above knees above ankles on both sides, and the
//     person's left on the image's right (they face the camera);
//   - no identity jump: the hip centre never moves more than one torso
//     length between consecutive processed frames.
func frontViewChecks(t *testing.T, res *Result, lower map[string]float64) {
	t.Helper()
	tr := res.Track
	n := len(tr.Frames)
	if n == 0 {
		t.Fatal("empty track")
	}
	if st := res.Stats; float64(st.Tracked) < 0.95*float64(st.Processed) {
		t.Errorf("person found in %d of %d frames, want ≥ 95%%", st.Tracked, st.Processed)
	}
	idx := map[string]int{}
	for _, name := range append(slices.Clone(legNames), track.LeftShoulder, track.RightShoulder) {
		idx[name] = tr.Index(name)
	}
	for _, name := range legNames {
		good := 0
		for _, f := range tr.Frames {
			if p := f.Points[idx[name]]; p.Valid() && p.Conf >= 0.5 {
				good++
			}
		}
		want := 0.95
		if l, ok := lower[name]; ok {
			want = l
		}
		if float64(good) < want*float64(n) {
			t.Errorf("%s with confidence ≥ 0.5 in %d of %d frames, want ≥ %.0f%%", name, good, n, 100*want)
		}
	}
	pt := func(f track.Frame, name string) (track.Point, bool) {
		p := f.Points[idx[name]]
		return p, p.Valid() && p.Conf >= 0.5
	}
	// Standing frames.
	height := make([]float64, n)
	maxH := 0.0
	for i, f := range tr.Frames {
		lh, ok1 := pt(f, track.LeftHip)
		rh, ok2 := pt(f, track.RightHip)
		la, ok3 := pt(f, track.LeftAnkle)
		ra, ok4 := pt(f, track.RightAnkle)
		if ok1 && ok2 && ok3 && ok4 {
			height[i] = (la.Y+ra.Y)/2 - (lh.Y+rh.Y)/2
			maxH = math.Max(maxH, height[i])
		}
	}
	standing, bad := 0, 0
	var problems []string
	for i, f := range tr.Frames {
		if height[i] < 0.9*maxH {
			continue
		}
		standing++
		ok := true
		for _, side := range []string{"left", "right"} {
			h, _ := pt(f, side+"_hip")
			k, okK := pt(f, side+"_knee")
			a, _ := pt(f, side+"_ankle")
			if !okK || !(h.Y < k.Y && k.Y < a.Y) {
				ok = false
				problems = append(problems, fmt.Sprintf("%.2f s: %s hip/knee/ankle y %.0f/%.0f/%.0f", f.Time, side, h.Y, k.Y, a.Y))
			}
		}
		for _, part := range []string{"hip", "ankle"} {
			l, _ := pt(f, "left_"+part)
			r, _ := pt(f, "right_"+part)
			if !(l.X > r.X) {
				ok = false
				problems = append(problems, fmt.Sprintf("%.2f s: left %s x %.0f not right of right %s x %.0f", f.Time, part, l.X, part, r.X))
			}
		}
		if !ok {
			bad++
		}
	}
	if standing < 3 || bad > 0 {
		t.Errorf("%d standing frames, %d with the body out of order: %v", standing, bad, first(problems, 6))
	}
	// Identity: hip centre steps.
	var torsos []float64
	for _, f := range tr.Frames {
		ls, ok1 := pt(f, track.LeftShoulder)
		rs, ok2 := pt(f, track.RightShoulder)
		lh, ok3 := pt(f, track.LeftHip)
		rh, ok4 := pt(f, track.RightHip)
		if ok1 && ok2 && ok3 && ok4 {
			torsos = append(torsos, math.Hypot((ls.X+rs.X-lh.X-rh.X)/2, (ls.Y+rs.Y-lh.Y-rh.Y)/2))
		}
	}
	torso := median(torsos)
	var prev *track.Frame
	worst := 0.0
	for i := range tr.Frames {
		f := &tr.Frames[i]
		lh, ok1 := pt(*f, track.LeftHip)
		rh, ok2 := pt(*f, track.RightHip)
		if !ok1 || !ok2 {
			continue
		}
		if prev != nil {
			plh, _ := pt(*prev, track.LeftHip)
			prh, _ := pt(*prev, track.RightHip)
			worst = math.Max(worst, math.Hypot((lh.X+rh.X-plh.X-prh.X)/2, (lh.Y+rh.Y-plh.Y-prh.Y)/2))
		}
		prev = f
	}
	if !(torso > 0) || worst > torso {
		t.Errorf("hip centre moved up to %.0f px between processed frames, torso %.0f px: an identity jump", worst, torso)
	}
	t.Logf("%d frames (%d standing), %.0f ms per frame in the models, worst hip step %.0f px (torso %.0f), swaps %d, filled %d, people %d",
		n, standing, res.Stats.MsPerFrame(), worst, torso, len(res.Clean.Swaps), res.Clean.FilledPoints, len(res.People))
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestFrontViewClips tracks every front-view clip of the shared media with
// BlazePose full, processing one frame in a few to bound the test's time
// (about 60 to 120 frames per clip), and checks each with frontViewChecks.
// The overlay clip has a skeleton and text drawn on it already.
func TestFrontViewClips(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	clips := []struct {
		file  string
		every int
		lower map[string]float64
	}{
		{"goblet-squat-front.mp4", 6, nil},
		{"bodyweight-squat-front-overlay.mp4", 4, nil},
		{"side-lunge-front.mp4", 8, nil},
		{"squat-hands-behind-head-front-60fps.mp4", 9, nil},
		// The right foot hangs in the air, toes down, for the whole clip:
		// BlazePose places the ankle right (checked by eye at 3.6 s) but
		// gives it a visibility of 0.25-0.5 in the deepest frames.
		{"single-leg-squat-front.mp4", 4, map[string]float64{track.RightAnkle: 0.8}},
		{"single-leg-squat-alternating-front.mp4", 6, nil},
		{"single-leg-squat-mixed-portrait.mp4", 8, nil},
	}
	for _, c := range clips {
		t.Run(strings.TrimSuffix(c.file, ".mp4"), func(t *testing.T) {
			path := testenv.SharedFile(t, "media/"+c.file)
			start := time.Now()
			res, err := Run(context.Background(), path, Options{Every: c.every})
			if err != nil {
				t.Fatal(err)
			}
			frontViewChecks(t, res, c.lower)
			if res.Person.ID == 0 || res.Person.ID != res.People[0].ID {
				t.Errorf("followed person %d, want the likeliest lifter %d", res.Person.ID, res.People[0].ID)
			}
			t.Logf("%s: %.1f s", c.file, time.Since(start).Seconds())
		})
	}
}

// TestKnownFrame checks BlazePose's landmarks on one goblet-squat frame
// against positions read off the picture by eye (frame 100, the bottom of
// a squat): within 15 px.
func TestKnownFrame(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	path := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	im := decodeFrame(t, path, 100)
	fd, err := newFinder(Options{Model: ModelBlazePoseFull, ModelsDir: modelsDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer fd.close()
	people, err := fd.find(context.Background(), im, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 1 {
		t.Fatalf("%d people found, want 1", len(people))
	}
	p := people[0].pose
	want := map[string][2]float64{
		track.LeftHip: {679, 521}, track.RightHip: {619, 520},
		track.LeftKnee: {721, 505}, track.RightKnee: {574, 503},
		track.LeftAnkle: {713, 618}, track.RightAnkle: {583, 616},
		track.LeftFootIndex: {730, 656}, track.RightFootIndex: {566, 657},
	}
	names := track.BlazePose33().Keypoints
	for i, name := range names {
		w, ok := want[name]
		if !ok {
			continue
		}
		k := p.Keypoints[i]
		if d := math.Hypot(k.X-w[0], k.Y-w[1]); d > 15 || k.Visibility < 0.8 {
			t.Errorf("%s at (%.0f, %.0f) visibility %.2f, want near (%.0f, %.0f)", name, k.X, k.Y, k.Visibility, w[0], w[1])
		}
	}
	// World landmarks: metres, hips about 0.2-0.3 m apart, knees below
	// the hips (y down) and in front of them (deep squat: z smaller).
	lh, rh := p.Keypoints[23].World, p.Keypoints[24].World
	if d := lh.Sub(rh).Norm(); d < 0.15 || d > 0.4 {
		t.Errorf("world hips %.2f m apart, want 0.15-0.4", d)
	}
}

func modelsDir(t testing.TB) string {
	jsonPath, _ := testenv.ModelFiles(t, ModelBlazePoseFull)
	return filepath.Dir(jsonPath)
}

// decodeFrame returns one frame of a video.
func decodeFrame(t testing.TB, path string, index int) Image {
	t.Helper()
	dec, err := video.Decode(context.Background(), path, video.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	for f, err := range dec.All() {
		if err != nil {
			t.Fatal(err)
		}
		if f.Index == index {
			c := f.Clone()
			return Image{Pix: c.Pix, W: c.Width, H: c.Height}
		}
	}
	t.Fatalf("%s has no frame %d", path, index)
	return Image{}
}

// TestMoveNet tracks the goblet clip with MoveNet lightning: 17 keypoints,
// no feet, the same checks on hips, knees and ankles.
func TestMoveNet(t *testing.T) {
	requireModels(t, ModelMoveNetLightning)
	path := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	res, err := Run(context.Background(), path, Options{Model: ModelMoveNetLightning, Every: 6})
	if err != nil {
		t.Fatal(err)
	}
	if res.Track.Skeleton != track.SkeletonCOCO17 || res.Track.HasFeet() || res.Track.HasWorld() {
		t.Errorf("skeleton %s (feet %v, world %v), want coco17 without feet or world", res.Track.Skeleton, res.Track.HasFeet(), res.Track.HasWorld())
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "no heel or toe") {
		t.Errorf("notes %q, want one saying foot measures are unavailable", res.Notes)
	}
	frontViewChecks(t, res, nil)
}

// TestRotatedVideo makes a phone-style clip (frames stored turned a quarter
// turn, with a display matrix that turns them upright) from the first 3 s
// of the goblet clip and checks the track is upright, sized as displayed,
// and where the unrotated clip's track is.
func TestRotatedVideo(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	dir := t.TempDir()
	stored := filepath.Join(dir, "stored.mp4")
	rotated := filepath.Join(dir, "rotated.mp4")
	ffmpeg(t, "-t", "3", "-i", src, "-an", "-vf", "transpose=2", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", stored)
	// A display matrix turning 90° clockwise (ffmpeg 5.1 takes it as a
	// counter-clockwise "rotate" value; 6+ has -display_rotation).
	if err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-display_rotation:v:0", "270", "-i", stored, "-c", "copy", rotated).Run(); err != nil {
		ffmpeg(t, "-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=270", rotated)
	}
	ctx := context.Background()
	info, err := video.Probe(ctx, rotated)
	if err != nil {
		t.Fatal(err)
	}
	if info.Rotation != 90 || info.Width != 1280 || info.Height != 720 {
		t.Fatalf("test clip: rotation %d, displayed %dx%d; want 90 and 1280x720", info.Rotation, info.Width, info.Height)
	}
	res, err := Run(ctx, rotated, Options{Every: 6})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Track.Video; v.Rotation != 90 || v.Width != 1280 || v.Height != 720 {
		t.Errorf("track video %+v, want rotation 90 and 1280x720", v)
	}
	frontViewChecks(t, res, nil)
	ref, err := Run(ctx, src, Options{Every: 6, MaxTime: 3})
	if err != nil {
		t.Fatal(err)
	}
	var diffs []float64
	for i, f := range res.Track.Frames {
		if i >= len(ref.Track.Frames) || ref.Track.Frames[i].Index != f.Index {
			break
		}
		for _, name := range legNames {
			k := res.Track.Index(name)
			a, b := f.Points[k], ref.Track.Frames[i].Points[k]
			diffs = append(diffs, math.Hypot(a.X-b.X, a.Y-b.Y))
		}
	}
	if len(diffs) < 30 || median(diffs) > 4 || slices.Max(diffs) > 20 {
		t.Errorf("rotated vs original: %d points compared, median %.1f px, worst %.1f px; want ≥ 30, ≤ 4, ≤ 20",
			len(diffs), median(diffs), slices.Max(diffs))
	}
}

// TestVariableFrameRate makes a clip at 30 fps for 1.5 s then 15 fps and
// checks that the track keeps each frame's true timestamp, raw and
// cleaned.
func TestVariableFrameRate(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	vfr := filepath.Join(t.TempDir(), "vfr.mp4")
	ffmpeg(t, "-t", "3", "-i", src, "-an", "-vf", `select='lt(t\,1.5)+not(mod(n\,2))'`, "-fps_mode", "passthrough",
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", vfr)
	ctx := context.Background()
	var times []float64
	dec, err := video.Decode(ctx, vfr, video.DecodeOptions{MaxSide: 64})
	if err != nil {
		t.Fatal(err)
	}
	for f, err := range dec.All() {
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, f.Time)
	}
	dec.Close()
	res, err := Run(ctx, vfr, Options{Every: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []*track.Track{res.Raw, res.Track} {
		if len(tr.Frames) != (len(times)+1)/2 {
			t.Fatalf("%d frames, want %d (one in two of %d)", len(tr.Frames), (len(times)+1)/2, len(times))
		}
		for i, f := range tr.Frames {
			if f.Index != 2*i || f.Time != times[2*i] {
				t.Fatalf("frame %d: index %d time %.6f, want %d at %.6f", i, f.Index, f.Time, 2*i, times[2*i])
			}
		}
	}
	// The steps show the change of rate: 2/30 s, then 2/15 s.
	fr := res.Track.Frames
	if d0, d1 := fr[1].Time-fr[0].Time, fr[len(fr)-1].Time-fr[len(fr)-2].Time; !near(d0, 2.0/30, 0.002) || !near(d1, 2.0/15, 0.002) {
		t.Errorf("frame steps %.4f s then %.4f s, want 1/15 then 2/15", d0, d1)
	}
	frontViewChecks(t, res, nil)
}

// TestNoPersonAndFeetOut checks the clear errors for a video without
// anybody and for one where the feet are cut off.
func TestNoPersonAndFeetOut(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size=640x360:rate=10", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", empty)
	_, err := Run(context.Background(), empty, Options{ScanSamples: 2})
	if !errors.Is(err, ErrNoPerson) || !strings.Contains(err.Error(), "film the whole body") {
		t.Errorf("empty video: %v, want ErrNoPerson with advice", err)
	}
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	cut := filepath.Join(dir, "cut.mp4")
	ffmpeg(t, "-t", "1", "-i", src, "-an", "-vf", "crop=1280:500:0:0", "-c:v", "libx264", "-preset", "ultrafast", cut)
	_, err = Run(context.Background(), cut, Options{Every: 5, ScanSamples: 2})
	if !errors.Is(err, ErrFeetOutOfFrame) || !strings.Contains(err.Error(), "--allow-feet-out") {
		t.Errorf("feet cut off: %v, want ErrFeetOutOfFrame naming --allow-feet-out", err)
	}
	res, err := Run(context.Background(), cut, Options{Every: 5, ScanSamples: 2, AllowFeetOut: true})
	if err != nil || res.Stats.Tracked == 0 {
		t.Errorf("feet cut off, allowed: %v", err)
	}
	sound := filepath.Join(dir, "sound.m4a")
	ffmpeg(t, "-f", "lavfi", "-i", "sine=duration=1", sound)
	if _, err := Run(context.Background(), sound, Options{}); !errors.Is(err, video.ErrNoVideoStream) {
		t.Errorf("audio-only file: %v, want video.ErrNoVideoStream", err)
	}
}

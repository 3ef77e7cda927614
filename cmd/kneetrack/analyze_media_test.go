package main

// `kneetrack analyze` on the real clips of ../shared/media.
//
// Tracking a clip costs 10-25 s on a 2-core machine, so each clip is tracked
// once per test binary (mediaTrack, a sync.Once per clip) and its track is
// shared by every test that needs it. The goblet clip is tracked by the
// command itself (`analyze VIDEO --save-track --report --video`, the
// end-to-end path); the others through pose.Run. Long clips above 25 frames
// per second are tracked at a reduced rate: every third frame of the 60 fps
// clip (20 fps) and of the lateral-lunge clip (10 fps, only its movement
// matters), every second frame of the 30 fps portrait clip and the 25 fps
// alternating one (15 and 12.5 fps, still above twice the 6 Hz smoothing
// cut-off). The rep counts, movements and standing legs were checked to come
// out the same as at the full rate.
//
// The expected rep counts were read off the frames by eye, from contact
// sheets made with
//
//	ffmpeg -i CLIP -vf "fps=3,scale=-1:300,drawtext=text='%{pts\:flt}':x=2:y=2:fontcolor=yellow,tile=15x2" sheet%d.png
//
// counting the lowest points of the hips (and, for single-leg squats, which
// foot stays on the floor).

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

// mediaClip is a shared clip and what it shows, counted by eye.
type mediaClip struct {
	file  string
	every int // track one frame in every
	// reps: full reps seen; partial: reps cut by the start or end.
	reps, partial int
	movement      string   // analysis JSON movement
	analysed      bool     // false: the movement is not supported
	working       []string // single-leg: the standing leg of each rep
	// the video as ffprobe reports it (docs/video.md)
	width, height int
	fps, duration float64
}

var mediaClips = []mediaClip{
	// Goblet squats, 30 fps: the hips bottom out at about 1.1, 3.5, 6.0, 8.5
	// and 11.1 s, and the lifter stands still before the first and after the
	// last (from 11.7 s).
	{file: "goblet-squat-front.mp4", every: 1, reps: 5, movement: "bilateral_squat", analysed: true,
		width: 1280, height: 720, fps: 30, duration: 12.1666},
	// Bodyweight squats with arms out (a skeleton and captions already drawn
	// on the video), 20 fps: bottoms at about 1.7, 4.3, 7.3 and 10.3 s;
	// standing again at 11.7 s.
	{file: "bodyweight-squat-front-overlay.mp4", every: 1, reps: 4, movement: "bilateral_squat", analysed: true,
		width: 640, height: 480, fps: 20, duration: 11.9},
	// Hands behind the head, 60 fps: bottoms at about 2.0, 4.2 and 6.3 s.
	{file: "squat-hands-behind-head-front-60fps.mp4", every: 3, reps: 3, movement: "bilateral_squat", analysed: true,
		width: 896, height: 1592, fps: 60, duration: 9},
	// One single-leg squat on the left leg (right foot held back off the
	// floor) with its bottom at about 3.3 s, plus half a rep at each edge:
	// the video opens near the bottom (standing by 0.5 s) and ends going
	// down again (from 7.8 s to the last frame at 9.04 s).
	{file: "single-leg-squat-front.mp4", every: 1, reps: 1, partial: 2, movement: "single_leg_squat", analysed: true,
		working: []string{"left", "left", "left"}, width: 1280, height: 720, fps: 25, duration: 9.08},
	// Single-leg squats alternating legs, 25 fps: on the left leg (bottom
	// about 2 s), right (a slow descent from 6.5 s, bottom 10.5-11 s), left
	// (17.5-18 s), right (23.5-24 s). The video starts with the lifter
	// already on one leg, knee bent, so the first rep counts as partial.
	{file: "single-leg-squat-alternating-front.mp4", every: 2, reps: 3, partial: 1, movement: "single_leg_squat", analysed: true,
		working: []string{"left", "right", "left", "right"}, width: 1280, height: 720, fps: 25, duration: 26.96},
	// Pistol and single-leg squats of mixed quality, portrait phone video, 30
	// fps: bottoms at about 1.2, 3.5, 6.0, 8.7 and 12.0 s on the left leg
	// (right leg held out in front), then 16.5, 19.0, 21.7, 24.3 and 27.0 s
	// on the right leg. The lifter drifts towards the camera as the set goes
	// on.
	{file: "single-leg-squat-mixed-portrait.mp4", every: 2, reps: 10, movement: "single_leg_squat", analysed: true,
		width: 406, height: 720, fps: 30, duration: 29.133,
		working: []string{"left", "left", "left", "left", "left", "right", "right", "right", "right", "right"}},
	// Lateral (side) lunges alternating sides: kneetrack recognises them and
	// says they are not supported yet; nothing is graded.
	{file: "side-lunge-front.mp4", every: 3, movement: "lateral_lunge", analysed: false,
		width: 1280, height: 720, fps: 30, duration: 32.133},
}

// mediaTrack is a clip's track, made once per test binary.
type mediaTrack struct {
	once  sync.Once
	path  string  // the track JSON (its source: the clip's absolute path)
	wallS float64 // seconds the tracking took
	// For the goblet clip, made by `analyze VIDEO`: its outputs.
	outDir, stdout, stderr string
	err                    error
}

var mediaTracks = func() map[string]*mediaTrack {
	m := map[string]*mediaTrack{}
	for _, c := range mediaClips {
		m[c.file] = &mediaTrack{}
	}
	return m
}()

// mediaDir holds the shared tracks; TestMain creates and removes it.
var mediaDir string

// gobletRun is the end-to-end command run once on the goblet clip.
func gobletRun(dir, clip string) []string {
	return []string{"analyze", clip, "--save-track", filepath.Join(dir, "goblet.json"), "--report", filepath.Join(dir, "report"),
		"--video", filepath.Join(dir, "annotated.mp4"), "--format", "json", "-o", filepath.Join(dir, "analysis.json")}
}

// clipTrack returns the shared track of clip c (and its cache entry),
// tracking the clip on first use.
func clipTrack(t *testing.T, c mediaClip) *mediaTrack {
	t.Helper()
	testenv.PoseTools(t)
	clip := testenv.SharedFile(t, "media/"+c.file)
	mt := mediaTracks[c.file]
	mt.once.Do(func() {
		start := time.Now()
		defer func() { mt.wallS = time.Since(start).Seconds() }()
		dir, err := os.MkdirTemp(mediaDir, strings.TrimSuffix(c.file, ".mp4")+"-")
		if err != nil {
			mt.err = err
			return
		}
		if c.file == "goblet-squat-front.mp4" {
			root := newRootCmd()
			var out, errOut strings.Builder
			root.SetOut(&out)
			root.SetErr(&errOut)
			root.SetArgs(gobletRun(dir, clip))
			mt.err = root.ExecuteContext(t.Context())
			mt.path, mt.outDir, mt.stdout, mt.stderr = filepath.Join(dir, "goblet.json"), dir, out.String(), errOut.String()
			return
		}
		res, err := pose.Run(t.Context(), clip, pose.Options{Every: c.every})
		if err != nil {
			mt.err = err
			return
		}
		res.Track.Video.Source = clip
		mt.path = filepath.Join(dir, "track.json")
		mt.err = track.WriteFile(mt.path, res.Track, track.FormatJSON)
	})
	if mt.err != nil {
		t.Fatalf("tracking %s: %v", c.file, mt.err)
	}
	return mt
}

// analysisDoc is the part of the analysis JSON these tests read; pointers
// tell a missing field from a zero.
type analysisDoc struct {
	Schema string `json:"schema"`
	Sets   []struct {
		Source string   `json:"source"`
		LoadKG *float64 `json:"load_kg"`
		Video  *struct {
			Width     *int     `json:"width"`
			Height    *int     `json:"height"`
			FPS       *float64 `json:"fps"`
			DurationS *float64 `json:"duration_s"`
			Rotation  *int     `json:"rotation"`
		} `json:"video"`
		Movement string `json:"movement"`
		View     string `json:"view"`
		Analysed bool   `json:"analysed"`
		// NotAnalysed is the reason code of a set not analysed.
		NotAnalysed string   `json:"not_analysed_reason"`
		Notes       []string `json:"notes"`
		Reps        []struct {
			Index      *int     `json:"index"`
			StartS     *float64 `json:"start_s"`
			BottomS    *float64 `json:"bottom_s"`
			EndS       *float64 `json:"end_s"`
			Partial    bool     `json:"partial"`
			WorkingLeg string   `json:"working_leg"`
			KASRMin    *float64 `json:"kasr_min"`
			Quality    string   `json:"quality"`
			Left       repSide  `json:"left"`
			Right      repSide  `json:"right"`
		} `json:"reps"`
		Summary map[string]json.RawMessage `json:"summary"`
	} `json:"sets"`
	Summary map[string]json.RawMessage `json:"summary"`
}

type repSide struct {
	PeakFPPA  json.RawMessage `json:"peak_fppa_deg"` // number, or null when unknown
	PeakPhase *string         `json:"peak_phase"`
	KneeVsToe json.RawMessage `json:"knee_vs_toe"`
	Severity  string          `json:"severity"`
	Quality   string          `json:"quality"`
}

func readAnalysis(t *testing.T, path string) analysisDoc {
	t.Helper()
	return readJSONFile[analysisDoc](t, schematest.Analysis, path)
}

// readJSONFile checks the JSON file at path against the named shipped
// schema and decodes it into a T.
func readJSONFile[T any](t *testing.T, schema, path string) T {
	t.Helper()
	var v T
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, schema, data)
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestAnalyzeSharedClips: every front-view clip gives the reps counted by
// eye, the right movement (and standing leg), a front view, a JSON document
// with the documented fields, and an HTML report, without a panic.
func TestAnalyzeSharedClips(t *testing.T) {
	for _, c := range mediaClips {
		t.Run(strings.TrimSuffix(c.file, ".mp4"), func(t *testing.T) {
			mt := clipTrack(t, c)
			t.Logf("tracked in %.1f s (one frame in %d)", mt.wallS, c.every)
			dir := t.TempDir()
			jsonPath := filepath.Join(dir, "analysis.json")
			// A clip read but not analysed ends with errNotAnalysed (exit
			// 3), after the report.
			ok := func(err error) bool { return err == nil && c.analysed || !c.analysed && errors.Is(err, errNotAnalysed) }
			text, err := execute(t, "analyze", mt.path)
			if !ok(err) {
				t.Fatal(err)
			}
			if _, err := execute(t, "analyze", mt.path, "--format", "json", "-o", jsonPath, "--report", dir); !ok(err) {
				t.Fatal(err)
			}
			doc := readAnalysis(t, jsonPath)
			checkSchema(t, doc, c)
			s := doc.Sets[0]
			if s.Movement != c.movement || s.View != "front" || s.Analysed != c.analysed {
				t.Errorf("movement %s, view %s, analysed %v; want %s, front, %v (notes %v)", s.Movement, s.View, s.Analysed, c.movement, c.analysed, s.Notes)
			}
			if !c.analysed {
				if len(s.Reps) != 0 || !strings.Contains(text, "not supported yet") || s.NotAnalysed != "unsupported" {
					t.Errorf("%d reps graded, reason %q; the text should say the movement is not supported yet:\n%s", len(s.Reps), s.NotAnalysed, text)
				}
			} else {
				full, partial := 0, 0
				var legs []string
				for _, r := range s.Reps {
					if r.Partial {
						partial++
					} else {
						full++
					}
					legs = append(legs, r.WorkingLeg)
				}
				if full != c.reps || partial != c.partial {
					t.Errorf("%d full and %d partial reps, counted by eye %d and %d", full, partial, c.reps, c.partial)
				}
				if c.working != nil && !slices.Equal(legs, c.working) {
					t.Errorf("standing legs %v, seen %v", legs, c.working)
				}
				if !strings.Contains(text, fmt.Sprintf(" %d rep", full)) || !strings.Contains(text, "What to do next") {
					t.Errorf("text summary lacks the rep count or what to do:\n%s", text)
				}
			}
			// The report: key frames from the video when there are reps to
			// show.
			page, err := os.ReadFile(filepath.Join(dir, "report.html"))
			if err != nil || !strings.Contains(string(page), `data-section="verdict"`) ||
				c.analysed != strings.Contains(string(page), "data:image/jpeg;base64,") {
				t.Errorf("report: %v (%d bytes; want the verdict, and key frames from the video when analysed)", err, len(page))
			}
		})
	}
}

// checkSchema checks the analysis JSON fields the issue names, and the
// video facts against ffprobe's (docs/video.md).
func checkSchema(t *testing.T, doc analysisDoc, c mediaClip) {
	t.Helper()
	if doc.Schema != "kneetrack.analysis/v1" || len(doc.Sets) != 1 || doc.Summary == nil {
		t.Fatalf("schema %q, %d sets, session summary %v", doc.Schema, len(doc.Sets), doc.Summary != nil)
	}
	s := doc.Sets[0]
	if s.Source != c.file {
		t.Errorf("source %q, want %q", s.Source, c.file)
	}
	v := s.Video
	if v == nil || v.Width == nil || v.Height == nil || v.FPS == nil || v.DurationS == nil || v.Rotation == nil {
		t.Fatalf("video %+v: want width, height, fps, duration_s and rotation", v)
	}
	if *v.Width != c.width || *v.Height != c.height || math.Abs(*v.FPS-c.fps) > 1e-3 || math.Abs(*v.DurationS-c.duration) > 2e-3 || *v.Rotation != 0 {
		t.Errorf("video %dx%d %.3f fps %.4f s rotation %d; want %dx%d %.3f fps %.4f s rotation 0",
			*v.Width, *v.Height, *v.FPS, *v.DurationS, *v.Rotation, c.width, c.height, c.fps, c.duration)
	}
	if s.Summary == nil || s.Movement == "" || s.View == "" {
		t.Errorf("set lacks summary, movement or view")
	}
	for k, r := range s.Reps {
		if r.Index == nil || *r.Index != k+1 || r.StartS == nil || r.BottomS == nil || r.EndS == nil || r.KASRMin == nil || r.Quality == "" {
			t.Fatalf("rep %d lacks index, start_s, bottom_s, end_s, kasr_min or quality", k+1)
		}
		// A partial rep may start or end at its bottom (the video opens or
		// ends there); a full one has a descent and an ascent.
		ordered := *r.StartS <= *r.BottomS && *r.BottomS <= *r.EndS && *r.StartS < *r.EndS
		if !r.Partial {
			ordered = *r.StartS < *r.BottomS && *r.BottomS < *r.EndS
		}
		if !(ordered && *r.StartS >= 0 && *r.EndS <= c.duration+0.05) {
			t.Errorf("rep %d: start %.2f, bottom %.2f, end %.2f s", k+1, *r.StartS, *r.BottomS, *r.EndS)
		}
		for _, side := range []repSide{r.Left, r.Right} {
			if side.PeakFPPA == nil || side.PeakPhase == nil || side.KneeVsToe == nil || side.Severity == "" || side.Quality == "" {
				t.Fatalf("rep %d: a side lacks peak_fppa_deg, peak_phase, knee_vs_toe, severity or quality: %+v", k+1, side)
			}
		}
	}
}

// TestAnalyzeVideoEndToEnd: `kneetrack analyze VIDEO --save-track --report
// --video` on the goblet clip: the analysis, the saved track (recording the
// video's absolute path), the report with key frames from the video, and an
// annotated video with the input's frames, size and duration.
func TestAnalyzeVideoEndToEnd(t *testing.T) {
	c := mediaClips[0]
	mt := clipTrack(t, c)
	t.Logf("analyze VIDEO with --save-track, --report and --video: %.1f s", mt.wallS)
	clip := testenv.SharedFile(t, "media/"+c.file)
	doc := readAnalysis(t, filepath.Join(mt.outDir, "analysis.json"))
	c.file = clip // a video input is named as given
	checkSchema(t, doc, c)
	if n := len(doc.Sets[0].Reps); n != 5 {
		t.Errorf("%d reps from the video, want 5", n)
	}
	for _, want := range []string{"lifter tracked in 365 of 365 frames", "keypoint track: ", "report: ", "annotated video: "} {
		if !strings.Contains(mt.stderr, want) {
			t.Errorf("standard error lacks %q:\n%s", want, mt.stderr)
		}
	}
	f, err := os.Open(mt.path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := track.ReadJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(clip)
	if tr.Video.Source != abs || len(tr.Frames) != 365 {
		t.Errorf("saved track: source %q, %d frames; want %q, 365", tr.Video.Source, len(tr.Frames), abs)
	}
	page, err := os.ReadFile(filepath.Join(mt.outDir, "report", "report.html"))
	if err != nil || !strings.Contains(string(page), "data:image/jpeg;base64,") || strings.Contains(string(page), "plain background") {
		t.Errorf("report: %v; want key frames from the video", err)
	}
	in, out := probe(t, clip), probe(t, filepath.Join(mt.outDir, "annotated.mp4"))
	if out.frames != 365 || in.frames != 365 || out.width != 1280 || out.height != 720 || math.Abs(out.duration-in.duration) > 2e-5 {
		t.Errorf("annotated video %+v, input %+v: want the same frames, size and duration", out, in)
	}
	st, err := os.Stat(filepath.Join(mt.outDir, "annotated.mp4"))
	if err != nil || st.Mode().Perm()&0o044 != 0o044 {
		t.Errorf("annotated video mode %v: want readable by others like any new file (umask 022)", st.Mode().Perm())
	}
}

// TestAnalyzeSavedTrackAnywhere: the saved track names the video by its
// absolute path, so a copy of it in an unrelated folder still finds the
// video for --report and --video.
func TestAnalyzeSavedTrackAnywhere(t *testing.T) {
	mt := clipTrack(t, mediaClips[0])
	dir := t.TempDir()
	data, err := os.ReadFile(mt.path)
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, "elsewhere.json")
	if err := os.WriteFile(moved, data, 0o644); err != nil {
		t.Fatal(err)
	}
	text, err := execute(t, "analyze", moved, "--report", dir)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !strings.Contains(string(page), "data:image/jpeg;base64,") || strings.Contains(string(page), "plain background") {
		t.Errorf("report from the moved track: %v; want key frames from the video", err)
	}
	// --video finds it too (checked before anything is written: naming
	// the input as output is refused, which needs the video found first).
	if _, err := execute(t, "analyze", moved, "--video", testenv.SharedFile(t, "media/goblet-squat-front.mp4")); err == nil ||
		!strings.Contains(err.Error(), "would overwrite the input") {
		t.Errorf("--video over the video the moved track names: %v", err)
	}
	// The summary names the video, not the track's full path.
	if !strings.Contains(text, "\ngoblet-squat-front.mp4\n") || strings.Contains(text, moved) {
		t.Errorf("summary does not name the set by its video: %q", text)
	}
}

// TestAnalyzeMixedInputs: a track and a video, one set each, with loads.
// The video is the first 4.3 s of the goblet clip (two reps), cut with
// ffmpeg, so that tracking it stays short.
func TestAnalyzeMixedInputs(t *testing.T) {
	mt := clipTrack(t, mediaClips[0])
	dir := t.TempDir()
	short := filepath.Join(dir, "short.mp4")
	cmd := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", testenv.SharedFile(t, "media/goblet-squat-front.mp4"),
		"-t", "4.3", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", short)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	jsonPath := filepath.Join(dir, "session.json")
	saved := filepath.Join(dir, "short.csv")
	if _, err := execute(t, "analyze", mt.path, short, "--load", "20kg,24kg", "--format", "json", "-o", jsonPath, "--save-track", saved); err != nil {
		t.Fatal(err)
	}
	doc := readAnalysis(t, jsonPath)
	if len(doc.Sets) != 2 {
		t.Fatalf("%d sets, want 2", len(doc.Sets))
	}
	a, b := doc.Sets[0], doc.Sets[1]
	if a.Source != "goblet-squat-front.mp4" || b.Source != short || a.LoadKG == nil || *a.LoadKG != 20 || b.LoadKG == nil || *b.LoadKG != 24 {
		t.Errorf("sets %q (%v kg) and %q (%v kg)", a.Source, a.LoadKG, b.Source, b.LoadKG)
	}
	if len(a.Reps) != 5 || len(b.Reps) != 2 || b.Movement != "bilateral_squat" {
		t.Errorf("%d and %d reps (want 5 and 2), second set %s", len(a.Reps), len(b.Reps), b.Movement)
	}
	if _, ok := doc.Summary["load"]; !ok {
		t.Errorf("session summary lacks the load trend: %v", doc.Summary)
	}
	if data, err := os.ReadFile(saved); err != nil || !strings.HasPrefix(string(data), "frame,time_s,keypoint,") {
		t.Errorf("--save-track CSV: %v", err)
	}
}

// TestAnalyzeNoPerson: a video with nobody in it fails with a clear message
// and a non-zero exit status.
func TestAnalyzeNoPerson(t *testing.T) {
	testenv.PoseTools(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty-room.mp4")
	cmd := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
		"-frames:v", "40", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", empty)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	_, err := execute(t, "analyze", empty)
	if !errors.Is(err, pose.ErrNoPerson) || !strings.Contains(err.Error(), "film the whole body") {
		t.Errorf("error %v, want one saying nobody was found and how to film", err)
	}
	code, stderr := runMain(t, "analyze", empty, "--report", filepath.Join(dir, "report"))
	if code == 0 || !strings.Contains(stderr, "kneetrack: no person found in "+empty) {
		t.Errorf("exit status %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "report")); !os.IsNotExist(err) {
		t.Error("a report was written for a video with nobody in it")
	}
}

// TestAnalyzeNotAVideo: a text file named like a video, and one named like
// nothing kneetrack reads, each give an error naming the file and the
// problem, and a non-zero exit status.
func TestAnalyzeNotAVideo(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "set.mp4")
	if err := os.WriteFile(fake, []byte("not really a video\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("squats on Monday\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("ffprobe"); err == nil {
		_, err := execute(t, "analyze", fake)
		if !errors.Is(err, video.ErrNotVideo) || !strings.Contains(err.Error(), "set.mp4") {
			t.Errorf("text named .mp4: %v, want a not-a-video error naming the file", err)
		}
	}
	_, err := execute(t, "analyze", other)
	if err == nil || !strings.Contains(err.Error(), "notes.txt: unknown file type") {
		t.Errorf("text file: %v", err)
	}
	code, stderr := runMain(t, "analyze", other)
	if code != 1 || !strings.Contains(stderr, "not a video, a kneetrack track") {
		t.Errorf("exit status %d, stderr %q", code, stderr)
	}
}

// TestAnalyzeSideViewRefused: squats filmed from the side (motion capture
// seen by a virtual camera at the lifter's right) are not graded, and the
// output says how to film instead.
func TestAnalyzeSideViewRefused(t *testing.T) {
	trc := testenv.SharedFile(t, "mocap/opencap-squats.trc")
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "side.json")
	// Read but not analysed: the run ends with errNotAnalysed (exit 3).
	text, err := execute(t, "analyze", trc, "--camera-yaw", "90", "--details")
	if !errors.Is(err, errNotAnalysed) {
		t.Fatalf("error %v, want errNotAnalysed", err)
	}
	if _, err := execute(t, "analyze", trc, "--camera-yaw", "90", "--format", "json", "-o", jsonPath); !errors.Is(err, errNotAnalysed) {
		t.Fatalf("error %v, want errNotAnalysed", err)
	}
	doc := readAnalysis(t, jsonPath)
	if s := doc.Sets[0]; s.View != "side" || s.Analysed || len(s.Reps) != 0 || s.NotAnalysed != "side_view" {
		t.Errorf("side view: view %s, analysed %v (%q), %d reps", s.View, s.Analysed, s.NotAnalysed, len(s.Reps))
	}
	for _, want := range []string{"view: side", "cannot be seen from the side", "Film from the front"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "recognised") {
		t.Errorf("a side view recognises no movement, but the text says one was:\n%s", text)
	}
}

// TestAnalyzeVideoFlags: bad pose options fail before any tracking.
func TestAnalyzeVideoFlags(t *testing.T) {
	dir := t.TempDir()
	vid := filepath.Join(dir, "set.mp4")
	if err := os.WriteFile(vid, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", vid, "--model", "openpose"}, "--model \"openpose\""},
		{[]string{"analyze", vid, "--pick", "1.5,0.2"}, "fractions of the picture"},
		{[]string{"analyze", vid, "--threads", "-1"}, "--threads"},
		{[]string{"analyze", tr, "--save-track", filepath.Join(dir, "x.json")}, "no input is a video"},
		{[]string{"analyze", vid, "--save-track", filepath.Join(dir, "x.txt")}, ".json, .csv or .trc"},
		{[]string{"analyze", vid, tr, "--save-track", tr}, "would overwrite the input"},
		{[]string{"analyze", vid, "--video", vid}, "would overwrite the input"},
		{[]string{"analyze", filepath.Join(dir, "missing.mp4")}, "no such file"},
	} {
		if _, err := execute(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to mention %q", c.args[1:], err, c.want)
		}
	}
}

// writeSynthTrack writes a short synthetic squat track to path.
func writeSynthTrack(t *testing.T, path string) {
	t.Helper()
	tr, err := track.Project(sim.StickSet{Reps: 1}.Track3D(), track.Camera{})
	if err != nil {
		t.Fatal(err)
	}
	if err := track.WriteFile(path, tr, track.FormatJSON); err != nil {
		t.Fatal(err)
	}
}

// runMainEnv, when set, makes the test binary run kneetrack's main with its
// arguments instead of the tests (see runMain).
const runMainEnv = "KNEETRACK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Args = append([]string{"kneetrack"}, os.Args[1:]...)
		os.Exit(run())
	}
	dir, err := os.MkdirTemp("", "kneetrack-media-")
	if err != nil {
		panic(err)
	}
	mediaDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runMain runs the kneetrack command as a process (this test binary
// running main) and returns its exit status and standard error.
func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stderr.String()
	}
	t.Fatalf("running kneetrack: %v", err)
	return 0, ""
}

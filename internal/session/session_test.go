package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// simTrack writes the keypoint track of a simulated set of reps squats,
// filmed from the front, to a file in dir, and returns its path and the
// truth.
func simTrack(t *testing.T, dir string, reps int) (string, *sim.Truth) {
	t.Helper()
	res, err := sim.Simulate(sim.Set{Reps: reps, FPS: 30}, sim.DefaultCamera(0))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "set.json")
	if err := track.WriteFile(path, res.Track, track.FormatJSON); err != nil {
		t.Fatal(err)
	}
	return path, &res.Truth
}

// recorder is a Progress that writes down what it hears.
type recorder struct{ events []string }

func (r *recorder) Begin(s Stage) { r.events = append(r.events, "begin "+s.Name) }
func (r *recorder) Step(done, total int) {
	if n := len(r.events); n == 0 || r.events[n-1] != "step" {
		r.events = append(r.events, "step")
	}
}
func (r *recorder) End(s Stage, err error) {
	e := "end " + s.Name
	if err != nil {
		e += " failed"
	}
	r.events = append(r.events, e)
}
func (r *recorder) Note(n Note) { r.events = append(r.events, "note "+n.Kind) }

func TestAnalyzeTracks(t *testing.T) {
	dir := t.TempDir()
	simPath, truth := simTrack(t, dir, 5)
	mocap := testenv.SharedFile(t, "mocap/opencap-squats.trc")
	for _, tc := range []struct {
		name    string
		inputs  []Input
		reps    []int    // reps counted per set; -1 for "some"
		sources []string // how each set is named: a label, else what the track records
	}{
		{"simulated track", []Input{{Path: simPath}}, []int{len(truth.Reps)}, []string{"simulated lifter"}},
		{"labelled, with a load and a note", []Input{{Path: simPath, Label: "my set", Note: "a note", LoadKG: 60, HasLoad: true}},
			[]int{len(truth.Reps)}, []string{"my set"}},
		{"two sets", []Input{{Path: simPath}, {Path: mocap}}, []int{len(truth.Reps), -1}, []string{"simulated lifter", "opencap-squats.trc"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			oc, err := Analyze(context.Background(), tc.inputs, Options{Thresholds: valgus.Defaults()})
			if err != nil {
				t.Fatal(err)
			}
			if len(oc.Sets) != len(tc.inputs) || len(oc.Session.Sets) != len(tc.inputs) {
				t.Fatalf("%d sets, %d in the session; %d inputs", len(oc.Sets), len(oc.Session.Sets), len(tc.inputs))
			}
			for i, s := range oc.Sets {
				r := s.Result
				if !r.Analysed {
					t.Errorf("set %d not analysed: %v", i, r.Reason)
				}
				if want := tc.reps[i]; (want >= 0 && len(r.Reps) != want) || (want < 0 && len(r.Reps) == 0) {
					t.Errorf("set %d: %d reps counted, want %d", i, len(r.Reps), want)
				}
				if !strings.HasPrefix(r.Source, tc.sources[i]) {
					t.Errorf("set %d named %q, want %q", i, r.Source, tc.sources[i])
				}
				in := tc.inputs[i]
				if want := (valgus.Note{Kind: valgus.NoteCaller, Text: in.Note}); in.Note != "" && (len(r.Notes) == 0 || !reflect.DeepEqual(r.Notes[0], want)) {
					t.Errorf("set %d: notes %+v, want %+v first", i, r.Notes, want)
				}
				if r.HasLoad != in.HasLoad || r.LoadKG != in.LoadKG {
					t.Errorf("set %d: load %v %g, want %v %g", i, r.HasLoad, r.LoadKG, in.HasLoad, in.LoadKG)
				}
				if s.IsVideo || s.Pose != nil {
					t.Errorf("set %d: a track taken for a video", i)
				}
			}
			if oc.Advice == nil || oc.Err() != nil {
				t.Errorf("advice %v, err %v", oc.Advice, oc.Err())
			}
		})
	}
}

func TestAnalyzeRefusesBadInputs(t *testing.T) {
	dir := t.TempDir()
	simPath, _ := simTrack(t, dir, 4)
	var usage *UsageError
	for _, tc := range []struct {
		name   string
		inputs []Input
		outs   *Outputs
		usage  bool
		want   string
	}{
		{"missing video", []Input{{Path: filepath.Join(dir, "none.mp4")}}, nil, false, "reading video"},
		{"missing track", []Input{{Path: filepath.Join(dir, "none.json")}}, nil, false, "none.json"},
		{"save-track without a video", []Input{{Path: simPath}}, &Outputs{SaveTrack: filepath.Join(dir, "t.json")}, true, "no input is a video"},
		{"annotated video without a video", []Input{{Path: simPath}}, &Outputs{Video: filepath.Join(dir, "a.mp4")}, false, "--video needs the original video"},
		{"report over its input", []Input{{Path: simPath}}, &Outputs{ReportFile: simPath}, false, "overwrite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			oc, err := Analyze(context.Background(), tc.inputs, Options{Thresholds: valgus.Defaults(), Outputs: tc.outs})
			if err == nil || oc != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("outcome %v, error %v; want one saying %q", oc, err, tc.want)
			}
			if errors.As(err, &usage) != tc.usage {
				t.Errorf("%v: a usage error %v, want %v", err, !tc.usage, tc.usage)
			}
		})
	}
}

// TestWrite writes the outputs of an analysed track and checks each
// against what it must hold, then that a run that cannot write one output
// writes none, and a cancelled one nothing.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	simPath, truth := simTrack(t, dir, 5)
	oc, err := Analyze(context.Background(), []Input{{Path: simPath}}, Options{Thresholds: valgus.Defaults(), Generator: "kneetrack test"})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	report, csv, html := filepath.Join(out, "report.json"), filepath.Join(out, "frames.csv"), filepath.Join(out, "html")
	cases := []struct {
		name    string
		ctx     func() context.Context
		outs    Outputs
		fail    bool
		written []string
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, Outputs{Format: "json", ReportFile: report, CSV: csv, ReportDir: html}, true, nil},
		{"one output impossible", context.Background,
			Outputs{Format: "json", ReportFile: report, CSV: csv, ReportDir: html, Video: filepath.Join(out, "a.mp4")}, true, nil},
		{"all", context.Background, Outputs{Format: "json", ReportFile: report, CSV: csv, ReportDir: html},
			false, []string{report, csv, filepath.Join(html, "report.html")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			made, err := oc.Write(tc.ctx(), tc.outs)
			if (err != nil) != tc.fail {
				t.Fatalf("error %v, want failure %v", err, tc.fail)
			}
			ents, _ := os.ReadDir(out)
			if tc.fail {
				if len(ents) != 0 || len(made) != 0 {
					t.Fatalf("a failed write left %d files in the folder and reported %v", len(ents), made)
				}
				return
			}
			for _, p := range tc.written {
				if st, err := os.Stat(p); err != nil || st.Size() == 0 {
					t.Errorf("%s not written: %v", p, err)
				}
			}
			if len(made) != 1 || made[0].What != FileReport {
				t.Errorf("made %v, want the HTML report", made)
			}
		})
	}
	// The JSON report holds the reps as simulated, the generator given.
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Generator string `json:"generator"`
		Sets      []struct {
			Reps []json.RawMessage `json:"reps"`
		} `json:"sets"`
	}
	schematest.Validate(t, schematest.Analysis, b)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "kneetrack test") || len(doc.Sets) != 1 || len(doc.Sets[0].Reps) != len(truth.Reps) {
		t.Errorf("JSON report: generator %q, %d sets, want 1 with %d reps", doc.Generator, len(doc.Sets), len(truth.Reps))
	}
	// The CSV has one row per analysed frame, after its header.
	c, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	if rows, frames := strings.Count(string(c), "\n")-1, len(oc.Session.Sets[0].Frames); rows != frames {
		t.Errorf("CSV: %d rows, %d frames analysed", rows, frames)
	}
}

// TestVideo tracks the first seconds of the shared goblet clip, saves the
// track and writes the annotated video: the progress comes in order, the
// saved track names the video by its absolute path, and a second Write
// that cannot make its output keeps the saved track.
func TestVideo(t *testing.T) {
	testenv.PoseTools(t)
	clip := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	out := t.TempDir()
	rec := &recorder{}
	outs := Outputs{SaveTrack: filepath.Join(out, "track.json"), Video: filepath.Join(out, "annotated.mp4")}
	oc, err := Analyze(context.Background(), []Input{{Path: clip}}, Options{Thresholds: valgus.Defaults(),
		Pose: pose.Options{MaxTime: 2, MirrorAverage: false}, Outputs: &outs, Progress: rec})
	if err != nil {
		t.Fatal(err)
	}
	s := oc.Sets[0]
	if !s.IsVideo || s.Pose == nil || s.Video != clip || s.Result.Source != clip {
		t.Fatalf("set: video %v, pose %v, source video %q, named %q", s.IsVideo, s.Pose != nil, s.Video, s.Result.Source)
	}
	if got := s.Pose.Stats.Processed; got == 0 || s.Pose.Stats.Tracked > got {
		t.Errorf("tracked %d of %d frames", s.Pose.Stats.Tracked, got)
	}
	made, err := oc.Write(context.Background(), outs)
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 2 || made[0].What != FileTrack || made[1].What != FileVideo {
		t.Errorf("made %v, want the track, then the annotated video", made)
	}
	want := []string{"begin pose", "step", "end pose", "note tracked", "begin analysis", "end analysis", "begin video", "step", "end video"}
	if got := strings.Join(rec.events, ", "); got != strings.Join(want, ", ") {
		t.Errorf("progress: %s\nwant: %s", got, strings.Join(want, ", "))
	}
	tr, err := track.Load(outs.SaveTrack, track.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(clip)
	if tr.Video.Source != abs || len(tr.Frames) != len(s.Pose.Track.Frames) {
		t.Errorf("saved track: source %q (want %q), %d frames (want %d)", tr.Video.Source, abs, len(tr.Frames), len(s.Pose.Track.Frames))
	}
	if _, err := os.Stat(outs.Video); err != nil {
		t.Errorf("annotated video: %v", err)
	}

	// A write whose video cannot be made (the folder is a file) fails,
	// keeps the track (minutes of work) and writes nothing else.
	again := filepath.Join(out, "again")
	blocker := filepath.Join(out, "blocker")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	kept, err := oc.Write(context.Background(), Outputs{SaveTrack: again + ".json", CSV: again + ".csv",
		Video: filepath.Join(blocker, "a.mp4")})
	if err == nil {
		t.Fatal("an annotated video inside a file was written")
	}
	if len(kept) != 1 || kept[0].Path != again+".json" {
		t.Errorf("kept %v, want the track", kept)
	}
	if _, err := os.Stat(again + ".json"); err != nil {
		t.Errorf("the track was not kept: %v", err)
	}
	if _, err := os.Stat(again + ".csv"); !os.IsNotExist(err) {
		t.Errorf("the CSV was written by a failed run (%v)", err)
	}
}

func TestReportGoesToStdout(t *testing.T) {
	simPath, _ := simTrack(t, t.TempDir(), 4)
	oc, err := Analyze(context.Background(), []Input{{Path: simPath}}, Options{Thresholds: valgus.Defaults()})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var stdout, direct bytes.Buffer
			if _, err := oc.Write(context.Background(), Outputs{Format: format, Stdout: &stdout}); err != nil {
				t.Fatal(err)
			}
			if err := oc.WriteReport(&direct, format); err != nil {
				t.Fatal(err)
			}
			if stdout.Len() == 0 || !bytes.Equal(stdout.Bytes(), direct.Bytes()) {
				t.Errorf("%d bytes written to stdout, %d by WriteReport", stdout.Len(), direct.Len())
			}
			if json.Valid(stdout.Bytes()) != (format == "json") {
				t.Errorf("%s report is valid JSON: %v", format, !(format == "json"))
			}
		})
	}
}

func TestVideoPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		i, n int
		want string
	}{
		{"a/out.mp4", 0, 1, "a/out.mp4"},
		{"a/out.mp4", 1, 3, "a/out-set2.mp4"},
		{"t.json", 0, 2, "t-set1.json"},
		{"noext", 2, 3, "noext-set3"},
	} {
		if got := VideoPath(tc.path, tc.i, tc.n); got != tc.want {
			t.Errorf("VideoPath(%q, %d, %d) = %q, want %q", tc.path, tc.i, tc.n, got, tc.want)
		}
	}
}

func TestParseLoads(t *testing.T) {
	for _, tc := range []struct {
		in    string
		files int
		want  []float64
		ok    bool
	}{
		{"60kg, 80 , 135lb", 3, []float64{60, 80, 135 * 0.45359237}, true},
		{"100lbs", 1, []float64{45.359237}, true},
		{"", 2, nil, true},
		{"60kg,80kg", 3, nil, false},
		{"-5", 1, nil, false},
		{"800", 1, nil, false},
		{"heavy", 1, nil, false},
	} {
		got, err := ParseLoads(tc.in, tc.files)
		if (err == nil) != tc.ok || len(got) != len(tc.want) {
			t.Errorf("ParseLoads(%q, %d) = %v, %v", tc.in, tc.files, got, err)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9 {
				t.Errorf("ParseLoads(%q)[%d] = %g, want %g", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}

func TestParseHeight(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"175", 175, true}, {"175cm", 175, true}, {"1.75m", 175, true}, {" 1.6 M ", 160, true}, {"", 0, true},
		{"3m", 0, false}, {"20cm", 0, false}, {"tall", 0, false}, {"NaN", 0, false},
	} {
		got, err := ParseHeight(tc.in)
		if (err == nil) != tc.ok || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("ParseHeight(%q) = %g, %v; want %g (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

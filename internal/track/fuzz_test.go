package track_test

// Fuzz tests for every reader of outside data. The property: no panic, no
// hang, and a track that is returned keeps the rules the readers enforce
// (checked here independently of the package's own checks): every number
// finite and in range, every string clean, frames in time order.
//
// Seeds: the f.Add literals below (valid files and the bad inputs of issue
// 13), testdata/fuzz/<FuzzName>/ (and any finding kept there), and, when
// the shared folder is there, the start of every TRC file under
// shared/mocap and of every video under shared/media.

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// sharedSeeds returns the start of each file under shared/<sub> whose name
// ends in one of exts: TRC files cut after their header and 10 rows, other
// files after 1 KiB (small seeds keep the fuzzer's minimising quick). Without the shared folder it returns nothing: the
// committed seeds still run.
func sharedSeeds(f *testing.F, sub string, exts ...string) [][]byte {
	dir := os.Getenv("KNEETRACK_SHARED")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(testenv.RepoRoot(f)), "shared")
	}
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if err != nil {
		f.Logf("no shared seeds from %s: %v", filepath.Join(dir, sub), err)
		return nil
	}
	var out [][]byte
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		want := false
		for _, x := range exts {
			want = want || ext == x
		}
		if !want {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		if ext == ".trc" {
			lines := strings.SplitAfter(string(data), "\n")
			data = []byte(strings.Join(lines[:min(len(lines), 16)], ""))
		} else if len(data) > 1024 {
			data = data[:1024]
		}
		out = append(out, data)
	}
	return out
}

// bounded runs fn and fails when it takes more than 10 s: a hang.
func bounded(t *testing.T, what string, fn func()) {
	t.Helper()
	within(t, 10*time.Second, what, fn)
}

// checkInvariants checks a track returned by a reader. projected says the
// image positions were made by Project (Load of a 3D TRC), not read.
func checkInvariants(t *testing.T, tr *track.Track, projected bool) {
	t.Helper()
	fail := func(format string, a ...any) { t.Helper(); t.Fatalf(format, a...) }
	clean := func(what, s string) {
		if r, bad := firstUnsafe(s); bad {
			fail("%s %q holds the unsafe character %U", what, s, r)
		}
	}
	clean("skeleton", tr.Skeleton)
	clean("source", tr.Video.Source)
	clean("world_up", tr.WorldUp)
	if len(tr.Frames) == 0 || len(tr.Keypoints) == 0 {
		fail("%d frames, %d keypoints", len(tr.Frames), len(tr.Keypoints))
	}
	seen := map[string]bool{}
	for _, k := range tr.Keypoints {
		clean("keypoint", k)
		if k == "" || seen[k] {
			fail("keypoint name %q empty or repeated", k)
		}
		seen[k] = true
	}
	v := tr.Video
	if !(v.Width == 0 && v.Height == 0) && (v.Width < 1 || v.Height < 1 || v.Width > 32768 || v.Height > 32768) {
		fail("picture size %dx%d", v.Width, v.Height)
	}
	if v.FPS != 0 && !(v.FPS >= 0.1 && v.FPS <= 10000) {
		fail("fps %v", v.FPS)
	}
	if !(v.DurationS >= 0 && v.DurationS <= 1e6) {
		fail("duration %v", v.DurationS)
	}
	if v.Rotation != 0 && v.Rotation != 90 && v.Rotation != 180 && v.Rotation != 270 {
		fail("rotation %d", v.Rotation)
	}
	switch tr.WorldUp {
	case "", "+x", "-x", "+y", "-y", "+z", "-z":
	default:
		fail("world up %q", tr.WorldUp)
	}
	pix := func(x float64, size int) bool {
		if size == 0 {
			return math.Abs(x) <= 1e6
		}
		return x >= -10*float64(size) && x <= 11*float64(size)
	}
	zLimit := 1e6
	if v.Width > 0 {
		zLimit = 11 * float64(max(v.Width, v.Height))
	}
	for i, f := range tr.Frames {
		if f.Index < 0 || math.IsNaN(f.Time) || math.Abs(f.Time) > 1e6 {
			fail("frame %d: index %d, time %v", i, f.Index, f.Time)
		}
		if i > 0 && !(f.Time-tr.Frames[i-1].Time >= 1e-5) {
			fail("frame %d at %v s after frame %d at %v s", i, f.Time, i-1, tr.Frames[i-1].Time)
		}
		if len(f.Points) != len(tr.Keypoints) {
			fail("frame %d has %d points for %d keypoints", i, len(f.Points), len(tr.Keypoints))
		}
		for k, p := range f.Points {
			for _, x := range []float64{p.X, p.Y, p.NX, p.NY, p.Z, p.Conf, p.World.X, p.World.Y, p.World.Z} {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					fail("frame %d, %s: a number is not finite: %+v", i, tr.Keypoints[k], p)
				}
			}
			if p.Conf < 0 || p.Conf > 1 {
				fail("frame %d, %s: confidence %v", i, tr.Keypoints[k], p.Conf)
			}
			if p.Conf > 0 && !projected {
				if !pix(p.X, v.Width) || !pix(p.Y, v.Height) || math.Abs(p.Z) > zLimit ||
					p.NX < -10 || p.NX > 11 || p.NY < -10 || p.NY > 11 {
					fail("frame %d, %s: image position out of range: %+v in %dx%d", i, tr.Keypoints[k], p, v.Width, v.Height)
				}
			}
			if p.HasWorld && (math.Abs(p.World.X) > 100 || math.Abs(p.World.Y) > 100 || math.Abs(p.World.Z) > 100) {
				fail("frame %d, %s: world position %+v beyond 100 m", i, tr.Keypoints[k], p.World)
			}
		}
	}
}

// checkResult checks what a reader returned: an error with a clean
// message and no track, or a track keeping the invariants.
func checkResult(t *testing.T, tr *track.Track, err error, projected bool) {
	t.Helper()
	if err != nil {
		if tr != nil {
			t.Fatalf("a track and an error (%v)", err)
		}
		if r, bad := firstUnsafe(err.Error()); bad {
			t.Fatalf("error %q holds the unsafe character %U", err, r)
		}
		return
	}
	if tr == nil {
		t.Fatal("no track and no error")
	}
	checkInvariants(t, tr, projected)
}

// jsonSeeds are track JSON documents: valid ones and the bad inputs. They
// are kept small (a 2-keypoint track) so that the fuzzer's minimising of
// what it derives from them stays quick.
func jsonSeeds(f *testing.F) [][]byte {
	small := smallTrack()
	small.Keypoints = small.Keypoints[2:4]
	small.Frames = small.Frames[:2]
	for i := range small.Frames {
		small.Frames[i].Points = small.Frames[i].Points[2:4]
	}
	var buf bytes.Buffer
	if err := track.WriteJSON(&buf, small); err != nil {
		f.Fatal(err)
	}
	good := buf.String()
	seeds := []string{
		good,
		"\ufeff" + good,
		strings.Replace(good, `"x":600`, `"x":1e308`, 1),
		strings.Replace(good, `"source":"set.mp4"`, `"source":"\u001b]0;pwned\u0007"`, 1),
		strings.Replace(good, `"fps":30`, `"fps":-1`, 1),
		strings.Replace(good, `"world_up":"-y"`, `"world_up":"\u202e"`, 1),
		good + "{}",
		`{"schema":"kneetrack.track/v1"}`,
		`{"frames":[{"t":0,"points":[{"name":"a","conf":0.5,"x":1,"y":2}]}],"keypoints":["a"],"schema":"kneetrack.track/v1","video":{}}`,
		`{"schema":"kneetrack.track/v1","keypoints":["a"],"video":{},"frames":[{"t":0,"points":[{"name":"a","conf":0}]},{"t":0,"points":null}]}`,
		`{"schema":"kneetrack.track/v2"}`,
		`{`, `[]`, ``, `null`,
	}
	var out [][]byte
	for _, s := range seeds {
		out = append(out, []byte(s))
	}
	// Real positions: the first frame of each shared TRC file, projected.
	for _, trc := range sharedSeeds(f, "mocap", ".trc") {
		tr, err := track.ReadTRC(bytes.NewReader(trc), "seed.trc")
		if err != nil {
			continue
		}
		tr.Frames = tr.Frames[:1]
		if p, err := track.Project(tr, track.Camera{}); err == nil {
			buf.Reset()
			if track.WriteJSON(&buf, p) == nil {
				out = append(out, bytes.Clone(buf.Bytes()))
			}
		}
	}
	return out
}

func FuzzReadJSON(f *testing.F) {
	for _, s := range jsonSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tr *track.Track
		var err error
		bounded(t, "ReadJSON", func() { tr, err = track.ReadJSON(bytes.NewReader(data)) })
		checkResult(t, tr, err, false)
	})
}

// trcSeeds are TRC files: valid ones and the bad inputs.
func trcSeeds(f *testing.F) [][]byte {
	edit := func(fn func([]string) []string) []byte { return []byte(joinLines(fn(trcLines()))) }
	out := [][]byte{
		edit(func(l []string) []string { return l }),
		edit(func(l []string) []string { l[3] = strings.Replace(l[3], "RKnee\t\t\t", "", 1); return l }),
		edit(func(l []string) []string { l[3] = strings.Replace(l[3], "RKnee", "", 1); return l }),
		edit(func(l []string) []string { l[8] = l[8][:strings.LastIndex(l[8], "\t")]; return l }),
		edit(func(l []string) []string { l[9] += "\t1"; return l }),
		edit(func(l []string) []string { l[2] = strings.Replace(l[2], "\t14\t", "\t15\t", 1); return l }),
		edit(func(l []string) []string { l[3] = strings.Replace(l[3], "RHeel", "RKnee", 1); return l }),
		edit(func(l []string) []string { return editField(l, 8, 17, "NaN") }),
		edit(func(l []string) []string { return editField(l, 8, 2, "1e308") }),
		edit(func(l []string) []string { return editField(l, 9, 1, "1e300") }),
		edit(func(l []string) []string { l[0] += "\x1b]0;pwned\x07"; return l }),
		edit(func(l []string) []string { l[2] = strings.Replace(l[2], "\tm\t", "\tpx\t", 1); return l }),
		[]byte("\ufeff" + joinLines(trcLines())),
		[]byte(strings.Join(trcLines(), "\r\n")),
		[]byte("PathFileType\t4\n\n\n\n\n"),
	}
	return append(out, sharedSeeds(f, "mocap", ".trc")...)
}

func FuzzReadTRC(f *testing.F) {
	for _, s := range trcSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tr *track.Track
		var err error
		bounded(t, "ReadTRC", func() { tr, err = track.ReadTRC(bytes.NewReader(data), "fuzz.trc") })
		checkResult(t, tr, err, false)
	})
}

// FuzzOpenPoseFolder reads a folder of two OpenPose frame files: frame 0
// holding a, frame nb holding b, with the given frame rate and picture
// size.
func FuzzOpenPoseFolder(f *testing.F) {
	person := openPoseJSON(openPosePerson(300))
	bad := openPosePerson(300)
	bad[0] = 1e308
	conf7 := openPosePerson(300)
	conf7[2] = 7
	zero := openPosePerson(300)
	zero[0], zero[2] = 1e308, 0
	for _, s := range []struct {
		a, b []byte
		nb   uint32
		fps  float64
		w, h int16
	}{
		{person, person, 1, 30, 0, 0},
		{person, openPoseJSON(openPosePerson(310), openPosePerson(900)), 2, 25, 1920, 1080},
		{person, openPoseJSON(bad), 1, 30, 0, 0},
		{person, openPoseJSON(conf7), 1, 30, 0, 0},
		{person, openPoseJSON(zero), 1, 30, 1280, 720},
		{person, []byte(`{"people":[]}`), 1, 30, 0, 0},
		{person, []byte(`{"people":[{"pose_keypoints_2d":[1,2]}]}`), 1, 30, 0, 0},
		{person, person, 0, 30, 0, 0},
		{person, person, 4000000000, 30, 0, 0},
		{person, person, 1, math.NaN(), 0, 0},
		{person, person, 1, -5, -1, 720},
		{[]byte("\x00\x01"), []byte("{"), 1, 30, 0, 0},
	} {
		f.Add(s.a, s.b, s.nb, s.fps, s.w, s.h)
	}
	f.Fuzz(func(t *testing.T, a, b []byte, nb uint32, fps float64, w, h int16) {
		fsys := fstest.MapFS{
			"clip_000000000000_keypoints.json":           {Data: a},
			fmt.Sprintf("clip_%012d_keypoints.json", nb): {Data: b},
		}
		var tr *track.Track
		var err error
		bounded(t, "ReadOpenPose", func() {
			tr, err = track.ReadOpenPose(fsys, track.OpenPoseOptions{FPS: fps, Width: int(w), Height: int(h), Source: "fuzz"})
		})
		checkResult(t, tr, err, false)
	})
}

// loadNames are the file names FuzzLoad gives its input.
var loadNames = []string{"t.json", "t.trc", "t.txt", "t", "clip_000000000001_keypoints.json", "t.JSON", "t.TRC", "v.mp4"}

// tinyTRC is a TRC file of the six markers the analysis needs, three rows.
func tinyTRC() string {
	markers := []string{"LHip", "RHip", "LKnee", "RKnee", "LAnkle", "RAnkle"}
	s := "PathFileType\t4\t(X/Y/Z)\tt.trc\nDataRate\tNumMarkers\tUnits\n60\t6\tm\nFrame#\tTime"
	labels := "\t"
	for i, m := range markers {
		s += "\t" + m + "\t\t"
		labels += fmt.Sprintf("\tX%d\tY%d\tZ%d", i+1, i+1, i+1)
	}
	s += "\n" + labels + "\n\n"
	for r := 0; r < 3; r++ {
		s += fmt.Sprintf("%d\t%g", r+1, float64(r)/60)
		for _, m := range markers {
			p := trcMarkerPos(m)
			s += fmt.Sprintf("\t%g\t%g\t%g", p[0], p[1]-0.01*float64(r), p[2])
		}
		s += "\n"
	}
	return s
}

// FuzzLoad writes its input to a file named loadNames[name%len] and loads
// it: the sniffing, size and type checks, BOM handling and reader choice
// of Load. Its seeds are small (the readers themselves are fuzzed with the
// large ones above), so that the fuzzer's minimising stays quick.
func FuzzLoad(f *testing.F) {
	tiny := `{"schema":"kneetrack.track/v1","keypoints":["a"],"video":{"width":640,"height":480,"fps":30},` +
		`"frames":[{"t":0,"points":[{"name":"a","x":1,"y":2,"conf":0.5}]},{"t":0.1,"points":[{"name":"a","conf":0}]}]}`
	trc := tinyTRC()
	for i, s := range []string{
		tiny, "\ufeff" + tiny, strings.Replace(tiny, `"x":1`, `"x":1e308`, 1), strings.Replace(tiny, `"fps":30`, `"fps":-1`, 1),
		strings.Replace(tiny, `"keypoints":["a"]`, `"keypoints":["a"],"skeleton":"\u001b]0;pwned\u0007"`, 1),
		trc, "\ufeff" + trc, strings.Replace(trc, "RKnee\t\t\t", "", 1), strings.Replace(trc, "\t6\tm", "\t7\tm", 1),
		strings.Replace(trc, "\t0.5\t", "\t1e308\t", 1), strings.Replace(trc, "\t0.5\t", "\tNaN\t", 1),
		"", "\x89PNG\r\n\x1a\n", "hello", "[1]", "\ufeff", "  \n{", "PathFileType", "\x00\x00\x00\x20ftypisom",
	} {
		f.Add([]byte(s), uint8(i))
	}
	for _, s := range sharedSeeds(f, "media", ".mp4", ".gif") {
		s = s[:min(len(s), 512)] // Load looks at 512 bytes before anything else
		f.Add(s, uint8(2))
		f.Add(s, uint8(0))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, name uint8) {
		p := filepath.Join(dir, loadNames[int(name)%len(loadNames)])
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var tr *track.Track
		var err error
		bounded(t, "Load", func() { tr, err = track.Load(p, track.LoadOptions{}) })
		projected := err == nil && strings.HasSuffix(tr.Video.Source, ")") && strings.Contains(tr.Video.Source, "(virtual camera: ")
		checkResult(t, tr, err, projected)
	})
}

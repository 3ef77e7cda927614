package track_test

// Tests for the readers of outside data (issue 13, items 4, 7, 12 and 13):
// broken TRC columns, files that are not tracks or are too large, numbers
// out of range, and terminal escape codes in strings.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// within fails the test when fn does not return in time (a reader that
// blocks on a pipe or reads without end).
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// wantErr checks that err is an error whose message holds every fragment
// and no control or bidi character.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q\ndoes not say %q", err, f)
		}
	}
	if r, bad := firstUnsafe(err.Error()); bad {
		t.Errorf("error %q holds the unsafe character %U", err, r)
	}
}

// firstUnsafe finds a character a terminal could act on: C0, DEL, C1,
// bidi controls, line/paragraph separators, or invalid UTF-8 (written
// independently of the package's own rule, as the tests' reference).
func firstUnsafe(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x61c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
			return r, true
		}
	}
	return 0, false
}

// ---- TRC ----

// trcMarkers are the markers of the synthetic TRC file, OpenCap's names.
var trcMarkers = []string{"Neck", "RShoulder", "LShoulder", "midHip", "RHip", "RKnee", "RAnkle",
	"LHip", "LKnee", "LAnkle", "LBigToe", "LHeel", "RBigToe", "RHeel"}

// trcMarkerPos is a standing lifter in OpenCap's axes (X forward, Y up,
// Z to the right), metres.
func trcMarkerPos(name string) [3]float64 {
	side := 0.1
	if name[0] == 'L' {
		side = -0.1
	}
	switch name {
	case "Neck":
		return [3]float64{0, 1.45, 0}
	case "midHip":
		return [3]float64{0, 0.9, 0}
	case "RShoulder", "LShoulder":
		return [3]float64{0, 1.4, 1.8 * side}
	case "RHip", "LHip":
		return [3]float64{0, 0.9, side}
	case "RKnee", "LKnee":
		return [3]float64{0.05, 0.5, side}
	case "RAnkle", "LAnkle":
		return [3]float64{0, 0.08, side}
	case "RBigToe", "LBigToe":
		return [3]float64{0.18, 0.02, 1.2 * side}
	case "RHeel", "LHeel":
		return [3]float64{-0.05, 0.03, side}
	}
	panic(name)
}

// trcLines builds a small TRC file (line 1 first): 14 markers, 6 rows at
// 60 Hz from line 7, the knees moving 1 mm forward a row.
func trcLines() []string {
	lines := []string{
		"PathFileType\t4\t(X/Y/Z)\tsynthetic.trc",
		"DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
		fmt.Sprintf("60\t60\t6\t%d\tm\t60\t1\t6", len(trcMarkers)),
	}
	names, labels := "Frame#\tTime", "\t"
	for i, m := range trcMarkers {
		names += "\t" + m + "\t\t"
		labels += fmt.Sprintf("\tX%d\tY%d\tZ%d", i+1, i+1, i+1)
	}
	lines = append(lines, names, labels, "")
	for r := 0; r < 6; r++ {
		row := fmt.Sprintf("%d\t%.7f", r+1, float64(r)/60)
		for _, m := range trcMarkers {
			p := trcMarkerPos(m)
			if strings.HasSuffix(m, "Knee") {
				p[0] += 0.001 * float64(r)
			}
			row += fmt.Sprintf("\t%.7f\t%.7f\t%.7f", p[0], p[1], p[2])
		}
		lines = append(lines, row)
	}
	return lines
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// editField replaces field k (0-based) of line n (1-based).
func editField(lines []string, n, k int, value string) []string {
	f := strings.Split(lines[n-1], "\t")
	f[k] = value
	lines[n-1] = strings.Join(f, "\t")
	return lines
}

// TestTRCColumnsMustAgree: a TRC file whose columns do not line up with its
// marker names is refused with a message naming the line; before, dropping
// one name shifted every later marker onto its neighbour's data.
func TestTRCColumnsMustAgree(t *testing.T) {
	cases := []struct {
		name string
		edit func([]string) []string
		want []string
	}{
		{"RKnee name and its two tabs dropped", func(l []string) []string {
			l[3] = strings.Replace(l[3], "RKnee\t\t\t", "", 1)
			return l
		}, []string{"line 4 names 13, line 5 labels 42 X/Y/Z columns (39 are needed for 13 markers), NumMarkers on line 3 says 14", "two empty columns"}},
		{"RKnee name blanked, its tabs kept", func(l []string) []string {
			l[3] = strings.Replace(l[3], "RKnee", "", 1)
			return l
		}, []string{`line 4, column 18: marker 6 (after "RHip") has no name`, "columns 18 to 20"}},
		{"a name shifted by a lost tab", func(l []string) []string {
			l[3] = strings.Replace(l[3], "\tRKnee", "RKnee", 1)
			return l
		}, []string{`line 4, column 17: marker name "RKnee" is not over an X column`, "a name or a tab is missing before it"}},
		{"a value missing in a row", func(l []string) []string {
			f := strings.Split(l[8], "\t")
			l[8] = strings.Join(append(f[:10:10], f[11:]...), "\t")
			return l
		}, []string{"line 9 has 43 columns", "the header's 14 markers make 44", "a value or a tab is missing"}},
		{"an extra value in a row", func(l []string) []string {
			l[9] += "\t0.5"
			return l
		}, []string{"line 10 has 45 columns", "remove the extra values"}},
		{"NumMarkers disagrees", func(l []string) []string {
			l[2] = strings.Replace(l[2], "\t14\t", "\t15\t", 1)
			return l
		}, []string{"line 4 names 14, line 5 labels 42 X/Y/Z columns, NumMarkers on line 3 says 15"}},
		{"a marker name used twice", func(l []string) []string {
			l[3] = strings.Replace(l[3], "RHeel", "rknee", 1)
			return l
		}, []string{`line 4: marker name "rknee" appears twice (columns 18 and 42)`}},
		{"X/Y/Z labels of one marker missing", func(l []string) []string {
			l[4] = strings.Replace(l[4], "\tX14\tY14\tZ14", "", 1)
			return l
		}, []string{"line 5 labels 39 X/Y/Z columns (42 are needed for 14 markers)"}},
		{"a label out of order", func(l []string) []string {
			l[4] = strings.Replace(l[4], "\tX2\tY2", "\tY2\tX2", 1)
			return l
		}, []string{`line 5, column 6: label "Y2" where the X column of marker "RShoulder" belongs`}},
		{"a coordinate of 1e308 m", func(l []string) []string { return editField(l, 8, 2, "1e308") },
			[]string{"line 8, column 3 (Neck X): 1e+308 m is beyond ±100 m"}},
		{"an infinite coordinate", func(l []string) []string { return editField(l, 8, 4, "-Inf") },
			[]string{`line 8, column 5 (Neck Z): "-Inf" is infinite`}},
		{"an overflowing coordinate", func(l []string) []string { return editField(l, 8, 3, "1e999") },
			[]string{`line 8, column 4 (Neck Y): "1e999" is too large`}},
		{"text in a coordinate", func(l []string) []string { return editField(l, 9, 18, "n/a") },
			[]string{`line 9, column 19 (RKnee Y): "n/a" is not a number`, "empty columns or NaN"}},
		{"pixel positions under Units m", func(l []string) []string { return editField(l, 7, 2, "640") },
			[]string{"line 7, column 3 (Neck X): 640 m is beyond ±100 m (Units: m)", "set Units to px"}},
		{"a DataRate of NaN", func(l []string) []string { return editField(l, 3, 0, "NaN") },
			[]string{"line 3: DataRate: frame rate NaN is not a plausible frame rate"}},
		{"a DataRate of a billion", func(l []string) []string { return editField(l, 3, 0, "1e9") },
			[]string{"line 3: DataRate: frame rate 1e+09 is not a plausible frame rate"}},
		{"a time of 1e300 s", func(l []string) []string { return editField(l, 12, 1, "1e300") },
			[]string{"line 12: time 1e+300 s is beyond ±1e+06 s"}},
		{"rows a nanosecond apart", func(l []string) []string { return editField(l, 8, 1, "0.000000001") },
			[]string{"line 8: time 0.000 s is only 1e-09 s after the previous row's"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := track.ReadTRC(strings.NewReader(joinLines(c.edit(trcLines()))), "synthetic.trc")
			wantErr(t, err, append([]string{"reading TRC synthetic.trc: "}, c.want...)...)
		})
	}
}

// TestTRCRKneeDroppedShared: the report's case on the real OpenCap file:
// RKnee's name (and its two tabs) removed from the name row. Before, the
// file was read with every later marker shifted, and all reps graded a
// severe cave.
func TestTRCRKneeDroppedShared(t *testing.T) {
	data, err := os.ReadFile(testenv.SharedFile(t, "mocap/opencap-squats.trc"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if !strings.Contains(lines[3], "\tRKnee\t\t\t") {
		t.Fatalf("line 4 of opencap-squats.trc has no RKnee: %.80q", lines[3])
	}
	lines[3] = strings.Replace(lines[3], "RKnee\t\t\t", "", 1)
	p := filepath.Join(t.TempDir(), "rknee-dropped.trc")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = track.Load(p, track.LoadOptions{})
	wantErr(t, err, "reading TRC rknee-dropped.trc: ", "line 4 names 62, line 5 labels 189 X/Y/Z columns (186 are needed for 62 markers), NumMarkers on line 3 says 63")
	// The intact file still reads.
	if _, err := track.Load(testenv.SharedFile(t, "mocap/opencap-squats.trc"), track.LoadOptions{}); err != nil {
		t.Fatalf("intact file: %v", err)
	}
}

// TestTRCAccepted: what TRC writers do and kneetrack must keep reading:
// trailing tabs and CRLF (OpenCap), a byte order mark, NaN or empty
// columns for a marker that was not seen.
func TestTRCAccepted(t *testing.T) {
	rk := 5 // RKnee's marker number (0-based); its X is field 2+3*5
	cases := []struct {
		name   string
		text   string
		noKnee int // 0-based row whose right knee is missing; -1 none
	}{
		{"as written", joinLines(trcLines()), -1},
		{"OpenCap's trailing tabs and CRLF", func() string {
			l := trcLines()
			for i := 3; i < len(l); i++ {
				if l[i] != "" && i < 5 {
					l[i] += "\t"
				}
			}
			l[3] += "\t\t"
			return strings.Join(l, "\r\n") + "\r\n"
		}(), -1},
		{"a byte order mark", "\ufeff" + joinLines(trcLines()), -1},
		{"NaN for a marker not seen", joinLines(editField(editField(editField(trcLines(), 9, 2+3*rk, "NaN"), 9, 3+3*rk, "nan"), 9, 4+3*rk, "-nan")), 2},
		{"empty columns for a marker not seen", joinLines(editField(editField(editField(trcLines(), 8, 2+3*rk, ""), 8, 3+3*rk, ""), 8, 4+3*rk, "")), 1},
		{"only Y missing", joinLines(editField(trcLines(), 8, 3+3*rk, "")), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := track.ReadTRC(strings.NewReader(c.text), "ok.trc")
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Frames) != 6 || tr.Video.FPS != 60 || tr.WorldUp != "+y" {
				t.Fatalf("%d frames at %v fps, up %q", len(tr.Frames), tr.Video.FPS, tr.WorldUp)
			}
			k := tr.Index(track.RightKnee)
			for i, f := range tr.Frames {
				p := f.Points[k]
				if i == c.noKnee {
					if p.HasWorld {
						t.Fatalf("row %d: the right knee was not seen but has a position %+v", i, p.World)
					}
					continue
				}
				if want := (track.Vec3{X: 0.05 + 0.001*float64(i), Y: 0.5, Z: 0.1}); !p.HasWorld || p.World.Sub(want).Norm() > 1e-9 {
					t.Fatalf("row %d: right knee %+v, want %+v", i, p.World, want)
				}
			}
		})
	}
}

// ---- files that are not tracks, too large, or not files ----

// endless is a reader that never ends: head, then filler forever. It gives
// up after 64 MiB, so that a reader without a limit fails instead of
// exhausting memory.
type endless struct {
	head   []byte
	filler byte
	n      int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n > 64<<20 {
		return 0, errors.New("the test's endless reader was read past 64 MiB: no size limit")
	}
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.filler
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestReadersLimitSize: a track that grows without end (a reader that
// never stops) is cut off at the size limit with a message saying so.
func TestReadersLimitSize(t *testing.T) {
	defer track.SetLimits(track.Limits{TrackBytes: 1 << 20})()
	cases := []struct {
		name string
		read func(io.Reader) error
		head string
		fill byte
		want string
	}{
		{"track JSON", func(r io.Reader) error { _, err := track.ReadJSON(r); return err },
			`{"schema":"kneetrack.track/v1","skeleton":"`, 'a', "reading track JSON: the file is larger than 1 MiB"},
		{"track JSON of spaces", func(r io.Reader) error { _, err := track.ReadJSON(r); return err },
			`{`, ' ', "reading track JSON: the file is larger than 1 MiB"},
		{"TRC", func(r io.Reader) error { _, err := track.ReadTRC(r, "grows.trc"); return err },
			strings.Join(trcLines()[:6], "\n") + "\n", '\n', "reading TRC grows.trc: the file is larger than 1 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			within(t, 20*time.Second, "reading an endless "+c.name, func() {
				err = c.read(&endless{head: []byte(c.head), filler: c.fill})
			})
			wantErr(t, err, c.want)
		})
	}
}

// sparse makes a file of size bytes that starts with head and costs no
// disk space.
func sparse(t *testing.T, path string, head []byte, size int64) string {
	t.Helper()
	if err := os.WriteFile(path, head, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadSniffs: Load looks at a file's first bytes and its size before
// reading it, and says what a file that is not a track looks like.
func TestLoadSniffs(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		path string
		want []string
	}{
		{"more than 1 GiB", sparse(t, filepath.Join(dir, "big.json"), []byte("{"), 1<<30+1),
			[]string{"big.json is 1024 MiB, larger than the 1 GiB kneetrack reads for one track"}},
		{"100 MiB of zeros", sparse(t, filepath.Join(dir, "zeros.bin"), nil, 100<<20),
			[]string{"zeros.bin: unknown file type", "it looks like binary data", "a kneetrack track starts with {, a TRC file with PathFileType"}},
		{"a PNG image", file("photo.json", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")), []string{"photo.json: unknown file type", "it looks like a PNG image"}},
		{"a GIF", file("squat.gif", []byte("GIF89a\x10\x00")), []string{"it looks like a GIF image"}},
		{"a text file", file("notes.txt", []byte("\n  squats on Monday\nbench on Friday\n")), []string{"notes.txt: unknown file type: not a video", `it looks like text starting "squats on Monday"`}},
		{"a JSON list", file("list.json", []byte(" [1, 2, 3]")), []string{"it looks like JSON holding a list"}},
		{"an empty file", file("empty.json", nil), []string{"it looks like an empty file"}},
		{"a .trc that is not TRC", file("fake.trc", []byte("hello\n")), []string{"fake.trc is not a TRC file", `text starting "hello"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			within(t, 20*time.Second, "Load", func() { _, err = track.Load(c.path, track.LoadOptions{}) })
			wantErr(t, err, c.want...)
		})
	}
	// A track JSON saved with a byte order mark reads.
	var buf bytes.Buffer
	if err := track.WriteJSON(&buf, smallTrack()); err != nil {
		t.Fatal(err)
	}
	bom := file("bom.json", append([]byte("\ufeff"), buf.Bytes()...))
	if tr, err := track.Load(bom, track.LoadOptions{}); err != nil || len(tr.Frames) != 3 {
		t.Fatalf("track JSON with a byte order mark: %v", err)
	}
}

// ---- numbers ----

// smallTrack is a valid 6-keypoint track: 3 frames at 30 fps in a 1280x720
// picture, with world positions.
func smallTrack() *track.Track {
	sk := track.Skeleton{Name: "test", Keypoints: []string{track.LeftHip, track.RightHip, track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle}}
	tr := track.New(sk, 3)
	tr.Video = track.Video{Source: "set.mp4", Width: 1280, Height: 720, FPS: 30, DurationS: 0.1}
	tr.WorldUp = "-y"
	for i := 0; i < 3; i++ {
		f := track.Frame{Index: i, Time: float64(i) / 30, Points: make([]track.Point, len(sk.Keypoints))}
		for k := range f.Points {
			f.Points[k] = track.Point{X: 600 + 20*float64(k%2), Y: 300 + 100*float64(k/2), Z: -0.1, Conf: 0.9,
				World: track.Vec3{X: 0.1 * float64(k%2), Y: -0.9 + 0.4*float64(k/2)}, HasWorld: true}
		}
		tr.Frames = append(tr.Frames, f)
	}
	tr.FillNormalised()
	return tr
}

// trackDoc returns smallTrack as a generic JSON document to edit.
func trackDoc(t *testing.T) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := track.WriteJSON(&buf, smallTrack()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func docFrame(doc map[string]any, i int) map[string]any {
	return doc["frames"].([]any)[i].(map[string]any)
}

func docPoint(doc map[string]any, i, k int) map[string]any {
	return docFrame(doc, i)["points"].([]any)[k].(map[string]any)
}

func docVideo(doc map[string]any) map[string]any { return doc["video"].(map[string]any) }

func marshal(t *testing.T, doc map[string]any) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestJSONNumbersChecked: every number of a track JSON must be finite and
// in a sane range; before, one coordinate of 1e308 turned a squat into
// "side view, no squat".
func TestJSONNumbersChecked(t *testing.T) {
	lk := 2 // left_knee
	cases := []struct {
		name string
		edit func(map[string]any)
		raw  func(string) string // applied after edit
		want string
	}{
		{"x of 1e308", func(d map[string]any) { docPoint(d, 1, lk)["x"] = 1e308 }, nil,
			"frame 1 (t = 0.033 s), left_knee: x = 1e+308 px is far outside the picture (1280 px; kneetrack accepts -12800 to 14080 px"},
		{"y of -1e308", func(d map[string]any) { docPoint(d, 2, 0)["y"] = -1e308 }, nil,
			"frame 2 (t = 0.067 s), left_hip: y = -1e+308 px is far outside the picture (720 px"},
		{"nx of 1e300", func(d map[string]any) { docPoint(d, 0, 3)["nx"] = 1e300 }, nil,
			"frame 0 (t = 0.000 s), right_knee: nx = 1e+300 is far outside the picture"},
		{"depth of 1e300", func(d map[string]any) { docPoint(d, 0, 3)["z"] = 1e300 }, nil,
			"frame 0 (t = 0.000 s), right_knee: z = 1e+300 (depth) is beyond ±14080"},
		{"a world position 100 km away", func(d map[string]any) { docPoint(d, 1, 4)["world"] = []any{1e5, 0, 0} }, nil,
			"frame 1 (t = 0.033 s), left_ankle: world x = 100000 m is beyond ±100 m"},
		{"a world position of 2 numbers", func(d map[string]any) { docPoint(d, 1, 4)["world"] = []any{1, 0} }, nil,
			`frames[1]: point "left_ankle": "world" has 2 numbers, want 3`},
		{"a negative frame rate", func(d map[string]any) { docVideo(d)["fps"] = -30 }, nil,
			"video: frame rate -30 is not a plausible frame rate (0.1 to 10000 fps)"},
		{"a frame rate of a billion", func(d map[string]any) { docVideo(d)["fps"] = 1e9 }, nil,
			"video: frame rate 1e+09 is not a plausible frame rate"},
		{"a negative width", func(d map[string]any) { docVideo(d)["width"] = -5 }, nil,
			"video: picture size -5x720 is not plausible"},
		{"a width of 100000", func(d map[string]any) { docVideo(d)["width"] = 100000 }, nil,
			"video: picture size 100000x720 is not plausible"},
		{"a width without a height", func(d map[string]any) { docVideo(d)["height"] = 0 }, nil,
			"video: picture size 1280x0 is not plausible (width and height 1 to 32768 px each, or both 0 when unknown)"},
		{"a negative duration", func(d map[string]any) { docVideo(d)["duration_s"] = -1 }, nil,
			"video: duration -1 s is not plausible"},
		{"a rotation of 45 degrees", func(d map[string]any) { docVideo(d)["rotation"] = 45 }, nil,
			"video: rotation 45 is not 0, 90, 180 or 270 degrees"},
		{"a time of 1e300 s", func(d map[string]any) { docFrame(d, 2)["t"] = 1e300 }, nil,
			"frame 2 (t = 1e+300 s): time 1e+300 s is beyond ±1e+06 s"},
		{"frames a nanosecond apart", func(d map[string]any) { docFrame(d, 1)["t"] = 1e-9 }, nil,
			"frame 1 (t = 0.000 s) comes 1e-09 s after the previous frame"},
		{"a negative index", func(d map[string]any) { docFrame(d, 0)["index"] = -1 }, nil,
			"frame -1 (t = 0.000 s): index -1 is outside 0..1099511627776"},
		{"a world_up that is no axis", func(d map[string]any) { d["world_up"] = "up" }, nil,
			`world up axis "up" is not one of +x, -x, +y, -y, +z, -z`},
		{"a point listed twice", func(d map[string]any) {
			f := docFrame(d, 0)
			f["points"] = append(f["points"].([]any), docPoint(d, 0, 1))
		}, nil, `frames[0]: point "right_hip" is listed twice`},
		{"a keypoint not listed", func(d map[string]any) {
			f := docFrame(d, 1)
			f["points"] = f["points"].([]any)[:5]
		}, nil, `frames[1]: keypoint "right_ankle" is not listed: every frame lists every keypoint`},
		{"a second track after the first", nil, func(s string) string { return s + "\n{}" },
			"more data follows the track's closing }"},
		{"frames twice", nil, func(s string) string { return strings.Replace(s, `"frames":`, `"frames":[],"frames":`, 1) },
			`the key "frames" appears twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := trackDoc(t)
			if c.edit != nil {
				c.edit(doc)
			}
			text := marshal(t, doc)
			if c.raw != nil {
				text = c.raw(text)
			}
			_, err := track.ReadJSON(strings.NewReader(text))
			wantErr(t, err, "reading track JSON: ", c.want)
		})
	}
}

// TestJSONAccepted: what stays readable: an unknown frame rate (0), a point
// not found (conf 0) whatever coordinates it carries, keys in any order.
func TestJSONAccepted(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(map[string]any)
		check func(*track.Track) error
	}{
		{"frame rate unknown", func(d map[string]any) { docVideo(d)["fps"] = 0 }, nil},
		{"a point not found carries 1e308", func(d map[string]any) {
			p := docPoint(d, 1, 2)
			p["conf"], p["x"], p["y"] = 0, 1e308, -1e308
		}, func(tr *track.Track) error {
			if p := tr.Frames[1].Points[2]; p.Valid() || p.X != 0 || p.Y != 0 {
				return fmt.Errorf("point not found read as %+v", p)
			}
			return nil
		}},
		{"keys sorted (frames first)", nil, nil}, // json.Marshal of a map sorts the keys
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := trackDoc(t)
			if c.edit != nil {
				c.edit(doc)
			}
			tr, err := track.ReadJSON(strings.NewReader(marshal(t, doc)))
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Frames) != 3 || tr.Keypoints[2] != track.LeftKnee {
				t.Fatalf("read %d frames, keypoints %v", len(tr.Frames), tr.Keypoints)
			}
			if c.check != nil {
				if err := c.check(tr); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestLoadNamesFileFrameKeypoint: through Load, the message about a bad
// number names the file, the frame (index and time) and the keypoint.
func TestLoadNamesFileFrameKeypoint(t *testing.T) {
	doc := trackDoc(t)
	docPoint(doc, 1, 2)["x"] = 1e308
	p := filepath.Join(t.TempDir(), "set.json")
	if err := os.WriteFile(p, []byte(marshal(t, doc)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := track.Load(p, track.LoadOptions{})
	wantErr(t, err, "reading track JSON set.json: frame 1 (t = 0.033 s), left_knee: x = 1e+308 px", "correct or remove that value")
}

// ---- OpenPose ----

// openPosePerson is a BODY_25 person standing at x0.
func openPosePerson(x0 float64) []float64 {
	v := make([]float64, 75)
	for k := 0; k < 25; k++ {
		v[3*k], v[3*k+1], v[3*k+2] = x0+float64(k%5), 100+20*float64(k), 0.8
	}
	return v
}

// openPoseJSON is one OpenPose frame file.
func openPoseJSON(people ...[]float64) []byte {
	type person struct {
		Pose []float64 `json:"pose_keypoints_2d"`
	}
	doc := struct {
		Version float64  `json:"version"`
		People  []person `json:"people"`
	}{Version: 1.3}
	for _, p := range people {
		doc.People = append(doc.People, person{p})
	}
	b, _ := json.Marshal(doc)
	return b
}

func openPoseName(n int) string { return fmt.Sprintf("clip_%012d_keypoints.json", n) }

// openPoseFolder is a 3-frame folder; edit may change it.
func openPoseFolder(edit func(fstest.MapFS)) fstest.MapFS {
	fsys := fstest.MapFS{}
	for n := 0; n < 3; n++ {
		fsys[openPoseName(n)] = &fstest.MapFile{Data: openPoseJSON(openPosePerson(300))}
	}
	if edit != nil {
		edit(fsys)
	}
	return fsys
}

// TestOpenPoseChecked: OpenPose folders are read within limits (files,
// entries, bytes, people) and their numbers checked; before, all of these
// were read as they came.
func TestOpenPoseChecked(t *testing.T) {
	person := func(k int, x, c float64) []float64 {
		p := openPosePerson(300)
		p[3*k], p[3*k+2] = x, c
		return p
	}
	opt := track.OpenPoseOptions{FPS: 30, Source: "poses"}
	cases := []struct {
		name   string
		fsys   fstest.MapFS
		opt    track.OpenPoseOptions
		limits track.Limits
		want   string
	}{
		{"x of 1e308", openPoseFolder(func(m fstest.MapFS) {
			m[openPoseName(1)].Data = openPoseJSON(person(0, 1e308, 0.9))
		}), opt, track.Limits{}, "reading OpenPose folder poses: file clip_000000000001_keypoints.json (frame 1, t = 0.033 s): person 1, nose: x = 1e+308 px is beyond ±1e+06 px"},
		{"x of 1e308 in a known picture", openPoseFolder(func(m fstest.MapFS) {
			m[openPoseName(2)].Data = openPoseJSON(openPosePerson(300), person(9, -1e308, 0.5))
		}), track.OpenPoseOptions{FPS: 30, Width: 1920, Height: 1080, Source: "poses"}, track.Limits{},
			"file clip_000000000002_keypoints.json (frame 2, t = 0.067 s): person 2, right_hip: x = -1e+308 px is far outside the picture (1920 px"},
		{"a confidence of 7", openPoseFolder(func(m fstest.MapFS) {
			m[openPoseName(0)].Data = openPoseJSON(person(13, 310, 7))
		}), opt, track.Limits{}, "(frame 0, t = 0.000 s): person 1, left_knee: confidence 7 is outside 0..1"},
		{"a negative confidence", openPoseFolder(func(m fstest.MapFS) {
			m[openPoseName(0)].Data = openPoseJSON(person(13, 310, -0.5))
		}), opt, track.Limits{}, "person 1, left_knee: confidence -0.5 is outside 0..1"},
		{"a frame rate of NaN", openPoseFolder(nil), track.OpenPoseOptions{FPS: math.NaN(), Source: "poses"}, track.Limits{},
			"reading OpenPose folder poses: frame rate NaN is not a plausible frame rate"},
		{"a negative frame rate", openPoseFolder(nil), track.OpenPoseOptions{FPS: -25, Source: "poses"}, track.Limits{},
			"frame rate -25 is not a plausible frame rate"},
		{"a negative width", openPoseFolder(nil), track.OpenPoseOptions{FPS: 30, Width: -1, Height: 720}, track.Limits{},
			"picture size -1x720 is not plausible"},
		{"too many files", openPoseFolder(func(m fstest.MapFS) {
			for n := 3; n < 6; n++ {
				m[openPoseName(n)] = &fstest.MapFile{Data: openPoseJSON(openPosePerson(300))}
			}
		}), opt, track.Limits{OpenPoseFiles: 5}, "more than 5 *_keypoints.json files"},
		{"too many entries", openPoseFolder(func(m fstest.MapFS) {
			for n := 0; n < 10; n++ {
				m[fmt.Sprintf("notes%d.txt", n)] = &fstest.MapFile{Data: []byte("x")}
			}
		}), opt, track.Limits{FolderEntries: 8}, "the folder holds more than 8 entries"},
		{"a file too large", openPoseFolder(func(m fstest.MapFS) {
			m[openPoseName(1)].Data = append(openPoseJSON(openPosePerson(300)), bytes.Repeat([]byte(" "), 2000)...)
		}), opt, track.Limits{OpenPoseFileBytes: 1000}, "file clip_000000000001_keypoints.json (frame 1, t = 0.033 s): the file is larger than 1000 bytes"},
		{"too many people", openPoseFolder(func(m fstest.MapFS) {
			crowd := make([][]float64, 1001)
			for i := range crowd {
				crowd[i] = openPosePerson(float64(i))
			}
			m[openPoseName(2)].Data = openPoseJSON(crowd...)
		}), opt, track.Limits{}, "1001 people in one frame, more than kneetrack reads (1000)"},
		{"two runs in one folder", openPoseFolder(func(m fstest.MapFS) {
			m["other_000000000001_keypoints.json"] = &fstest.MapFile{Data: openPoseJSON(openPosePerson(300))}
		}), opt, track.Limits{}, "clip_000000000001_keypoints.json and other_000000000001_keypoints.json are both frame 1"},
		{"a frame number of a year", openPoseFolder(func(m fstest.MapFS) {
			m[openPoseName(999_999_999)] = &fstest.MapFile{Data: openPoseJSON(openPosePerson(300))}
		}), opt, track.Limits{}, "file clip_000999999999_keypoints.json (frame 999999999, t = 3.33333e+07 s): the frame number is too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer track.SetLimits(c.limits)()
			_, err := track.ReadOpenPose(c.fsys, c.opt)
			wantErr(t, err, c.want)
		})
	}
	// A point with confidence 0 is not found, whatever its coordinates.
	tr, err := track.ReadOpenPose(openPoseFolder(func(m fstest.MapFS) {
		m[openPoseName(1)].Data = openPoseJSON(person(13, 1e308, 0))
	}), opt)
	if err != nil {
		t.Fatal(err)
	}
	if p := tr.Frames[1].Points[tr.Index(track.LeftKnee)]; p.Valid() || p.X != 0 {
		t.Fatalf("a point with confidence 0 read as %+v", p)
	}
}

// TestOpenPoseHugeFileOnDisk: a frame file larger than 16 MiB in a real
// folder is refused from its size, before it is read.
func TestOpenPoseHugeFileOnDisk(t *testing.T) {
	dir := t.TempDir()
	for n := 0; n < 2; n++ {
		if err := os.WriteFile(filepath.Join(dir, openPoseName(n)), openPoseJSON(openPosePerson(300)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sparse(t, filepath.Join(dir, openPoseName(2)), []byte(`{"people":[`), 17<<20)
	_, err := track.Load(dir, track.LoadOptions{})
	wantErr(t, err, "file clip_000000000002_keypoints.json (frame 2, t = 0.067 s): the file is larger than 16 MiB")
}

// ---- strings ----

// TestStringsCleaned: terminal escape codes and bidi controls in what a
// file says (video.source, skeleton and keypoint names, file names) are
// replaced with U+FFFD when the file is read; accented names are kept.
func TestStringsCleaned(t *testing.T) {
	const pwned = "\x1b]0;pwned\x07"
	readDoc := func(edit func(map[string]any)) func(t *testing.T) (*track.Track, error) {
		return func(t *testing.T) (*track.Track, error) {
			doc := trackDoc(t)
			edit(doc)
			return track.ReadJSON(strings.NewReader(marshal(t, doc)))
		}
	}
	dir := t.TempDir()
	cases := []struct {
		name string
		read func(t *testing.T) (*track.Track, error)
		get  func(*track.Track) string
		want string
	}{
		{"video.source", readDoc(func(d map[string]any) { docVideo(d)["source"] = pwned + "set.mp4" }),
			func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDset.mp4"},
		{"skeleton", readDoc(func(d map[string]any) { d["skeleton"] = "\x1b[2Jblaze\u009b1m" }),
			func(tr *track.Track) string { return tr.Skeleton }, "\uFFFD[2Jblaze\uFFFD1m"},
		{"a keypoint name", readDoc(func(d map[string]any) {
			d["keypoints"].([]any)[5] = "right_ankle\u202egnp.exe"
			docPoint(d, 0, 5)["name"] = "right_ankle\u202egnp.exe"
			docPoint(d, 1, 5)["name"] = "right_ankle\u202egnp.exe"
			docPoint(d, 2, 5)["name"] = "right_ankle\u202egnp.exe"
		}), func(tr *track.Track) string { return tr.Keypoints[5] }, "right_ankle\uFFFDgnp.exe"},
		{"an accented source", readDoc(func(d map[string]any) { docVideo(d)["source"] = "Séance – Zoë 日本 🏋.mp4" }),
			func(tr *track.Track) string { return tr.Video.Source }, "Séance – Zoë 日本 🏋.mp4"},
		{"a TRC file's name", func(t *testing.T) (*track.Track, error) {
			return track.ReadTRC(strings.NewReader(joinLines(trcLines())), pwned+"squats.trc")
		}, func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDsquats.trc"},
		{"a track file's name", func(t *testing.T) (*track.Track, error) {
			doc := trackDoc(t)
			delete(docVideo(doc), "source")
			p := filepath.Join(dir, pwned+"set.json")
			if err := os.WriteFile(p, []byte(marshal(t, doc)), 0o644); err != nil {
				t.Fatal(err)
			}
			return track.Load(p, track.LoadOptions{})
		}, func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDset.json"},
		{"an OpenPose source", func(t *testing.T) (*track.Track, error) {
			return track.ReadOpenPose(openPoseFolder(nil), track.OpenPoseOptions{Source: pwned + "poses"})
		}, func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDposes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := c.read(t)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.get(tr); got != c.want {
				t.Fatalf("read %q, want %q", got, c.want)
			}
		})
	}

	// Messages quoting a file's words are clean too.
	unknown := filepath.Join(dir, "\x1b[2J"+"notes.txt")
	if err := os.WriteFile(unknown, []byte("\x1b]0;pwned\x07 hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := track.Load(unknown, track.LoadOptions{})
	wantErr(t, err, "\uFFFD[2Jnotes.txt: unknown file type")
	doc := trackDoc(t)
	doc["world_up"] = "+y" + pwned
	_, err = track.ReadJSON(strings.NewReader(marshal(t, doc)))
	wantErr(t, err, "world up axis")
	_, err = track.ReadTRC(strings.NewReader(strings.Replace(joinLines(trcLines()), "\tRKnee", "\x1b[31mRKnee", 1)), "x.trc")
	wantErr(t, err, "marker name \"\uFFFD[31mRKnee\" is not over an X column")
}

// TestCleanText: which characters CleanText replaces.
func TestCleanText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain name.mp4", "plain name.mp4"},
		{"Zoë's squat – jour 1 日本 🏋", "Zoë's squat – jour 1 日本 🏋"},
		{"a\x1b]0;x\x07b", "a\uFFFD]0;x\uFFFDb"},
		{"tab\there\nnew\rcr", "tab\uFFFDhere\uFFFDnew\uFFFDcr"},
		{"del\x7f", "del\uFFFD"},
		{"c1\u0085\u009b", "c1\uFFFD\uFFFD"},
		{"bidi\u202e\u2066\u2069\u200f\u061c", "bidi\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"ls\u2028ps\u2029", "ls\uFFFDps\uFFFD"},
		{"bad\xffutf8\xc3", "bad\uFFFDutf8\uFFFD"},
		{"", ""},
	}
	for _, c := range cases {
		if got := track.CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
		if _, bad := firstUnsafe(track.CleanText(c.in)); bad {
			t.Errorf("CleanText(%q) is not clean", c.in)
		}
	}
}

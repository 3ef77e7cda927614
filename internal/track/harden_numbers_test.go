package track_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

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

package track_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// sample builds a small BlazePose track with a missing point, a filled
// point, depth and world positions.
func sample() *track.Track {
	t := track.New(track.BlazePose33(), 3)
	t.Video = track.Video{Source: "clip.mp4", Width: 1280, Height: 720, FPS: 30, DurationS: 0.1, Rotation: 90}
	t.WorldUp = "-y"
	for i := 0; i < 3; i++ {
		f := track.Frame{Index: i, Time: float64(i) / 30, Points: make([]track.Point, len(t.Keypoints))}
		for k := range f.Points {
			f.Points[k] = track.Point{X: 100 + float64(k) + 0.123456789*float64(i), Y: 200 + float64(k), Z: -0.25, Conf: 0.9,
				World: track.Vec3{X: 0.1 * float64(k), Y: -0.5, Z: 0.01}, HasWorld: true}
		}
		f.Points[t.Index(track.LeftHeel)] = track.Point{} // not found
		f.Points[t.Index(track.RightKnee)].Filled = true
		t.Frames = append(t.Frames, f)
	}
	t.FillNormalised()
	return t
}

func TestJSONRoundTrip(t *testing.T) {
	in := sample()
	var buf bytes.Buffer
	if err := track.WriteJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	// The document is self-describing: schema and named keypoints.
	var raw map[string]any
	schematest.Validate(t, schematest.Track, buf.Bytes())
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["schema"] != track.SchemaV1 {
		t.Fatalf("schema %v, want %s", raw["schema"], track.SchemaV1)
	}
	p0 := raw["frames"].([]any)[0].(map[string]any)["points"].([]any)[25].(map[string]any)
	if p0["name"] != track.LeftKnee {
		t.Fatalf("point 25 is named %v, want left_knee", p0["name"])
	}
	out, err := track.ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if out.Video != in.Video || out.Skeleton != in.Skeleton || out.WorldUp != in.WorldUp || len(out.Frames) != 3 {
		t.Fatalf("metadata changed: %+v vs %+v", out.Video, in.Video)
	}
	for i := range in.Frames {
		for k := range in.Frames[i].Points {
			a, b := in.Frames[i].Points[k], out.Frames[i].Points[k]
			if a.Valid() != b.Valid() || a.Filled != b.Filled || a.HasWorld != b.HasWorld {
				t.Fatalf("frame %d %s: flags changed: %+v vs %+v", i, in.Keypoints[k], a, b)
			}
			if a.Valid() && (a.X != b.X || a.Y != b.Y || a.NX != b.NX || a.NY != b.NY || a.Z != b.Z || a.Conf != b.Conf || a.World != b.World) {
				t.Fatalf("frame %d %s: %+v became %+v", i, in.Keypoints[k], a, b)
			}
		}
	}
}

func TestJSONErrors(t *testing.T) {
	cases := map[string]string{
		"not JSON":        "hello",
		"no schema":       `{"keypoints":["a"],"frames":[]}`,
		"newer schema":    `{"schema":"kneetrack.track/v2"}`,
		"other schema":    `{"schema":"kneetrack.analysis/v1"}`,
		"no frames":       `{"schema":"kneetrack.track/v1","keypoints":["left_hip"],"frames":[]}`,
		"unknown point":   `{"schema":"kneetrack.track/v1","keypoints":["left_hip"],"frames":[{"t":0,"points":[{"name":"x","conf":0}]}]}`,
		"conf without xy": `{"schema":"kneetrack.track/v1","keypoints":["left_hip"],"frames":[{"t":0,"points":[{"name":"left_hip","conf":0.5}]}]}`,
		"time backwards":  `{"schema":"kneetrack.track/v1","keypoints":["a"],"frames":[{"t":1,"points":[{"name":"a","conf":0}]},{"t":0.5,"points":[{"name":"a","conf":0}]}]}`,
	}
	for name, doc := range cases {
		if _, err := track.ReadJSON(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, err := track.ReadJSON(strings.NewReader(`{"schema":"kneetrack.track/v2"}`))
	if err == nil || !strings.Contains(err.Error(), "upgrade") {
		t.Errorf("newer schema: error %v should say to upgrade", err)
	}
}

func TestReadTRCOpenCap(t *testing.T) {
	p := testenv.SharedFile(t, "mocap/opencap-squats.trc")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := track.ReadTRC(f, "opencap-squats.trc")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Frames) != 832 || tr.Video.FPS != 60 || tr.WorldUp != "+y" {
		t.Fatalf("got %d frames at %v fps, up %q; want 832 at 60, +y", len(tr.Frames), tr.Video.FPS, tr.WorldUp)
	}
	for _, k := range []string{track.LeftHip, track.RightKnee, track.LeftAnkle, track.RightHeel, track.LeftFootIndex, track.RightShoulder} {
		if !tr.Has(k) {
			t.Fatalf("keypoint %s not mapped; have %v", k, tr.Keypoints)
		}
	}
	// Frame 1 of the file: LHip = 0.9342400 0.9036323 0.2387400 (read by eye
	// from the file).
	lh := tr.Frames[0].Points[tr.Index(track.LeftHip)]
	if !lh.HasWorld || lh.World != (track.Vec3{X: 0.93424, Y: 0.9036323, Z: 0.23874}) {
		t.Fatalf("left hip frame 1 = %+v", lh.World)
	}
	if lh.Valid() {
		t.Fatal("a 3D track must not claim image positions before projection")
	}
	if got := tr.Frames[831].Time; !near(got, 13.85, 1e-9) {
		t.Fatalf("last time %v, want 13.85", got)
	}
}

func TestReadTRCLabMarkers(t *testing.T) {
	p := testenv.SharedFile(t, "mocap/drop-jump-DJ1.trc")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := track.ReadTRC(f, "DJ1")
	if err != nil {
		t.Fatal(err)
	}
	// L_HJC and L_knee, frame 1: -1.1246 1.262 -0.676469 / -1.14285 0.844696 -0.740557
	if w := tr.Frames[0].Points[tr.Index(track.LeftHip)].World; w != (track.Vec3{X: -1.1246, Y: 1.262, Z: -0.676469}) {
		t.Fatalf("left hip (L_HJC) = %+v", w)
	}
	if w := tr.Frames[0].Points[tr.Index(track.LeftKnee)].World; w != (track.Vec3{X: -1.14285, Y: 0.844696, Z: -0.740557}) {
		t.Fatalf("left knee (L_knee) = %+v", w)
	}
	if tr.WorldUp != "+y" || !tr.HasFeet() {
		t.Fatalf("up %q, feet %v", tr.WorldUp, tr.HasFeet())
	}
	// Lab marker sets lose markers: those frames carry no world position.
	missing := 0
	for _, fr := range tr.Frames {
		if !fr.Points[tr.Index(track.RightFootIndex)].HasWorld {
			missing++
		}
	}
	if missing == 0 {
		t.Fatal("expected some frames without the right toe marker (r_toe is blank in DJ1)")
	}
}

func TestTRCRoundTrip(t *testing.T) {
	p := testenv.SharedFile(t, "mocap/opencap-asymmetric-squats.trc")
	in, err := track.Load(p, track.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 3D: world positions survive (10 significant digits).
	var buf bytes.Buffer
	if err := track.WriteTRC(&buf, in); err != nil {
		t.Fatal(err)
	}
	back, err := track.ReadTRC(&buf, "back")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Frames) != len(in.Frames) || strings.Join(back.Keypoints, ",") != strings.Join(in.Keypoints, ",") {
		t.Fatalf("keypoints %v vs %v", back.Keypoints, in.Keypoints)
	}
	for i := range in.Frames {
		if !near(back.Frames[i].Time, in.Frames[i].Time, 1e-9) {
			t.Fatalf("time %d: %v vs %v", i, back.Frames[i].Time, in.Frames[i].Time)
		}
		for k := range in.Keypoints {
			a, b := in.Frames[i].Points[k].World, back.Frames[i].Points[k].World
			if a.Sub(b).Norm() > 1e-8 {
				t.Fatalf("frame %d %s: %v vs %v", i, in.Keypoints[k], a, b)
			}
		}
	}
	// 2D: pixel positions survive, y flipped to TRC's upward Y and back.
	flat := in.Clone()
	for i := range flat.Frames {
		for k := range flat.Frames[i].Points {
			flat.Frames[i].Points[k].HasWorld = false
		}
	}
	buf.Reset()
	if err := track.WriteTRC(&buf, flat); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\tpx\t") {
		t.Fatal("2D TRC should declare px units")
	}
	back, err = track.ReadTRC(&buf, "back2d")
	if err != nil {
		t.Fatal(err)
	}
	for i := range flat.Frames {
		for k := range flat.Keypoints {
			a, b := flat.Frames[i].Points[k], back.Frames[i].Points[k]
			if a.Valid() != b.Valid() || (a.Valid() && (!near(a.X, b.X, 1e-6) || !near(a.Y, b.Y, 1e-6))) {
				t.Fatalf("frame %d %s: %+v vs %+v", i, flat.Keypoints[k], a, b)
			}
		}
	}
}

func TestTRCErrors(t *testing.T) {
	if _, err := track.ReadTRC(strings.NewReader("hello\nworld\n"), "x"); err == nil || !strings.Contains(err.Error(), "not a TRC") {
		t.Errorf("garbage: %v", err)
	}
	noKnees := "PathFileType\t4\t(X/Y/Z)\tx\nDataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\n60\t60\t1\t1\tm\nFrame#\tTime\tLHip\t\t\n\t\tX1\tY1\tZ1\n1\t0\t1\t2\t3\n"
	if _, err := track.ReadTRC(strings.NewReader(noKnees), "x"); err == nil || !strings.Contains(err.Error(), "left_knee") {
		t.Errorf("missing knees: %v", err)
	}
}

func TestProjectPointGeometry(t *testing.T) {
	cam := track.Camera{} // defaults: yaw 0, 0.9 m high, 3 m away, 720x1280, 60 deg vertical FOV
	fpx := 640 / math.Tan(math.Pi/6)
	x, y, ok := cam.ProjectPoint(0, 0, 0.9)
	if !ok || !near(x, 360, 1e-9) || !near(y, 640, 1e-9) {
		t.Fatalf("point on the axis at (%v, %v)", x, y)
	}
	// 0.3 m to the lifter's right at lens height, 3 m away: picture's left.
	x, _, _ = cam.ProjectPoint(0, 0.3, 0.9)
	if want := 360 - fpx*0.3/3; !near(x, want, 1e-9) {
		t.Fatalf("right-side point x = %v, want %v", x, want)
	}
	// the floor under the lifter: 0.9 m below the lens, 3 m away
	_, y, _ = cam.ProjectPoint(0, 0, 0)
	if want := 640 + fpx*0.9/3; !near(y, want, 1e-9) {
		t.Fatalf("floor y = %v, want %v", y, want)
	}
	// From the lifter's right side (yaw 90), forward appears to the right.
	side := track.Camera{YawDeg: 90}
	x, _, _ = side.ProjectPoint(0.2, 0, 0.9)
	if want := 360 + fpx*0.2/3; !near(x, want, 1e-9) {
		t.Fatalf("side view x = %v, want %v", x, want)
	}
	// Mirrored: left-right flipped.
	m := track.Camera{Mirror: true}
	x, _, _ = m.ProjectPoint(0, 0.3, 0.9)
	if want := 360 + fpx*0.3/3; !near(x, want, 1e-9) {
		t.Fatalf("mirrored x = %v, want %v", x, want)
	}
	// Behind the camera: refused.
	if _, _, ok := cam.ProjectPoint(5, 0, 0.9); ok {
		t.Fatal("a point behind the camera was projected")
	}
}

func TestBodyFrameOpenCap(t *testing.T) {
	p := testenv.SharedFile(t, "mocap/opencap-squats.trc")
	tr, err := track.Load(p, track.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bf, err := track.EstimateBodyFrame(tr)
	if err != nil {
		t.Fatal(err)
	}
	// OpenCap: X forward (the toes point +x), Y up, Z to the right.
	if bf.Forward.X < 0.95 || bf.Right.Z < 0.95 || bf.Up.Y != 1 {
		t.Fatalf("body frame %+v", bf)
	}
	// The floor: toe markers sit about 2 cm above the origin's height.
	if h := bf.Origin.Y; h < -0.02 || h > 0.04 {
		t.Fatalf("floor height %v", h)
	}
}

func TestProjectFacesCamera(t *testing.T) {
	tr := sim.StickSet{Reps: 1}.Track3D()
	front, err := track.Project(tr, track.Camera{})
	if err != nil {
		t.Fatal(err)
	}
	back, err := track.Project(tr, track.Camera{YawDeg: 180})
	if err != nil {
		t.Fatal(err)
	}
	l, r := front.Index(track.LeftHip), front.Index(track.RightHip)
	f0, b0 := front.Frames[0], back.Frames[0]
	// From the front the lifter's left hip appears on the picture's right.
	if !(f0.Points[l].X > f0.Points[r].X) || !(b0.Points[l].X < b0.Points[r].X) {
		t.Fatalf("front: L %.1f R %.1f; back: L %.1f R %.1f", f0.Points[l].X, f0.Points[r].X, b0.Points[l].X, b0.Points[r].X)
	}
	// Hips 0.20 m apart at about 3 m: 0.2/3·f pixels (perspective aside).
	fpx := 640 / math.Tan(math.Pi/6)
	if w := f0.Points[l].X - f0.Points[r].X; !near(w, 0.2/3*fpx, 2) {
		t.Fatalf("hip width %v px, want about %v", w, 0.2/3*fpx)
	}
	if !near(f0.Points[l].NX, f0.Points[l].X/720, 1e-12) || f0.Points[l].Conf != 1 || !f0.Points[l].HasWorld {
		t.Fatalf("projected point %+v", f0.Points[l])
	}
}

func TestOpenPoseFolder(t *testing.T) {
	dir := t.TempDir()
	person := func(dx float64, scale float64) []float64 {
		v := make([]float64, 75)
		for k := 0; k < 25; k++ {
			v[3*k] = 300 + dx + scale*float64(k%5)
			v[3*k+1] = 100 + scale*float64(k)
			v[3*k+2] = 0.8
		}
		v[3*21+2] = 0 // LHeel not found
		return v
	}
	write := func(n int, people ...[]float64) {
		type p struct {
			Pose []float64 `json:"pose_keypoints_2d"`
		}
		doc := struct {
			Version float64 `json:"version"`
			People  []p     `json:"people"`
		}{Version: 1.3}
		for _, pp := range people {
			doc.People = append(doc.People, p{pp})
		}
		data, _ := json.Marshal(doc)
		name := filepath.Join(dir, "clip_"+strings.Repeat("0", 11)+string(rune('0'+n))+"_keypoints.json")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Frame 0: a small passer-by listed first, then the lifter (larger).
	write(0, person(500, 2), person(0, 20))
	// Frame 1: the lifter moved slightly; a large person far away appears first.
	write(1, person(800, 25), person(3, 20))
	write(2, person(5, 20))
	tr, err := track.ReadOpenPose(os.DirFS(dir), track.OpenPoseOptions{FPS: 25, Width: 1000, Height: 1000, Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Frames) != 3 || !near(tr.Frames[2].Time, 0.08, 1e-12) {
		t.Fatalf("frames %d, t2 %v", len(tr.Frames), tr.Frames[2].Time)
	}
	nose := tr.Index(track.Nose)
	for i, want := range []float64{300, 303, 305} {
		if got := tr.Frames[i].Points[nose].X; got != want {
			t.Fatalf("frame %d picked the person at x=%v, want the lifter at %v", i, got, want)
		}
	}
	// BODY_25 index 19 (LBigToe) becomes left_foot_index; 21 (LHeel) missing.
	if got := tr.Frames[0].Points[tr.Index(track.LeftFootIndex)].Y; got != 100+20*19 {
		t.Fatalf("left_foot_index y = %v, want %v", got, 100+20*19)
	}
	if tr.Frames[0].Points[tr.Index(track.LeftHeel)].Valid() {
		t.Fatal("a zero-confidence OpenPose point must be missing")
	}
	if got := tr.Frames[0].Points[nose].NX; !near(got, 0.3, 1e-12) {
		t.Fatalf("normalised x %v", got)
	}
	// Load() recognises the folder.
	if tr2, err := track.Load(dir, track.LoadOptions{}); err != nil || tr2.Skeleton != track.SkeletonBody25 {
		t.Fatalf("Load(folder): %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	vid := filepath.Join(dir, "set.mp4")
	os.WriteFile(vid, []byte("x"), 0o644)
	if _, err := track.Load(vid, track.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "kneetrack pose") || !strings.Contains(err.Error(), "is a video") {
		t.Errorf("video: %v", err)
	}
	// A video under another name is still recognised by its first bytes.
	renamed := filepath.Join(dir, "clip.bin")
	os.WriteFile(renamed, append([]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"), make([]byte, 64)...), 0o644)
	if _, err := track.Load(renamed, track.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "is a video") {
		t.Errorf("video under another name: %v", err)
	}
	odd := filepath.Join(dir, "notes.txt")
	os.WriteFile(odd, []byte("hello"), 0o644)
	if _, err := track.Load(odd, track.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "unknown file type") {
		t.Errorf("text file: %v", err)
	}
	if _, err := track.Load(filepath.Join(dir, "missing.json"), track.LoadOptions{}); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := track.ReadOpenPose(os.DirFS(dir), track.OpenPoseOptions{}); err == nil || !strings.Contains(err.Error(), "write_json") {
		t.Errorf("empty OpenPose folder: %v", err)
	}
}

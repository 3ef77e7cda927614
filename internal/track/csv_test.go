package track

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sampleBlazeTrack() *Track {
	t := New(BlazePose33(), 2)
	t.Video = Video{Source: "x.mp4", Width: 1280, Height: 720, FPS: 30, DurationS: 1}
	t.WorldUp = "-y"
	for i := range 2 {
		f := Frame{Index: i * 2, Time: float64(i) / 15, Points: make([]Point, 33)}
		for k := range f.Points {
			f.Points[k] = Point{X: 100 + float64(k), Y: 200.25 + float64(i), Z: -3.5, Conf: 0.75,
				World: Vec3{X: 0.1, Y: -0.2 * float64(k), Z: 0.3}, HasWorld: true}
		}
		f.Points[5] = Point{} // not found
		f.Points[7].Filled = true
		t.Frames = append(t.Frames, f)
	}
	t.FillNormalised()
	return t
}

func TestCSVRoundTrip(t *testing.T) {
	tr := sampleBlazeTrack()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1+2*33 {
		t.Fatalf("%d lines, want a header and 66 rows", len(lines))
	}
	if want := "0,0.000000,left_eye_inner,101,200.25,0.07890625,0.278125,-3.5,0.75,0,0.1,-0.2,0.3"; lines[2] != want {
		t.Errorf("row 2 = %q, want %q", lines[2], want)
	}
	back, err := ReadCSV(strings.NewReader(buf.String()), 1280, 720)
	if err != nil {
		t.Fatal(err)
	}
	if back.Skeleton != SkeletonBlazePose33 || len(back.Frames) != 2 || back.Frames[1].Index != 2 {
		t.Fatalf("read back %s with %d frames", back.Skeleton, len(back.Frames))
	}
	for i, f := range back.Frames {
		for k, p := range f.Points {
			w := tr.Frames[i].Points[k]
			if p.Valid() != w.Valid() || (w.Valid() && (!nearCSV(p.X, w.X, 1e-9) || !nearCSV(p.NY, w.NY, 1e-6) || p.Conf != w.Conf || p.Filled != w.Filled)) ||
				p.HasWorld != w.HasWorld || !nearCSV(p.World.Y, w.World.Y, 1e-9) {
				t.Fatalf("frame %d %s: read %+v, wrote %+v", i, tr.Keypoints[k], p, w)
			}
		}
	}
	if _, err := ReadCSV(strings.NewReader("a,b,c\n"), 0, 0); err == nil {
		t.Error("a CSV that is not kneetrack's was accepted")
	}
}

func TestWriteFileNeverHarmsExisting(t *testing.T) {
	dir := t.TempDir()
	video := filepath.Join(dir, "squat.mp4")
	if err := os.WriteFile(video, []byte("not really a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := sampleBlazeTrack()
	// A failed write leaves the existing file and no temporary file.
	out := filepath.Join(dir, "out.json")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(out, &Track{}, FormatJSON); err == nil {
		t.Error("an empty track was written")
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Error("a failed write changed the existing file")
	}
	// A good write replaces it, in each format, and reads back.
	for _, format := range []string{FormatJSON, FormatCSV, FormatTRC} {
		if err := WriteFile(out, tr, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var back *Track
		switch format {
		case FormatJSON:
			back, err = ReadJSON(f)
		case FormatCSV:
			back, err = ReadCSV(f, 1280, 720)
		case FormatTRC:
			back, err = ReadTRC(f, "out.trc")
		}
		f.Close()
		if err != nil || len(back.Frames) != 2 {
			t.Errorf("%s read back: %v", format, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only the video and out.json", names)
	}
}

func TestFormatFromName(t *testing.T) {
	for name, want := range map[string]string{"a.json": "json", "B.CSV": "csv", "x.trc": "trc", "x.txt": "", "": ""} {
		if got := FormatFromName(name); got != want {
			t.Errorf("FormatFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

func nearCSV(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

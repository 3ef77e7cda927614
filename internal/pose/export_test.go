package pose

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

func sampleBlazeTrack() *track.Track {
	t := track.New(track.BlazePose33(), 2)
	t.Video = track.Video{Source: "x.mp4", Width: 1280, Height: 720, FPS: 30, DurationS: 1}
	t.WorldUp = "-y"
	for i := range 2 {
		f := track.Frame{Index: i * 2, Time: float64(i) / 15, Points: make([]track.Point, 33)}
		for k := range f.Points {
			f.Points[k] = track.Point{X: 100 + float64(k), Y: 200.25 + float64(i), Z: -3.5, Conf: 0.75,
				World: track.Vec3{X: 0.1, Y: -0.2 * float64(k), Z: 0.3}, HasWorld: true}
		}
		f.Points[5] = track.Point{} // not found
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
	if back.Skeleton != track.SkeletonBlazePose33 || len(back.Frames) != 2 || back.Frames[1].Index != 2 {
		t.Fatalf("read back %s with %d frames", back.Skeleton, len(back.Frames))
	}
	for i, f := range back.Frames {
		for k, p := range f.Points {
			w := tr.Frames[i].Points[k]
			if p.Valid() != w.Valid() || (w.Valid() && (!near(p.X, w.X, 1e-9) || !near(p.NY, w.NY, 1e-6) || p.Conf != w.Conf || p.Filled != w.Filled)) ||
				p.HasWorld != w.HasWorld || !near(p.World.Y, w.World.Y, 1e-9) {
				t.Fatalf("frame %d %s: read %+v, wrote %+v", i, tr.Keypoints[k], p, w)
			}
		}
	}
	if _, err := ReadCSV(strings.NewReader("a,b,c\n"), 0, 0); err == nil {
		t.Error("a CSV that is not kneetrack's was accepted")
	}
}

func TestWriteFileNeverHarmsInputOrExisting(t *testing.T) {
	dir := t.TempDir()
	video := filepath.Join(dir, "squat.mp4")
	if err := os.WriteFile(video, []byte("not really a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := sampleBlazeTrack()
	// Writing over the input, also through a link, is refused.
	link := filepath.Join(dir, "link.json")
	if err := os.Link(video, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{video, link} {
		if err := WriteFile(out, tr, FormatJSON, video); !errors.Is(err, ErrSameFile) {
			t.Errorf("writing over the input as %s: %v, want ErrSameFile", out, err)
		}
	}
	if b, _ := os.ReadFile(video); string(b) != "not really a video" {
		t.Fatal("the input was changed")
	}
	// A failed write leaves the existing file and no temporary file.
	out := filepath.Join(dir, "out.json")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(out, &track.Track{}, FormatJSON, video); err == nil {
		t.Error("an empty track was written")
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Error("a failed write changed the existing file")
	}
	// A good write replaces it, in each format, and reads back.
	for _, format := range []string{FormatJSON, FormatCSV, FormatTRC} {
		if err := WriteFile(out, tr, format, video); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var back *track.Track
		switch format {
		case FormatJSON:
			back, err = track.ReadJSON(f)
		case FormatCSV:
			back, err = ReadCSV(f, 1280, 720)
		case FormatTRC:
			back, err = track.ReadTRC(f, "out.trc")
		}
		f.Close()
		if err != nil || len(back.Frames) != 2 {
			t.Errorf("%s read back: %v", format, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only the video, its link and out.json", names)
	}
}

func TestFormatFromName(t *testing.T) {
	for name, want := range map[string]string{"a.json": "json", "B.CSV": "csv", "x.trc": "trc", "x.txt": "", "": ""} {
		if got := FormatFromName(name); got != want {
			t.Errorf("FormatFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

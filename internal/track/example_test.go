package track_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/kneetrack/kneetrack/internal/track"
)

// kneesTrack builds a small track by hand: a hip, knee and ankle on each
// side, three frames at 30 fps of a 640x480 picture, the left knee moving
// 10 px towards the picture's middle in each frame and missing in the
// last one.
func kneesTrack() *track.Track {
	s := track.Skeleton{Name: "hand-made", Keypoints: []string{
		track.LeftHip, track.RightHip, track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle,
	}}
	t := track.New(s, 3)
	t.Video = track.Video{Source: "by hand", Width: 640, Height: 480, FPS: 30}
	for i := range 3 {
		lkX, lkConf := 360-10*float64(i), 0.9
		if i == 2 {
			lkConf = 0 // not found in this frame
		}
		t.Frames = append(t.Frames, track.Frame{Index: i, Time: float64(i) / 30, Points: []track.Point{
			{X: 360, Y: 200, Conf: 0.9}, // left hip (the lifter's left is the picture's right)
			{X: 280, Y: 200, Conf: 0.9}, // right hip
			{X: lkX, Y: 300, Conf: lkConf},
			{X: 280, Y: 300, Conf: 0.8},
			{X: 360, Y: 400, Conf: 0.7},
			{X: 280, Y: 400, Conf: 0.7},
		}})
	}
	t.FillNormalised()
	return t
}

// A track built by hand, written as track JSON with WriteFile, read back
// with Load, and one keypoint looked up by name in every frame.
func Example() {
	dir, err := os.MkdirTemp("", "track-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "set1.json")
	if err := track.WriteFile(path, kneesTrack(), track.FormatJSON); err != nil {
		log.Fatal(err)
	}

	t, err := track.Load(path, track.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, %dx%d, %d frames, %d keypoints\n", t.Skeleton, t.Video.Width, t.Video.Height, len(t.Frames), len(t.Keypoints))
	k := t.Index(track.LeftKnee)
	for _, f := range t.Frames {
		p := f.Points[k]
		if !p.Valid() {
			fmt.Printf("t=%.3f s: left knee not found\n", f.Time)
			continue
		}
		fmt.Printf("t=%.3f s: left knee at (%g, %g) px = (%.4f, %.4f), conf %g\n", f.Time, p.X, p.Y, p.NX, p.NY, p.Conf)
	}
	// Output:
	// hand-made, 640x480, 3 frames, 6 keypoints
	// t=0.000 s: left knee at (360, 300) px = (0.5625, 0.6250), conf 0.9
	// t=0.033 s: left knee at (350, 300) px = (0.5469, 0.6250), conf 0.9
	// t=0.067 s: left knee not found
}

// Write in CSV, one row per frame and keypoint (a point not found has
// empty coordinates and confidence 0), read back with ReadCSV. The CSV does
// not record the video's size, so the reader is given it.
func ExampleWrite_csv() {
	var buf bytes.Buffer
	if err := track.Write(&buf, kneesTrack(), track.FormatCSV); err != nil {
		log.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	fmt.Printf("%d rows after the header\n", len(lines)-1)
	fmt.Printf("%s\n%s\n%s\n", lines[0], lines[3], lines[15]) // the left knee in frames 0 and 2

	back, err := track.ReadCSV(&buf, 640, 480)
	if err != nil {
		log.Fatal(err)
	}
	rk := back.Frames[1].Points[back.Index(track.RightKnee)]
	fmt.Printf("read back: %d frames; right knee in frame 1 at (%g, %g), conf %g\n", len(back.Frames), rk.X, rk.Y, rk.Conf)
	// Output:
	// 18 rows after the header
	// frame,time_s,keypoint,x_px,y_px,x_norm,y_norm,z,conf,filled,world_x_m,world_y_m,world_z_m
	// 0,0.000000,left_knee,360,300,0.5625,0.625,0,0.9,0,,,
	// 2,0.066667,left_knee,,,,,,0,0,,,
	// read back: 3 frames; right knee in frame 1 at (280, 300), conf 0.8
}

// FormatFromName picks the format from a file's extension, as the
// commands' -o does; an extension that names no format gives "".
func ExampleFormatFromName() {
	for _, name := range []string{"set1.json", "set1.CSV", "set1.trc", "set1.txt"} {
		fmt.Printf("%s: %q\n", name, track.FormatFromName(name))
	}
	// Output:
	// set1.json: "json"
	// set1.CSV: "csv"
	// set1.trc: "trc"
	// set1.txt: ""
}

// Index finds a keypoint's position in every frame's Points; Has says
// whether the track carries it at all (this one has no feet).
func ExampleTrack_Index() {
	t := kneesTrack()
	fmt.Println(t.Index(track.LeftKnee), t.Index(track.RightAnkle), t.Index(track.LeftHeel))
	fmt.Println(t.Has(track.RightKnee), t.Has(track.LeftFootIndex), t.HasFeet())
	// Output:
	// 2 5 -1
	// true false false
}

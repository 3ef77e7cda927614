package track_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/kneetrack/kneetrack/internal/track"
)

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

package track

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// csvHeader is the header row of kneetrack's keypoint CSV.
var csvHeader = []string{"frame", "time_s", "keypoint", "x_px", "y_px", "x_norm", "y_norm", "z", "conf", "filled", "world_x_m", "world_y_m", "world_z_m"}

// WriteCSV writes t as CSV in long form: a header row, then one row per
// frame and keypoint with the frame index, time in seconds, keypoint name,
// pixel and normalised position, depth, confidence, whether the point was
// filled across a gap (0/1) and the world position in metres. Fields that
// do not apply (a point not found, no world position) are empty.
func WriteCSV(w io.Writer, t *Track) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	row := make([]string, len(csvHeader))
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }
	for _, f := range t.Frames {
		for k, p := range f.Points {
			for i := range row {
				row[i] = ""
			}
			row[0], row[1], row[2] = strconv.Itoa(f.Index), strconv.FormatFloat(f.Time, 'f', 6, 64), t.Keypoints[k]
			row[8] = num(p.Conf)
			row[9] = "0"
			if p.Filled {
				row[9] = "1"
			}
			if p.Valid() {
				row[3], row[4] = num(p.X), num(p.Y)
				if t.Video.Width > 0 && t.Video.Height > 0 {
					row[5], row[6] = num(p.NX), num(p.NY)
				}
				row[7] = num(p.Z)
			}
			if p.HasWorld {
				row[10], row[11], row[12] = num(p.World.X), num(p.World.Y), num(p.World.Z)
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("writing CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// ReadCSV reads a CSV written by WriteCSV back into a  The CSV does
// not record the skeleton or the video, so the track's skeleton is the one
// its keypoint names match (blazepose33, coco17) and its video size is
// unknown unless given.
func ReadCSV(r io.Reader, width, height int) (*Track, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = len(csvHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading keypoint CSV: %w", err)
	}
	for i, h := range csvHeader {
		if head[i] != h {
			return nil, fmt.Errorf("reading keypoint CSV: column %d is %q, want %q (not a kneetrack keypoint CSV)", i+1, head[i], h)
		}
	}
	t := &Track{Video: Video{Width: width, Height: height}}
	index := map[string]int{}
	line := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			return nil, fmt.Errorf("reading keypoint CSV: %w", err)
		}
		bad := func(what string) error { return fmt.Errorf("reading keypoint CSV: line %d: bad %s", line, what) }
		fi, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, bad("frame")
		}
		tm, err := strconv.ParseFloat(rec[1], 64)
		if err != nil {
			return nil, bad("time")
		}
		name := rec[2]
		if len(t.Frames) == 0 || t.Frames[len(t.Frames)-1].Index != fi {
			t.Frames = append(t.Frames, Frame{Index: fi, Time: tm})
		}
		f := &t.Frames[len(t.Frames)-1]
		k, ok := index[name]
		if !ok {
			if len(t.Frames) > 1 {
				return nil, fmt.Errorf("reading keypoint CSV: line %d: keypoint %q does not appear in the first frame", line, name)
			}
			k = len(t.Keypoints)
			index[name] = k
			t.Keypoints = append(t.Keypoints, name)
		}
		for len(f.Points) <= k {
			f.Points = append(f.Points, Point{})
		}
		var v [11]float64
		var has [11]bool
		for c := 3; c < len(rec); c++ {
			if c == 9 || rec[c] == "" {
				continue
			}
			x, err := strconv.ParseFloat(rec[c], 64)
			if err != nil {
				return nil, bad(csvHeader[c])
			}
			v[c-3], has[c-3] = x, true
		}
		p := Point{X: v[0], Y: v[1], NX: v[2], NY: v[3], Z: v[4], Conf: v[5], Filled: rec[9] == "1"}
		if has[7] && has[8] && has[9] {
			p.World, p.HasWorld = Vec3{X: v[7], Y: v[8], Z: v[9]}, true
		}
		f.Points[k] = p
	}
	for _, s := range []Skeleton{BlazePose33(), COCO17()} {
		if strings.Join(s.Keypoints, ",") == strings.Join(t.Keypoints, ",") {
			t.Skeleton = s.Name
		}
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("reading keypoint CSV: %w", err)
	}
	return t, nil
}

package track_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

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

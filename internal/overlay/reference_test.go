package overlay

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/words"
)

// segDist is the distance from p to the segment a-b.
func segDist(p, a, b body.Point) float64 {
	ab, ap := b.Sub(a), p.Sub(a)
	l2 := ab.X*ab.X + ab.Y*ab.Y
	u := 0.0
	if l2 > 0 {
		u = math.Max(0, math.Min(1, (ap.X*ab.X+ap.Y*ab.Y)/l2))
	}
	return p.Sub(a.Add(ab.Scale(u))).Norm()
}

// The reference lines are drawn exactly where the keypoints put them: the
// hip-ankle line through hip and ankle, the toes line from the ankle to the
// toe tip and straight up from it to the knee's height, and an arrow from
// the hip-ankle line to the knee; pixels a few line widths away are not
// touched. Without a trusted toe there is no toes line, and a knee on its
// hip-ankle line gets no arrow.
func TestReferenceLinesGeometry(t *testing.T) {
	const W, H = 400, 600
	r := newRenderer(t)
	// Lines 4 px wide (2 px units), so that the pixel nearest a line's
	// centre is wholly inside it whatever the line's slope.
	st := Style{Unit: 2}
	legW, refW := LegWidth(W, H, st), RefWidth(W, H, st)
	for _, c := range []struct {
		name             string
		hip, knee, ankle body.Point
		toe              body.Point
		toeLine          bool
		arrow            bool
	}{
		// The lifter's left leg on the picture's right (front view), the
		// knee 40 px medially (towards -x) of the hip-ankle line.
		{"knee caving in", body.Point{X: 250, Y: 150}, body.Point{X: 215, Y: 300}, body.Point{X: 260, Y: 450}, body.Point{X: 285, Y: 500}, true, true},
		{"knee pushed out", body.Point{X: 250, Y: 150}, body.Point{X: 300, Y: 300}, body.Point{X: 255, Y: 450}, body.Point{X: 290, Y: 500}, true, true},
		{"toe not trusted", body.Point{X: 250, Y: 150}, body.Point{X: 215, Y: 300}, body.Point{X: 260, Y: 450}, body.Point{X: 285, Y: 500}, false, true},
		{"straight leg", body.Point{X: 250, Y: 150}, body.Point{X: 255, Y: 300}, body.Point{X: 260, Y: 450}, body.Point{X: 285, Y: 500}, true, false},
		// A mirrored picture: the same leg on the picture's left.
		{"mirrored, caving in", body.Point{X: 150, Y: 150}, body.Point{X: 185, Y: 300}, body.Point{X: 140, Y: 450}, body.Point{X: 115, Y: 500}, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			img := filled(W, H, grey)
			l := &Leg{Hip: c.hip, Knee: c.knee, Ankle: c.ankle, Heel: c.ankle, Toe: c.toe, HasFoot: true,
				Class: ClassModerate, Reference: true, ToeLine: c.toeLine}
			var sc Scene
			sc.Legs[0] = l
			r.Draw(img, sc, st)
			// The arrow runs at the knee's height from the hip-ankle line
			// to the knee.
			foot := lerpPt(c.hip, c.ankle, (c.knee.Y-c.hip.Y)/(c.ankle.Y-c.hip.Y))
			legs := [][2]body.Point{{c.hip, c.knee}, {c.knee, c.ankle}, {foot, c.knee}}
			nearLeg := func(p body.Point) bool {
				for _, s := range legs {
					if segDist(p, s[0], s[1]) < legW/2+refW+4 {
						return true
					}
				}
				return segDist(p, c.knee, c.knee) < legW+refW+4
			}
			check := func(what string, p body.Point, want color.RGBA, on bool) {
				t.Helper()
				// The pixel whose centre is nearest p; anti-aliasing may
				// leave a level or two off inside a line.
				got := at(img, p)
				if on && colourDist(got, want) > 6 {
					t.Errorf("%s at %.0f,%.0f: %v, want %v", what, p.X, p.Y, got, want)
				}
				if !on && colourDist(got, want) < 60 {
					t.Errorf("%s at %.0f,%.0f: %v, drawn in its colour where it should not be", what, p.X, p.Y, got)
				}
			}
			// Hip-ankle line: along it, away from the leg's own lines.
			n := 0
			for u := 0.05; u < 0.96; u += 0.05 {
				p := lerpPt(c.hip, c.ankle, u)
				if nearLeg(p) {
					continue
				}
				n++
				check("hip-ankle line", p, RefColour(), true)
				// 4 line widths to the side, square to the line: background.
				d := c.ankle.Sub(c.hip)
				side := body.Point{X: -d.Y, Y: d.X}.Scale(4 * refW / d.Norm())
				for _, q := range []body.Point{p.Add(side), p.Sub(side)} {
					if !nearLeg(q) && segDist(q, c.toe, body.Point{X: c.toe.X, Y: c.knee.Y}) > 3*refW {
						if got := at(img, q); got != grey {
							t.Errorf("beside the hip-ankle line at %.0f,%.0f: %v, want the background", q.X, q.Y, got)
						}
					}
				}
			}
			if c.arrow && n < 5 {
				t.Fatalf("only %d points of the hip-ankle line away from the leg: a bad test case", n)
			}
			// Toes line: foot and the vertical from the toe tip.
			top := body.Point{X: c.toe.X, Y: c.knee.Y}
			for _, u := range []float64{0.3, 0.5, 0.7} {
				for _, p := range []body.Point{lerpPt(c.ankle, c.toe, u), lerpPt(c.toe, top, u)} {
					if !nearLeg(p) && segDist(p, c.hip, c.ankle) > refW+4 {
						check("toes line", p, ToeColour(), c.toeLine)
					}
				}
				q := lerpPt(c.toe, top, u).Add(body.Point{X: 4 * refW})
				if !nearLeg(q) && segDist(q, c.hip, c.ankle) > 3*refW {
					if got := at(img, q); got != grey {
						t.Errorf("beside the toes line at %.0f,%.0f: %v, want the background", q.X, q.Y, got)
					}
				}
			}
			// The arrow: from the hip-ankle line to the knee, at the knee's
			// height, in the class colour; its head points at the knee.
			mid := lerpPt(foot, c.knee, 0.3)
			check("arrow", mid, ClassModerate.Colour(), c.arrow)
		})
	}
}

// mirror flips a track left to right, as a mirrored (selfie) video shows it.
func mirror(tr *track.Track) {
	w := float64(tr.Video.Width)
	for i := range tr.Frames {
		for k := range tr.Frames[i].Points {
			p := &tr.Frames[i].Points[k]
			p.X, p.NX = w-p.X, 1-p.NX
		}
	}
}

// The number by each knee is the graded measure of the set: on the key
// frame of every rep, the deciding leg's label is the rep table's peak
// (SetResult's GradedDeg, written with the table's sign and one decimal)
// with its word and the rep's grade; the video frame at that moment says
// the same. Sets built with known caves: the rep whose knee turned in most
// has the largest number. A mirrored video keeps the sides: the right knee
// caves whichever side of the picture it is on.
func TestKeyFrameLabelIsTablePeak(t *testing.T) {
	for _, c := range []struct {
		name     string
		lifter   sim.StickSet
		mirrored bool
		cave     int // the leg whose knee the simulation turns in
		most     int // the rep it turns in most
	}{
		{"squat, right knee", sim.StickSet{Reps: 3, RightValgusDeg: []float64{20, 40, 28}}, false, 1, 1},
		{"squat, mirrored video", sim.StickSet{Reps: 3, RightValgusDeg: []float64{20, 40, 28}}, true, 1, 1},
		{"squat, left knee", sim.StickSet{Reps: 3, LeftValgusDeg: []float64{36, 14, 22}}, false, 0, 0},
		{"single-leg squat", sim.StickSet{Reps: 3, Movement: body.MoveSingleLegSquat, RightValgusDeg: []float64{6, 10, 18}}, false, 1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := overlaytest.Track(t, c.lifter, 720, 1280)
			if c.mirrored {
				mirror(tr)
			}
			set := analyse(t, tr)
			if len(set.Reps) != c.lifter.Reps {
				t.Fatalf("%d reps, want %d", len(set.Reps), c.lifter.Reps)
			}
			ann, err := NewAnnotator(set)
			if err != nil {
				t.Fatal(err)
			}
			peaks := make([]float64, len(set.Reps))
			for k, rep := range set.Reps {
				rs := rep.Side[c.cave]
				peaks[k] = rs.GradedDeg
				key, err := ann.KeyScene(k)
				if err != nil {
					t.Fatal(err)
				}
				l := key.Legs[c.cave]
				// The table's cell, formatted here as the rep table does.
				table := words.PlusZero(fmt.Sprintf("%+.1f°", rs.GradedDeg))
				if !strings.HasPrefix(l.Label, table+" ") {
					t.Errorf("rep %d: key frame label %q, want the table's %s", k+1, l.Label, table)
				}
				if got, err := strconv.ParseFloat(strings.TrimSuffix(strings.Fields(l.Label)[0], "°"), 64); err != nil || math.Abs(got-rs.GradedDeg) > 0.05+1e-9 {
					t.Errorf("rep %d: label %q reads %v, want %.3f within rounding", k+1, l.Label, got, rs.GradedDeg)
				}
				if want := fmt.Sprintf("rep %d: %s", k+1, rs.Severity); l.Grade != want || l.Class != ClassOf(rs.Severity) {
					t.Errorf("rep %d: grade %q class %v, want %q %v", k+1, l.Grade, l.Class, want, ClassOf(rs.Severity))
				}
				if !l.Reference || !l.ToeLine {
					t.Errorf("rep %d: reference lines %v, toes line %v; want both (the synthetic toes are seen)", k+1, l.Reference, l.ToeLine)
				}
				// The video at the key frame's moment writes the same.
				tk, _ := ann.KeyTime(k)
				if tk < rep.StartS || tk > rep.EndS {
					t.Errorf("rep %d: key frame at %.2f s, outside the rep %.2f-%.2f s", k+1, tk, rep.StartS, rep.EndS)
				}
				if v, ok := ann.SceneAt(tk); !ok || v.Legs[c.cave].Label != l.Label {
					t.Errorf("rep %d: video label %q, key frame %q", k+1, v.Legs[c.cave].Label, l.Label)
				}
			}
			// Known cave: the rep turned in most has the largest number.
			for k := range peaks {
				if k != c.most && !(peaks[c.most] > peaks[k]) {
					t.Errorf("graded peaks %v: rep %d should be the largest", peaks, c.most+1)
				}
			}
			if !(peaks[c.most] > 0) {
				t.Errorf("graded peaks %v: the knee turned in reads no cave", peaks)
			}
			// Sides: the caving knee's arrow points towards the other leg,
			// and its label sits on its outer side.
			sc, _ := ann.SceneAt(set.Reps[c.most].BottomS)
			l, o := sc.Legs[c.cave], sc.Legs[1-c.cave]
			foot := lerpPt(l.Hip, l.Ankle, (l.Knee.Y-l.Hip.Y)/(l.Ankle.Y-l.Hip.Y))
			if (l.Knee.X-foot.X)*(o.Hip.X-l.Hip.X) <= 0 {
				t.Errorf("caving knee at x %.0f, its hip-ankle line at %.0f: not towards the other hip at %.0f", l.Knee.X, foot.X, o.Hip.X)
			}
			if dir := lateralDir(sc, c.cave); dir*(o.Hip.X-l.Hip.X) >= 0 {
				t.Errorf("label side %v points towards the other leg", dir)
			}
			if c.mirrored != (tr.Frames[0].Points[tr.Index(track.LeftHip)].X < tr.Frames[0].Points[tr.Index(track.RightHip)].X) {
				t.Errorf("mirrored %v, but the left hip is on the picture's %s", c.mirrored, map[bool]string{true: "left", false: "right"}[!c.mirrored])
			}
		})
	}
}

// A toe the analysis does not trust (low confidence) gets no toes line;
// the other foot's stays.
func TestToeLineOnlyWhenTrusted(t *testing.T) {
	tr := overlaytest.Track(t, sim.StickSet{Reps: 2}, 720, 1280)
	toe := tr.Index(track.RightFootIndex)
	for i := range tr.Frames {
		tr.Frames[i].Points[toe].Conf = 0.3
	}
	set := analyse(t, tr)
	if set.Thresholds.MinConfidence <= 0.3 {
		t.Fatalf("MinConfidence %v: the test's toe would be trusted", set.Thresholds.MinConfidence)
	}
	ann, err := NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	tm := set.Reps[0].BottomS
	sc, _ := ann.SceneAt(tm)
	if !sc.Legs[0].ToeLine || sc.Legs[1].ToeLine {
		t.Fatalf("toes lines left %v right %v; want the left only", sc.Legs[0].ToeLine, sc.Legs[1].ToeLine)
	}
	r := newRenderer(t)
	img := filled(720, 1280, grey)
	r.Draw(img, sc, Style{})
	for s, want := range []bool{true, false} {
		l := sc.Legs[s]
		p := lerpPt(l.Toe, body.Point{X: l.Toe.X, Y: l.Knee.Y}, 0.5)
		if got := at(img, p) == ToeColour(); got != want {
			t.Errorf("leg %d: toes line colour at %.0f,%.0f is %v, want %v", s, p.X, p.Y, got, want)
		}
	}
}

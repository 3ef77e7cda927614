package valgus

import (
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestKASRAndHelpers(t *testing.T) {
	// Knees 40 px apart over ankles 50 px apart: 0.8.
	r, ok := KASR(body.Point{X: 120, Y: 100}, body.Point{X: 80, Y: 100}, body.Point{X: 125, Y: 200}, body.Point{X: 75, Y: 200})
	if !ok || !near(r, 0.8, 1e-12) {
		t.Fatalf("KASR %v", r)
	}
	// Mirrored: unchanged.
	r, _ = KASR(body.Point{X: -120, Y: 100}, body.Point{X: -80, Y: 100}, body.Point{X: -125, Y: 200}, body.Point{X: -75, Y: 200})
	if !near(r, 0.8, 1e-12) {
		t.Fatalf("mirrored KASR %v", r)
	}
	// Knees crossed: negative.
	if r, _ = KASR(body.Point{X: 90, Y: 100}, body.Point{X: 110, Y: 100}, body.Point{X: 125, Y: 200}, body.Point{X: 75, Y: 200}); r >= 0 {
		t.Fatalf("crossed knees KASR %v", r)
	}
	if _, ok := KASR(body.Point{X: 1, Y: 0}, body.Point{X: 0, Y: 0}, body.Point{X: 5, Y: 0}, body.Point{X: 5, Y: 1}); ok {
		t.Fatal("ankles at the same x accepted")
	}
	// Medial offset: left hip at 200, midline towards -x; a knee at 190 is
	// 10 px medial of a toe at 200.
	if got := MedialOffset(body.Point{X: 190, Y: 0}, body.Point{X: 200, Y: 0}, MedialDir(body.Point{X: 200, Y: 0}, body.Point{X: 100, Y: 0})); got != 10 {
		t.Fatalf("medial offset %v", got)
	}
	// Hip line from (0,0) to (100,10): 5.71 deg, positive as b is lower.
	if got := TiltDeg(body.Point{X: 0, Y: 0}, body.Point{X: 100, Y: 10}); !near(got, math.Atan(0.1)*180/math.Pi, 1e-12) {
		t.Fatalf("tilt %v", got)
	}
	// Trunk from (0,0) up to (10,-100), leaning towards +x: 5.71 deg.
	if got := LeanDeg(body.Point{X: 0, Y: 0}, body.Point{X: 10, Y: -100}, 1); !near(got, math.Atan(0.1)*180/math.Pi, 1e-12) {
		t.Fatalf("lean %v", got)
	}
}

// TestBandsAndSex checks every band at its edges against the numbers
// docs/method.md gives with their sources (written out here, not read from
// Defaults, so that a change of a default must change the docs too).
func TestBandsAndSex(t *testing.T) {
	th := Defaults()
	if err := th.Validate(); err != nil {
		t.Fatal(err)
	}
	below := func(v float64) float64 { return math.Nextafter(v, math.Inf(-1)) }
	rising := []struct {
		name  string
		bands Bands
		edges [3]float64 // mild, moderate, severe
	}{
		{"single-leg female (Herrington 2014)", th.SingleLeg(SexFemale), [3]float64{10, 16.8, 25}},
		{"single-leg male (4 deg lower)", th.SingleLeg(SexMale), [3]float64{9, 12.8, 21}},
		{"single-leg unspecified (female)", th.SingleLeg(SexUnspecified), [3]float64{10, 16.8, 25}},
		{"split squat (single-leg bands)", th.SplitSquatFPPA, [3]float64{10, 16.8, 25}},
		{"knee cave, squats on both legs", th.KneeCaveDeg, [3]float64{3, 6, 12}},
	}
	for _, c := range rising {
		t.Run(c.name, func(t *testing.T) {
			want := []struct {
				v   float64
				sev Severity
			}{
				{-30, SevNone}, {below(c.edges[0]), SevNone}, {c.edges[0], SevMild},
				{below(c.edges[1]), SevMild}, {c.edges[1], SevModerate},
				{below(c.edges[2]), SevModerate}, {c.edges[2], SevSevere}, {90, SevSevere},
				{math.NaN(), SevUnknown},
			}
			for _, w := range want {
				if got := c.bands.Classify(w.v); got != w.sev {
					t.Errorf("%v: %s, want %s", w.v, got, w.sev)
				}
			}
		})
	}
	// KASR (shown on the charts, convention 0.8/0.7/0.6): falling bands.
	for _, c := range []struct {
		v    float64
		want Severity
	}{{0.8, SevNone}, {below(0.8), SevMild}, {0.7, SevMild}, {below(0.7), SevModerate}, {0.6, SevModerate}, {below(0.6), SevSevere}} {
		if got := th.KASR.Classify(c.v); got != c.want {
			t.Errorf("KASR %v: %s, want %s", c.v, got, c.want)
		}
	}
	if _, err := ParseSex("robot"); err == nil {
		t.Error("bad sex accepted")
	}
}

package main

// Results must not hinge on how a clip was encoded: a coach's phone, a
// messaging app or a cloud upload re-compresses and shrinks videos. Each
// variant below is made from a shared clip with ffmpeg, tracked and analysed
// like the original, and the analysis compared with the original's.
//
// The tolerances were set from measured differences with a margin
// (docs/method.md, "Stable under re-encoding"), so that a change making the
// analysis depend on compression or picture size fails here.

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// encodingVariant is a way of re-encoding a clip.
type encodingVariant struct {
	name string
	args []string // ffmpeg output options
	// the size the variant must have (checked with ffprobe)
	width, height int
}

var encodingVariants = []encodingVariant{
	// Strong compression with a short GOP, as a messaging app would send it:
	// blockier edges and smeared fine detail, the same size.
	{name: "recompressed", args: []string{"-c:v", "libx264", "-preset", "veryfast", "-crf", "32", "-g", "15"}, width: 1280, height: 720},
	// Half the width and height (a quarter of the pixels), normal quality.
	{name: "half-size", args: []string{"-vf", "scale=640:-2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23"}, width: 640, height: 360},
}

// Largest differences allowed between a variant's analysis and the
// original's. Measured on 2026-11-25 (docs/method.md, "Stable under
// re-encoding"): rep times moved by at most 0.12 s (the start of the
// single-leg clip's last, partial rep), a graded leg's peak FPPA by up to
// 3.6°, a squat's KASR minimum by up to 0.054, the fatigue slope by up
// to 0.74°/rep, and two of the goblet clip's ten rep grades moved between
// none and mild (peaks near the threshold). Per-frame FPPA differs more
// (up to 12°), but only at the bottom of deep squats where the thigh points
// at the camera and FPPA is already far "out" (-100° and below): those
// frames never set a rep's peak.
const (
	stableTimeS    = 0.20 // rep start, bottom and end
	stableFPPADeg  = 5.0  // a rep's peak FPPA per side
	stableKASR     = 0.08 // a squat's KASR minimum per rep
	stableSlopeDeg = 1.0  // the fatigue slope of peak FPPA, degrees per rep
)

// TestAnalyzeStableUnderReencoding: the goblet and the single-leg clip,
// recompressed and at half size, give the same movement, reps, standing
// legs and fatigue verdicts as the originals, with rep times, peak FPPA
// and KASR within the tolerances above and each rep's severity at most one
// class away.
func TestAnalyzeStableUnderReencoding(t *testing.T) {
	if testing.Short() {
		t.Skip("tracks four re-encoded clips (about a minute); skipped with -short")
	}
	for _, c := range []mediaClip{mediaClips[0], mediaClips[3]} { // goblet, single-leg
		t.Run(strings.TrimSuffix(c.file, ".mp4"), func(t *testing.T) {
			mt := clipTrack(t, c)
			clip := testenv.SharedFile(t, "media/"+c.file)
			dir := t.TempDir()
			orig := analyseTrack(t, mt.path, filepath.Join(dir, "original.json"))
			frames := probe(t, clip).frames
			for _, v := range encodingVariants {
				t.Run(v.name, func(t *testing.T) {
					video := filepath.Join(dir, v.name+".mp4")
					args := append([]string{"-v", "error", "-i", clip, "-an"}, v.args...)
					if out, err := exec.CommandContext(t.Context(), "ffmpeg", append(args, video)...).CombinedOutput(); err != nil {
						t.Fatalf("ffmpeg: %v\n%s", err, out)
					}
					if p := probe(t, video); p.width != v.width || p.height != v.height || p.frames != frames {
						t.Fatalf("variant %dx%d, %d frames; want %dx%d, %d", p.width, p.height, p.frames, v.width, v.height, frames)
					}
					res, err := pose.Run(t.Context(), video, pose.Options{})
					if err != nil {
						t.Fatal(err)
					}
					trackPath := filepath.Join(dir, v.name+"-track.json")
					if err := track.WriteFile(trackPath, res.Track, track.FormatJSON); err != nil {
						t.Fatal(err)
					}
					got := analyseTrack(t, trackPath, filepath.Join(dir, v.name+".json"))
					for _, d := range compareAnalyses(orig, got) {
						t.Error(d)
					}
					t.Logf("%s %s: %s", c.file, v.name, largestDifferences(orig, got))
				})
			}
		})
	}
}

// stableDoc is the part of the analysis JSON compared here.
type stableDoc struct {
	Sets []struct {
		Movement string `json:"movement"`
		View     string `json:"view"`
		Analysed bool   `json:"analysed"`
		Reps     []struct {
			StartS     float64    `json:"start_s"`
			BottomS    float64    `json:"bottom_s"`
			EndS       float64    `json:"end_s"`
			Partial    bool       `json:"partial"`
			WorkingLeg string     `json:"working_leg"`
			KASRMin    float64    `json:"kasr_min"`
			Left       stableSide `json:"left"`
			Right      stableSide `json:"right"`
		} `json:"reps"`
		Summary struct {
			Fatigue   map[string]trendJSON `json:"fatigue_graded_deg_per_rep"`
			Asymmetry struct {
				Side string `json:"side"`
			} `json:"asymmetry"`
		} `json:"summary"`
	} `json:"sets"`
}

// trendJSON is a Trend of the analysis JSON (docs/analysis-json.md).
type trendJSON struct {
	Slope   float64 `json:"slope"`
	Verdict string  `json:"verdict"`
}

type stableSide struct {
	Assessed bool     `json:"assessed"`
	PeakFPPA *float64 `json:"peak_fppa_deg"`
	Severity string   `json:"severity"`
}

// analyseTrack runs `analyze TRACK --format json -o out` and reads the
// result.
func analyseTrack(t *testing.T, trackPath, out string) stableDoc {
	t.Helper()
	if _, err := execute(t, "analyze", trackPath, "--format", "json", "-o", out); err != nil {
		t.Fatalf("analyze %s: %v", trackPath, err)
	}
	doc := readJSONFile[stableDoc](t, schematest.Analysis, out)
	if len(doc.Sets) != 1 {
		t.Fatalf("%s: %d sets, want 1", out, len(doc.Sets))
	}
	return doc
}

// compareAnalyses lists how b's set differs from a's beyond the tolerances.
func compareAnalyses(a, b stableDoc) []string {
	sa, sb := a.Sets[0], b.Sets[0]
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	if sa.Movement != sb.Movement || sa.View != sb.View || sa.Analysed != sb.Analysed {
		add("movement %s, view %s, analysed %v; the original: %s, %s, %v", sb.Movement, sb.View, sb.Analysed, sa.Movement, sa.View, sa.Analysed)
	}
	if len(sa.Reps) != len(sb.Reps) {
		add("%d reps; the original has %d", len(sb.Reps), len(sa.Reps))
		return diffs
	}
	for i := range sa.Reps {
		ra, rb := sa.Reps[i], sb.Reps[i]
		if ra.Partial != rb.Partial || ra.WorkingLeg != rb.WorkingLeg {
			add("rep %d: partial %v, working leg %s; the original: %v, %s", i+1, rb.Partial, rb.WorkingLeg, ra.Partial, ra.WorkingLeg)
		}
		for _, p := range []struct {
			name   string
			ta, tb float64
		}{{"start", ra.StartS, rb.StartS}, {"bottom", ra.BottomS, rb.BottomS}, {"end", ra.EndS, rb.EndS}} {
			if math.Abs(p.ta-p.tb) > stableTimeS {
				add("rep %d: %s at %.2f s; the original %.2f s", i+1, p.name, p.tb, p.ta)
			}
		}
		// KASR grades squats on both legs only
		if d := math.Abs(ra.KASRMin - rb.KASRMin); sa.Movement == "bilateral_squat" && d > stableKASR {
			add("rep %d: KASR minimum %.3f; the original %.3f", i+1, rb.KASRMin, ra.KASRMin)
		}
		for _, s := range []struct {
			name   string
			sa, sb stableSide
		}{{"left", ra.Left, rb.Left}, {"right", ra.Right, rb.Right}} {
			if !adjacentSeverity(s.sa.Severity, s.sb.Severity) {
				add("rep %d %s: severity %s; the original %s", i+1, s.name, s.sb.Severity, s.sa.Severity)
			}
			switch {
			case s.sa.Assessed != s.sb.Assessed:
				add("rep %d %s: assessed %v; the original %v", i+1, s.name, s.sb.Assessed, s.sa.Assessed)
			case !s.sa.Assessed: // a free or rear leg: not graded
			case (s.sa.PeakFPPA == nil) != (s.sb.PeakFPPA == nil):
				add("rep %d %s: peak FPPA known %v; the original %v", i+1, s.name, s.sb.PeakFPPA != nil, s.sa.PeakFPPA != nil)
			case s.sa.PeakFPPA != nil && math.Abs(*s.sa.PeakFPPA-*s.sb.PeakFPPA) > stableFPPADeg:
				add("rep %d %s: peak FPPA %.1f°; the original %.1f°", i+1, s.name, *s.sb.PeakFPPA, *s.sa.PeakFPPA)
			}
		}
	}
	for _, side := range []string{"left", "right"} {
		fa, fb := sa.Summary.Fatigue[side], sb.Summary.Fatigue[side]
		if fa.Verdict != fb.Verdict || math.Abs(fa.Slope-fb.Slope) > stableSlopeDeg {
			add("%s fatigue: %s, slope %.2f°/rep; the original %s, %.2f°/rep", side, fb.Verdict, fb.Slope, fa.Verdict, fa.Slope)
		}
	}
	if sa.Summary.Asymmetry.Side != sb.Summary.Asymmetry.Side {
		add("asymmetry side %q; the original %q", sb.Summary.Asymmetry.Side, sa.Summary.Asymmetry.Side)
	}
	return diffs
}

// largestDifferences says how far b's reps moved from a's, for the log.
func largestDifferences(a, b stableDoc) string {
	sa, sb := a.Sets[0], b.Sets[0]
	if len(sa.Reps) != len(sb.Reps) {
		return "different rep counts"
	}
	var dt, dFPPA, dKASR float64
	for i := range sa.Reps {
		ra, rb := sa.Reps[i], sb.Reps[i]
		dt = max(dt, math.Abs(ra.StartS-rb.StartS), math.Abs(ra.BottomS-rb.BottomS), math.Abs(ra.EndS-rb.EndS))
		dKASR = max(dKASR, math.Abs(ra.KASRMin-rb.KASRMin))
		for _, p := range [][2]stableSide{{ra.Left, rb.Left}, {ra.Right, rb.Right}} {
			if p[0].Assessed && p[0].PeakFPPA != nil && p[1].PeakFPPA != nil {
				dFPPA = max(dFPPA, math.Abs(*p[0].PeakFPPA-*p[1].PeakFPPA))
			}
		}
	}
	var slopes []string
	for _, side := range []string{"left", "right"} {
		slopes = append(slopes, fmt.Sprintf("%s %.2f vs %.2f", side, sb.Summary.Fatigue[side].Slope, sa.Summary.Fatigue[side].Slope))
	}
	return fmt.Sprintf("largest differences: times %.3f s, peak FPPA %.2f°, KASR minimum %.3f; fatigue slopes %s °/rep",
		dt, dFPPA, dKASR, strings.Join(slopes, ", "))
}

// adjacentSeverity: the same grade, or neighbours on the scale none, mild,
// moderate, severe ("unknown" and "not_assessed" only equal themselves).
func adjacentSeverity(a, b string) bool {
	ra, rb := valgus.Severity(a).Rank(), valgus.Severity(b).Rank()
	if ra < 0 || rb < 0 {
		return a == b
	}
	return ra-rb <= 1 && rb-ra <= 1
}

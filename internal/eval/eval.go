// Package eval scores kneetrack's verdicts against labelled clips: it runs
// the analysis (package valgus) on each clip's keypoint track, reduces the
// result to one verdict per knee and per clip ("caves" when a knee is graded
// at least moderate in some rep), and compares it with the labels, giving
// precision, recall and F1 per class, the share of clips analysed, the same
// per group (source, movement, perturbation) and the worst mistakes.
//
// The labelled clips come from package evalset (synthetic lifters and motion
// capture with known truth, seen through many cameras with the pose model's
// errors modelled), from the shared real clips and their labels, or from
// any folder of keypoint tracks with a labels file (ReadLabels), so that a
// held-out set is scored by exactly the same code.
package eval

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Item is one labelled clip.
type Item struct {
	Name  string
	Track *track.Track
	// Movement is the movement the clip shows, when labelled (MoveAuto:
	// not labelled). The analysis is never told it: recognising it is part
	// of what is scored.
	Movement body.Movement
	// Knee holds each knee's label (index 0 the track's left), when the
	// labels are per knee. Clip is the clip's label; when the knees are
	// labelled it is derived from them (ClipLabel).
	Knee      [2]evalset.Label
	KneeKnown bool
	Clip      evalset.Label
	// NoReps: the clip holds no rep (standing still), so nothing is to be
	// analysed; it is scored on not finding a cave.
	NoReps bool
	// Tags group the clip in the breakdown (source, movement,
	// perturbations).
	Tags []string
}

// ClipLabel derives a clip's label from its knees': Caves when a knee
// caves, NoCave when both are labelled NoCave, else Ambiguous.
func ClipLabel(k [2]evalset.Label) evalset.Label {
	switch {
	case k[0] == evalset.Caves || k[1] == evalset.Caves:
		return evalset.Caves
	case k[0] == evalset.NoCave && k[1] == evalset.NoCave:
		return evalset.NoCave
	}
	return evalset.Ambiguous
}

// FromEvalset turns generated cases into items.
func FromEvalset(cases []evalset.Case) []Item {
	items := make([]Item, len(cases))
	for i, c := range cases {
		k := [2]evalset.Label{c.Knee[0].Label, c.Knee[1].Label}
		tags := append([]string{c.Movement, strings.SplitN(c.Source, ":", 2)[0]}, c.Perturb...)
		if len(c.Perturb) == 0 {
			tags = append(tags, "clean")
		}
		items[i] = Item{Name: c.Name, Track: c.Track, Movement: body.Movement(c.Movement), Knee: k, KneeKnown: true,
			Clip: ClipLabel(k), NoReps: c.Reps == 0, Tags: tags}
	}
	return items
}

// Outcome is the analysis of one item, reduced to verdicts.
type Outcome struct {
	Item *Item
	// Analysed: the analysis graded at least one rep.
	Analysed bool
	Movement body.Movement
	Reason   string
	// Knee is each knee's worst severity over the reps in which it was
	// assessed (SevNotAssessed when never assessed), Value the graded
	// measure there (degrees).
	Knee  [2]valgus.Severity
	Value [2]float64
	Err   error
}

// Caves reports whether the verdict for knee s is "caves": at least from.
func (o Outcome) Caves(s int, from valgus.Severity) bool {
	return o.Analysed && o.Knee[s].Rank() >= from.Rank()
}

// ClipCaves reports whether the clip's verdict is "caves".
func (o Outcome) ClipCaves(from valgus.Severity) bool { return o.Caves(0, from) || o.Caves(1, from) }

// Run analyses every item with opt (its Movement is always automatic) on
// up to workers goroutines (0: one per CPU).
func Run(ctx context.Context, items []Item, opt valgus.Options, workers int) ([]Outcome, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opt.Movement = body.MoveAuto
	outs := make([]Outcome, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i] = analyse(ctx, &items[i], opt)
			}
		}()
	}
	var err error
	for i := range items {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return outs, err
}

func analyse(ctx context.Context, it *Item, opt valgus.Options) Outcome {
	o := Outcome{Item: it, Knee: [2]valgus.Severity{valgus.SevNotAssessed, valgus.SevNotAssessed}, Value: [2]float64{math.NaN(), math.NaN()}}
	res, err := valgus.AnalyzeSet(ctx, it.Track, opt)
	if err != nil {
		o.Err = err
		return o
	}
	o.Movement, o.Reason = res.Movement, words.MovementReason(res.MovementReason)
	o.Analysed = res.Analysed && len(res.Reps) > 0
	for _, r := range res.Reps {
		for s := 0; s < 2; s++ {
			rs := r.Side[s]
			if !rs.Assessed {
				continue
			}
			v := rs.CaveDeg
			if math.IsNaN(v) {
				v = rs.PeakValgusDeg
			}
			if o.Knee[s] == valgus.SevNotAssessed || rs.Severity.Rank() > o.Knee[s].Rank() ||
				rs.Severity.Rank() == o.Knee[s].Rank() && (math.IsNaN(o.Value[s]) || v > o.Value[s]) {
				o.Knee[s], o.Value[s] = rs.Severity, v
			}
		}
	}
	return o
}

// Score is one class's precision, recall and F1.
type Score struct {
	Class               string
	TP, FP, FN, Support int
	Precision, Recall   float64
	F1                  float64
}

func score(class string, tp, fp, fn int) Score {
	s := Score{Class: class, TP: tp, FP: fp, FN: fn, Support: tp + fn}
	s.Precision = float64(tp) / float64(tp+fp)
	s.Recall = float64(tp) / float64(tp+fn)
	s.F1 = 2 * float64(tp) / float64(2*tp+fp+fn)
	return s
}

// Summary is the scoring of a set of outcomes.
type Summary struct {
	// CavesFrom is the severity from which a verdict counts as "caves".
	CavesFrom valgus.Severity
	Clips     int
	// Analysed counts the clips that were analysed among those whose
	// movement kneetrack supports (or is not labelled); Supported counts
	// those clips.
	Analysed, Supported int
	// MovementRight counts the clips whose labelled movement was
	// recognised, of MovementKnown labelled ones.
	MovementRight, MovementKnown int
	// Confusions counts the misread movements, "labelled -> read as".
	Confusions map[string]int
	// Clip and Knee score "caves" (index 0) and "does not cave" (1) per
	// clip and per knee; a clip not analysed counts as "does not cave".
	// Ambiguous labels and movements kneetrack does not analyse yet are
	// left out (ExcludedClips counts them).
	Clip, Knee            [2]Score
	ExcludedClips, Errors int
	Groups                []Group
	Mistakes              []Outcome // wrong clip verdicts and clips not analysed, worst first
}

// Group is the clip-level score of the clips sharing a tag.
type Group struct {
	Tag      string
	Clips    int
	Analysed float64 // share of supported clips analysed
	Caves    Score
}

// Summarise scores outcomes; a knee or clip graded at least cavesFrom
// "caves".
func Summarise(outs []Outcome, cavesFrom valgus.Severity) Summary {
	sm := Summary{CavesFrom: cavesFrom, Clips: len(outs)}
	clip, knee := counts{}, counts{}
	byTag := map[string]*struct {
		n, supported, analysed int
		c                      counts
	}{}
	for _, o := range outs {
		it := o.Item
		supported := it.Movement == body.MoveAuto || it.Movement.Supported()
		if it.NoReps {
			// nothing to analyse: scored on the verdict only
			supported = false
		}
		if o.Err != nil {
			sm.Errors++
		}
		if supported {
			sm.Supported++
			if o.Analysed {
				sm.Analysed++
			}
		}
		if it.Movement != body.MoveAuto && !it.NoReps {
			sm.MovementKnown++
			if o.Movement == it.Movement {
				sm.MovementRight++
			} else {
				if sm.Confusions == nil {
					sm.Confusions = map[string]int{}
				}
				sm.Confusions[it.Movement.Label()+" -> "+o.Movement.Label()]++
			}
		}
		wrong := false
		if it.Clip == evalset.Ambiguous || !supported && !it.NoReps {
			sm.ExcludedClips++
		} else {
			wrong = clip.add(it.Clip == evalset.Caves, o.ClipCaves(cavesFrom))
		}
		if it.KneeKnown && (supported || it.NoReps) {
			for s := 0; s < 2; s++ {
				if it.Knee[s] != evalset.Ambiguous {
					knee.add(it.Knee[s] == evalset.Caves, o.Caves(s, cavesFrom))
				}
			}
		}
		for _, tag := range it.Tags {
			g := byTag[tag]
			if g == nil {
				g = &struct {
					n, supported, analysed int
					c                      counts
				}{}
				byTag[tag] = g
			}
			g.n++
			if supported {
				g.supported++
				if o.Analysed {
					g.analysed++
				}
			}
			if it.Clip != evalset.Ambiguous && (supported || it.NoReps) {
				g.c.add(it.Clip == evalset.Caves, o.ClipCaves(cavesFrom))
			}
		}
		if wrong || supported && !o.Analysed {
			sm.Mistakes = append(sm.Mistakes, o)
		}
	}
	sm.Clip, sm.Knee = clip.scores(), knee.scores()
	for tag, g := range byTag {
		sm.Groups = append(sm.Groups, Group{Tag: tag, Clips: g.n, Analysed: float64(g.analysed) / float64(g.supported),
			Caves: g.c.scores()[0]})
	}
	sort.Slice(sm.Groups, func(i, j int) bool { return sm.Groups[i].Tag < sm.Groups[j].Tag })
	slices.SortStableFunc(sm.Mistakes, func(a, b Outcome) int { return cmp.Compare(margin(b), margin(a)) })
	return sm
}

// margin is how far a wrong verdict lies from the right one: the graded
// value for a false "caves", minus it for a missed cave.
func margin(o Outcome) float64 {
	m := math.Inf(1) // not analysed first
	if !o.Analysed {
		return m
	}
	v := math.Max(nz(o.Value[0]), nz(o.Value[1]))
	if o.Item.Clip == evalset.Caves {
		return -v
	}
	return v
}

func nz(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	return v
}

type counts struct{ tp, fp, fn, tn int }

// add counts one verdict and reports whether it was wrong.
func (c *counts) add(truth, said bool) bool {
	switch {
	case truth && said:
		c.tp++
	case truth:
		c.fn++
	case said:
		c.fp++
	default:
		c.tn++
	}
	return truth != said
}

func (c counts) scores() [2]Score {
	return [2]Score{score("caves", c.tp, c.fp, c.fn), score("does not cave", c.tn, c.fn, c.fp)}
}

// AnalysedShare is the share of supported clips analysed.
func (s Summary) AnalysedShare() float64 { return float64(s.Analysed) / float64(s.Supported) }

// WriteTable writes the summary as a plain-text table, with at most
// worst mistakes listed.
func (s Summary) WriteTable(w io.Writer, worst int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d clips; a knee graded %s or worse counts as caving\n", s.Clips, s.CavesFrom)
	fmt.Fprintf(&b, "analysed: %d of %d clips of supported movements (%.1f%%)", s.Analysed, s.Supported, 100*s.AnalysedShare())
	if s.MovementKnown > 0 {
		fmt.Fprintf(&b, "; movement recognised in %d of %d (%.1f%%)", s.MovementRight, s.MovementKnown, 100*float64(s.MovementRight)/float64(s.MovementKnown))
	}
	if s.Errors > 0 {
		fmt.Fprintf(&b, "; %d errors", s.Errors)
	}
	if len(s.Confusions) > 0 {
		keys := make([]string, 0, len(s.Confusions))
		for k := range s.Confusions {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return s.Confusions[keys[i]] > s.Confusions[keys[j]] || s.Confusions[keys[i]] == s.Confusions[keys[j]] && keys[i] < keys[j]
		})
		fmt.Fprintf(&b, "\nmovements misread:")
		for _, k := range keys {
			fmt.Fprintf(&b, " %s %d;", k, s.Confusions[k])
		}
	}
	fmt.Fprintf(&b, "\n\n  %-6s %-14s %6s %6s %6s %8s %10s %7s %6s\n", "level", "class", "TP", "FP", "FN", "support", "precision", "recall", "F1")
	for _, lv := range []struct {
		name string
		sc   [2]Score
	}{{"clip", s.Clip}, {"knee", s.Knee}} {
		for _, sc := range lv.sc {
			if sc.Support+sc.FP == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %-6s %-14s %6d %6d %6d %8d %10s %7s %6s\n", lv.name, sc.Class, sc.TP, sc.FP, sc.FN, sc.Support, pct(sc.Precision), pct(sc.Recall), f2(sc.F1))
		}
	}
	if s.ExcludedClips > 0 {
		fmt.Fprintf(&b, "  (%d clips left out: labelled ambiguous, or a movement not analysed yet)\n", s.ExcludedClips)
	}
	if len(s.Groups) > 0 {
		fmt.Fprintf(&b, "\n  %-28s %6s %9s %6s %6s %6s\n", "group (clip level)", "clips", "analysed", "F1", "FP", "FN")
		for _, g := range s.Groups {
			fmt.Fprintf(&b, "  %-28s %6d %9s %6s %6d %6d\n", g.Tag, g.Clips, pct(g.Analysed), f2(g.Caves.F1), g.Caves.FP, g.Caves.FN)
		}
	}
	if worst > 0 && len(s.Mistakes) > 0 {
		fmt.Fprintf(&b, "\n  worst cases (%d wrong or not analysed):\n", len(s.Mistakes))
		for _, o := range s.Mistakes[:min(worst, len(s.Mistakes))] {
			fmt.Fprintf(&b, "  - %s: %s\n", o.Item.Name, o.describe())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (o Outcome) describe() string {
	if o.Err != nil {
		return "error: " + o.Err.Error()
	}
	if !o.Analysed {
		return fmt.Sprintf("not analysed (%s: %s)", o.Movement.Label(), o.Reason)
	}
	return fmt.Sprintf("labelled %s, graded left %s (%s), right %s (%s) as %s", o.Item.Clip, o.Knee[0], deg(o.Value[0]), o.Knee[1], deg(o.Value[1]), o.Movement.Label())
}

func deg(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f°", v)
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func f2(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

package htmlreport

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Chart colours. The two legs use Okabe and Ito's blue and reddish purple
// (told apart with the common colour-vision deficiencies, and the right leg
// also dashed); the knee-cave classes keep the overlay's colours.
// Every colour that carries meaning has at least 3:1 contrast against the
// white chart (WCAG 2.1's non-text contrast) and every text colour 4.5:1
// (TestPaletteContrast computes them).
var (
	sideColour = [2]color.RGBA{{0, 114, 178, 255}, {204, 121, 167, 255}}
	sideDashes = [2][]vg.Length{nil, {vg.Points(5), vg.Points(2.5)}}
	inkColour  = color.RGBA{36, 41, 47, 255}
	mutedInk   = color.RGBA{87, 96, 106, 255}
	axisColour = color.RGBA{125, 133, 144, 255}
	gridColour = color.RGBA{234, 238, 242, 255}
	repShade   = color.NRGBA{36, 41, 47, 14}
	// descent, bottom, ascent: blue, grey, dark orange
	tempoFills = [3]color.RGBA{{0, 114, 178, 255}, {110, 119, 129, 255}, {168, 82, 0, 255}}
)

// zoneAlpha is the opacity of a class's tint behind a graded chart.
const zoneAlpha = 40

// chartSize is one rendering of a chart. Each chart is drawn twice: wide
// for screens from tablet width up and for print, narrow for phones, so
// that its text is at least 11 CSS px where it is shown (the report's CSS
// shows one and hides the other; TestReportInBrowser measures it).
type chartSize struct {
	name string  // CSS class: "wide" or "narrow"
	w    float64 // drawing width in SVG units (the viewBox)
	// Text sizes in SVG units: tick labels, axis labels, notes inside the
	// plot (band and rep labels).
	tick, label, note float64
}

var (
	// Shown in a column about 930 CSS px wide (1280-px window): scale 1.29.
	wideSize = chartSize{name: "wide", w: 720, tick: 9, label: 10, note: 8.75}
	// Shown about 340 CSS px wide (390-px phone): scale 1.0.
	narrowSize = chartSize{name: "narrow", w: 340, tick: 11.5, label: 12, note: 11.5}
	chartSizes = []chartSize{wideSize, narrowSize}
)

// height is the drawing height for a chart drawn h units high when wide.
func (sz chartSize) height(h float64) float64 {
	if sz.name == "narrow" {
		return h + 20
	}
	return h
}

// chartText is a chart's text alternative: its title and a description
// with its key numbers.
type chartText struct{ id, title, desc string }

// chartFont is Liberation Sans, which gonum/plot embeds for measuring text;
// the SVG names it with metric-compatible fallbacks (see tidySVG).
var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

const chartH = 250

// newPlot returns a plot in the report's style.
func newPlot(sz chartSize, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.White
	style := func(a *plot.Axis, label string) {
		a.Label.Text = label
		a.Label.TextStyle.Font = font.From(chartFont, vg.Length(sz.label))
		a.Label.TextStyle.Color = inkColour
		a.Tick.Label.Font = font.From(chartFont, vg.Length(sz.tick))
		a.Tick.Label.Color = mutedInk
		a.LineStyle.Color = axisColour
		a.LineStyle.Width = vg.Points(0.75)
		a.Tick.LineStyle.Color = axisColour
		a.Tick.LineStyle.Width = vg.Points(0.75)
		a.Tick.Length = vg.Points(4)
		a.Padding = vg.Points(2)
	}
	style(&p.X, xLabel)
	style(&p.Y, yLabel)
	p.Y.Tick.Marker = niceTicks{}
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = gridColour
	g.Horizontal.Width = vg.Points(0.75)
	p.Add(g)
	return p
}

// niceTicks labels an axis at steps of 1, 2 or 5 times a power of ten,
// about five labels per axis, with unlabelled minor ticks between.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !finiteNum(lo) || !finiteNum(hi) {
		return nil // nothing sensible to label (and no endless loop)
	}
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: trimNum(lo)}}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []plot.Tick
	// At most a dozen steps: where the step vanishes against the values
	// (a range far narrower than the numbers' precision) it stops anyway.
	for v, n := math.Ceil(lo/step)*step, 0; v <= hi+step*1e-9 && n < 12; v, n = v+step, n+1 {
		x := math.Round(v/step) * step
		if math.Abs(x) < step*1e-9 {
			x = 0 // no "-0"
		}
		out = append(out, plot.Tick{Value: x, Label: trimNum(x)})
		if m := x + step/2; m < hi {
			out = append(out, plot.Tick{Value: m})
		}
	}
	return out
}

// renderSVG draws the plot as an SVG element for inline use. gonum/plot
// panics on some degenerate inputs; that becomes an error (the chart is
// left out) rather than a crash.
func renderSVG(p *plot.Plot, sz chartSize, height float64, alt chartText) (svg string, err error) {
	label := alt.title
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing the %s chart: %v", label, r)
		}
	}()
	// gonum/plot's tick labelling never returns for an axis whose range is
	// NaN or infinite (a load of NaN once reached a chart): leave it out.
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if !finiteNum(a.Min) || !finiteNum(a.Max) {
			return "", fmt.Errorf("drawing the %s chart: the data are not finite numbers (axis %g to %g)", label, a.Min, a.Max)
		}
	}
	c := vgsvg.New(vg.Points(sz.w), vg.Points(sz.height(height)))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("drawing the %s chart: %w", label, err)
	}
	return tidySVG(buf.String(), sz, alt), nil
}

var (
	svgProlog = regexp.MustCompile(`(?s)^.*?<svg `)
	svgSize   = regexp.MustCompile(`^<svg width="[^"]*" height="[^"]*"`)
	svgXMLNS  = regexp.MustCompile(`\s+xmlns(:xlink)?="[^"]*"`)
)

// tidySVG makes vgsvg's document an inline element: no XML prolog, sized by
// CSS (the viewBox keeps the aspect, the width is the column's), a picture
// for screen readers named by its <title> and described by its <desc>, and
// the font named with metric-compatible fallbacks for machines without
// Liberation Sans.
func tidySVG(s string, sz chartSize, alt chartText) string {
	id := alt.id + "-" + sz.name
	s = svgProlog.ReplaceAllString(s, "<svg ")
	s = svgXMLNS.ReplaceAllString(s, "") // inline SVG in HTML needs no namespace declarations
	s = svgSize.ReplaceAllString(s, fmt.Sprintf(`<svg class="chart %s" role="img" aria-labelledby="%s-t %s-d"`, sz.name, id, id))
	if i := strings.Index(s, ">"); i > 0 {
		s = s[:i+1] + fmt.Sprintf("\n<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>", id, escapeAttr(alt.title), id, escapeAttr(alt.desc)) + s[i+1:]
	}
	s = strings.ReplaceAll(s, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	return s
}

func escapeAttr(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;")
	return r.Replace(s)
}

// textStyle returns a chart text style.
func textStyle(size float64, c color.Color, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{Color: c, Font: font.From(chartFont, vg.Length(size)), XAlign: xa, YAlign: ya, Handler: plot.DefaultTextHandler}
}

// repBands shades each rep's span and numbers it at the top.
type repBands struct {
	reps []valgus.RepResult
	sz   chartSize
}

func (b repBands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	ts := textStyle(b.sz.note, mutedInk, draw.XCenter, draw.YTop)
	for _, r := range b.reps {
		x0, x1 := trX(r.StartS), trX(r.EndS)
		c.FillPolygon(repShade, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
		label := fmt.Sprint(r.Index)
		if r.Partial {
			label += "*"
		}
		c.FillText(ts, vg.Point{X: (x0 + x1) / 2, Y: c.Max.Y - vg.Points(2)}, label)
	}
}

// zones tints the ranges of the mild, moderate and severe classes and labels
// their bounds at the right. The classes start at the bounds and go up.
// With spans, the tint covers only those stretches of the x axis (the reps,
// where the measure is graded); without, the whole plot.
type zones struct {
	bounds [3]float64 // mild, moderate, severe
	unit   string
	spans  [][2]float64
	sz     chartSize
}

func (z zones) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	classes := []overlay.Class{overlay.ClassMild, overlay.ClassModerate, overlay.ClassSevere}
	ts := textStyle(z.sz.note, mutedInk, draw.XRight, draw.YBottom)
	xs := [][2]vg.Length{{c.Min.X, c.Max.X}}
	if z.spans != nil {
		xs = xs[:0]
		for _, sp := range z.spans {
			x0, x1 := trX(math.Max(sp[0], p.X.Min)), trX(math.Min(sp[1], p.X.Max))
			if x1 > x0 {
				xs = append(xs, [2]vg.Length{x0, x1})
			}
		}
	}
	lastLabel := vg.Length(math.Inf(-1))
	for i, cl := range classes {
		lo, hi := z.bounds[i], math.Inf(1)
		if i < 2 {
			hi = z.bounds[i+1]
		}
		lo, hi = math.Max(lo, p.Y.Min), math.Min(hi, p.Y.Max)
		if lo >= hi {
			continue
		}
		k := cl.Colour()
		fill := color.NRGBA{k.R, k.G, k.B, zoneAlpha}
		y0, y1 := trY(lo), trY(hi)
		for _, x := range xs {
			c.FillPolygon(fill, []vg.Point{{X: x[0], Y: y0}, {X: x[1], Y: y0}, {X: x[1], Y: y1}, {X: x[0], Y: y1}})
		}
		edge := z.bounds[i]
		if edge < p.Y.Min || edge > p.Y.Max {
			continue
		}
		ye := trY(edge)
		c.StrokeLine2(draw.LineStyle{Color: color.NRGBA{k.R, k.G, k.B, 200}, Width: vg.Points(0.75), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}},
			c.Min.X, ye, c.Max.X, ye)
		off := vg.Points(1.5)
		// Bounds squeezed together by a wide axis: label only those with room.
		if math.Abs(float64(ye-lastLabel)) < float64(vg.Points(z.sz.note+1)) {
			continue
		}
		lastLabel = ye
		c.FillText(ts, vg.Point{X: c.Max.X - vg.Points(3), Y: ye + off}, fmt.Sprintf("%s %s%s", cl, trimNum(edge), z.unit))
	}
}

func trimNum(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// hline draws a horizontal reference line (0°, KASR 1) with a label;
// dashed lines are conventions (KASR's 0.8), labelled at the right.
type hline struct {
	y      float64
	label  string
	sz     chartSize
	dashed bool
}

func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	if h.y < p.Y.Min || h.y > p.Y.Max {
		return
	}
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	ls := draw.LineStyle{Color: axisColour, Width: vg.Points(0.75)}
	at, xa := c.Min.X+vg.Points(3), draw.XLeft
	if h.dashed {
		ls.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		at, xa = c.Max.X-vg.Points(3), draw.XRight
	}
	c.StrokeLine2(ls, c.Min.X, y, c.Max.X, y)
	if h.label != "" {
		c.FillText(textStyle(h.sz.note, mutedInk, xa, draw.YBottom), vg.Point{X: at, Y: y + vg.Points(1.5)}, h.label)
	}
}

// addSeries adds a line per run of finite values (gaps stay gaps).
func addSeries(p *plot.Plot, xs, ys []float64, col color.Color, dashes []vg.Length, width float64) {
	var run plotter.XYs
	flush := func() {
		if len(run) >= 2 {
			if l, err := plotter.NewLine(run); err == nil {
				l.Color, l.Width, l.Dashes = col, vg.Points(width), dashes
				p.Add(l)
			}
		} else if len(run) == 1 {
			if s, err := plotter.NewScatter(run); err == nil {
				s.Color, s.Radius = col, vg.Points(width)
				p.Add(s)
			}
		}
		run = nil
	}
	for i := range xs {
		if math.IsNaN(ys[i]) || math.IsInf(ys[i], 0) {
			flush()
			continue
		}
		run = append(run, plotter.XY{X: xs[i], Y: ys[i]})
	}
	flush()
}

// graded describes the measure a set is graded on, for its charts: the
// knee's cave angle in squats on both legs, the valgus angle above
// standing (the larger of the FPPA rise and the MKD angle) in single-leg
// and split squats, with the bands that graded it (valgus's one rule,
// SetResult.GradedBands).
type graded struct {
	bilateral bool
	bands     valgus.Bands
	label     string
}

func gradedFor(set *valgus.SetResult) graded {
	g := graded{bilateral: set.GradedOnCave(), bands: set.GradedBands(), label: "valgus angle above standing (°)"}
	if g.bilateral {
		g.label = "knee cave angle (°)"
	}
	return g
}

// repValue is a rep's graded peak for the leg (NaN when not assessed).
func (g graded) repValue(rs valgus.RepSide) float64 {
	if !rs.Assessed {
		return math.NaN()
	}
	return rs.GradedDeg
}

// fitY widens [lo, hi] to include the finite values and pads it.
func fitY(lo, hi float64, vals ...[]float64) (float64, float64) {
	for _, v := range vals {
		for _, x := range v {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	pad := 0.06 * (hi - lo)
	return lo - pad, hi + pad
}

// fppaChart plots each leg's graded angle over the set, reps shaded, the
// bands tinted within the reps (where the measure is graded).
func fppaChart(set *valgus.SetResult, sz chartSize, alt chartText) (string, error) {
	g := gradedFor(set)
	p := newPlot(sz, "time (s)", g.label)
	n := len(set.Frames)
	xs := make([]float64, n)
	var ys [2][]float64
	for s := range ys {
		ys[s] = make([]float64, n)
	}
	for i, f := range set.Frames {
		xs[i] = f.Time
		for s := 0; s < 2; s++ {
			ys[s][i] = f.Side[s].GradedDeg // trusted points only, as graded
			if assessedIn(set, i, s) == 0 {
				ys[s][i] = math.NaN()
			}
		}
	}
	p.Y.Min, p.Y.Max = fitY(math.Min(-5, g.bands.Mild-12), g.bands.Severe+4, ys[0], ys[1])
	if n > 0 {
		p.X.Min, p.X.Max = xs[0], math.Max(xs[n-1], xs[0]+0.1)
	}
	spans := make([][2]float64, 0, len(set.Reps))
	for _, r := range set.Reps {
		spans = append(spans, [2]float64{r.StartS, r.EndS})
	}
	p.Add(zones{bounds: [3]float64{g.bands.Mild, g.bands.Moderate, g.bands.Severe}, unit: "°", spans: spans, sz: sz},
		repBands{set.Reps, sz}, hline{y: 0, sz: sz})
	for s := 0; s < 2; s++ {
		if sideAssessed(set, s) {
			addSeries(p, xs, ys[s], sideColour[s], sideDashes[s], 1.6)
		}
	}
	return renderSVG(p, sz, chartH, alt)
}

// sideAssessed reports whether leg s is graded in any rep (not so for the
// free leg of a set of single-leg squats).
func sideAssessed(set *valgus.SetResult, s int) bool {
	for _, r := range set.Reps {
		if r.Side[s].Assessed {
			return true
		}
	}
	return false
}

// assessedIn returns 0 when frame i belongs to a rep in which leg s is not
// assessed, else 1.
func assessedIn(set *valgus.SetResult, i, s int) int {
	k := set.Frames[i].Rep
	if k >= 0 && k < len(set.Reps) && !set.Reps[k].Side[s].Assessed {
		return 0
	}
	return 1
}

// repTicks labels whole rep numbers only.
func repTicks(n int) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		var out []plot.Tick
		step := max(1, n/12)
		for i := 1; i <= n; i += step {
			out = append(out, plot.Tick{Value: float64(i), Label: fmt.Sprint(i)})
		}
		return out
	})
}

// peaksChart plots each rep's peak angle per leg with a straight-line trend
// over the full reps.
func peaksChart(set *valgus.SetResult, sz chartSize, alt chartText) (string, error) {
	g := gradedFor(set)
	p := newPlot(sz, "rep", "peak "+strings.TrimSuffix(g.label, " (°)")+" (°)")
	p.X.Tick.Marker = repTicks(len(set.Reps))
	// Zones first: gonum/plot draws in the order added.
	p.Add(zones{bounds: [3]float64{g.bands.Mild, g.bands.Moderate, g.bands.Severe}, unit: "°", sz: sz}, hline{y: 0, sz: sz})
	var all []float64
	for s := 0; s < 2; s++ {
		var full, part plotter.XYs
		var tx, ty []float64
		for _, r := range set.Reps {
			v := g.repValue(r.Side[s])
			if math.IsNaN(v) || r.Side[s].Quality == valgus.QualityPoor {
				continue
			}
			all = append(all, v)
			pt := plotter.XY{X: float64(r.Index), Y: v}
			if r.Partial {
				part = append(part, pt)
				continue
			}
			full = append(full, pt)
			tx, ty = append(tx, pt.X), append(ty, pt.Y)
		}
		if tr := valgus.FitTrend(tx, ty); tr.N >= 3 && !math.IsNaN(tr.Slope) {
			line := plotter.XYs{{X: tx[0], Y: tr.Intercept + tr.Slope*tx[0]}, {X: tx[len(tx)-1], Y: tr.Intercept + tr.Slope*tx[len(tx)-1]}}
			all = append(all, line[0].Y, line[1].Y)
			if l, err := plotter.NewLine(line); err == nil {
				l.Color, l.Width, l.Dashes = sideColour[s], vg.Points(1.2), []vg.Length{vg.Points(2), vg.Points(2)}
				p.Add(l)
			}
		}
		if len(full) > 0 {
			if sc, err := plotter.NewScatter(full); err == nil {
				sc.Color, sc.Radius = sideColour[s], vg.Points(3.5)
				sc.Shape = [2]draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}}[s]
				p.Add(sc)
			}
		}
		if len(part) > 0 {
			if sc, err := plotter.NewScatter(part); err == nil {
				sc.Color, sc.Radius = sideColour[s], vg.Points(3.5)
				sc.Shape = [2]draw.GlyphDrawer{draw.RingGlyph{}, draw.SquareGlyph{}}[s]
				p.Add(sc)
			}
		}
	}
	p.Y.Min, p.Y.Max = fitY(math.Min(0, g.bands.Mild-8), g.bands.Severe+4, all)
	p.X.Min, p.X.Max = 0.5, float64(len(set.Reps))+0.5
	return renderSVG(p, sz, chartH, alt)
}

// kasrChart plots the knee-to-ankle separation ratio over the set. KASR
// grades nothing, so the chart tints no classes: it draws the conventions
// of other tools (0.8, 0.7, 0.6) as plain dashed lines.
func kasrChart(set *valgus.SetResult, sz chartSize, alt chartText) (string, error) {
	th := set.Thresholds
	p := newPlot(sz, "time (s)", "KASR (knees / ankles apart)")
	n := len(set.Frames)
	xs, ys := make([]float64, n), make([]float64, n)
	for i, f := range set.Frames {
		xs[i], ys[i] = f.Time, f.KASR
	}
	p.Y.Min, p.Y.Max = fitY(math.Min(0.5, th.KASR.Severe-0.1), 1.3, ys)
	if n > 0 {
		p.X.Min, p.X.Max = xs[0], math.Max(xs[n-1], xs[0]+0.1)
	}
	p.Add(repBands{set.Reps, sz}, hline{y: 1, label: "knees over the feet", sz: sz})
	for i, v := range []float64{th.KASR.Mild, th.KASR.Moderate, th.KASR.Severe} {
		label := trimNum(v)
		if i == 0 {
			label += " (convention, not a grade)"
		}
		p.Add(hline{y: v, label: label, sz: sz, dashed: true})
	}
	addSeries(p, xs, ys, inkColour, nil, 1.6)
	return renderSVG(p, sz, chartH, alt)
}

// tempoChart stacks each rep's descent, bottom and ascent durations.
func tempoChart(set *valgus.SetResult, sz chartSize, alt chartText) (string, error) {
	p := newPlot(sz, "rep", "seconds")
	p.X.Tick.Marker = repTicks(len(set.Reps))
	n := len(set.Reps)
	var parts [3]plotter.Values
	top := 0.0
	for _, r := range set.Reps {
		d := []float64{r.Tempo.DescentS, r.Tempo.BottomS, r.Tempo.AscentS}
		for k := range parts {
			v := d[k]
			if math.IsNaN(v) || v < 0 {
				v = 0
			}
			parts[k] = append(parts[k], v)
		}
		top = math.Max(top, d[0]+d[1]+d[2])
	}
	width := vg.Points(math.Min(28, 0.6*(sz.w-60)/math.Max(1, float64(n))))
	var prev *plotter.BarChart
	for k := range parts {
		b, err := plotter.NewBarChart(parts[k], width)
		if err != nil {
			return "", fmt.Errorf("drawing the tempo chart: %w", err)
		}
		b.Color, b.LineStyle.Width, b.XMin = tempoFills[k], 0, 1
		if prev != nil {
			b.StackOn(prev)
		}
		p.Add(b)
		prev = b
	}
	p.X.Min, p.X.Max = 0.5, float64(n)+0.5
	p.Y.Min, p.Y.Max = 0, math.Max(1, top*1.1)
	return renderSVG(p, sz, 190, alt)
}

// freshGraded is the mean graded measure of leg s over the first two full
// reps of a set in which it was graded (NaN without any).
func freshGraded(set *valgus.SetResult, g graded, s int) float64 {
	var v []float64
	for _, r := range set.Reps {
		if len(v) == 2 {
			break
		}
		rs := r.Side[s]
		if r.Partial || !rs.Assessed || rs.Quality == valgus.QualityPoor {
			continue
		}
		if x := g.repValue(rs); !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	return stat.Mean(v, nil)
}

// loadChart plots each set's fresh-rep graded measure against its load,
// per leg, with the fitted trend, over the bands of the sets' movement.
func loadChart(ss *valgus.SessionResult, sz chartSize, alt chartText) (string, error) {
	var g graded
	for _, set := range ss.Sets {
		if set.Analysed {
			g = gradedFor(set)
			break
		}
	}
	p := newPlot(sz, "load (kg)", g.label)
	b := g.bands
	p.Add(zones{bounds: [3]float64{b.Mild, b.Moderate, b.Severe}, unit: "°", sz: sz}, hline{y: 0, sz: sz})
	var all, loads []float64
	for s := 0; s < 2; s++ {
		lt := ss.Load[s]
		var pts plotter.XYs
		var tx, ty []float64
		for _, pt := range lt.Points {
			set := ss.Sets[pt.Set]
			v := freshGraded(set, gradedFor(set), s)
			if math.IsNaN(v) || !finiteNum(pt.LoadKG) {
				continue
			}
			pts = append(pts, plotter.XY{X: pt.LoadKG, Y: v})
			tx, ty = append(tx, pt.LoadKG/10), append(ty, v)
			all = append(all, v)
			loads = append(loads, pt.LoadKG)
		}
		if tr := valgus.FitTrend(tx, ty); tr.N >= 3 && !math.IsNaN(tr.Slope) && len(pts) > 1 {
			x0, x1 := pts[0].X, pts[len(pts)-1].X
			line := plotter.XYs{{X: x0, Y: tr.Intercept + tr.Slope*x0/10}, {X: x1, Y: tr.Intercept + tr.Slope*x1/10}}
			all = append(all, line[0].Y, line[1].Y)
			if l, err := plotter.NewLine(line); err == nil {
				l.Color, l.Width, l.Dashes = sideColour[s], vg.Points(1.2), []vg.Length{vg.Points(2), vg.Points(2)}
				p.Add(l)
			}
		}
		if len(pts) > 0 {
			if sc, err := plotter.NewScatter(pts); err == nil {
				sc.Color, sc.Radius = sideColour[s], vg.Points(3.5)
				sc.Shape = [2]draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}}[s]
				p.Add(sc)
			}
		}
	}
	p.Y.Min, p.Y.Max = fitY(math.Min(0, b.Mild-8), b.Severe+4, all)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range loads {
		lo, hi = math.Min(lo, l), math.Max(hi, l)
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	pad := math.Max(2.5, 0.08*(hi-lo))
	p.X.Min, p.X.Max = lo-pad, hi+pad
	return renderSVG(p, sz, chartH, alt)
}

func finiteNum(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

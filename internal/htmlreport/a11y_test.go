package htmlreport

import (
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// luminance is WCAG 2.1's relative luminance of an sRGB colour.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG 2.1's contrast ratio of two colours.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over composites a translucent colour over an opaque one.
func over(top color.NRGBA, under color.RGBA) color.RGBA {
	a := float64(top.A) / 255
	mix := func(t, u uint8) uint8 { return uint8(math.Round(a*float64(t) + (1-a)*float64(u))) }
	return color.RGBA{mix(top.R, under.R), mix(top.G, under.G), mix(top.B, under.B), 255}
}

func parseHex(t *testing.T, h string) color.RGBA {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(h, "#"), 16, 32)
	if err != nil || len(h) != 7 {
		t.Fatalf("colour %q is not #rrggbb", h)
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

// The formula itself, against values anyone can check: black on white is
// 21:1, a colour on itself 1:1, and #767676 on white the well-known
// smallest grey that passes 4.5:1.
func TestContrastFormula(t *testing.T) {
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	for _, c := range []struct {
		a, b     color.RGBA
		lo, hi   float64
		describe string
	}{
		{black, white, 20.999, 21.001, "black on white"},
		{white, white, 1, 1, "white on white"},
		{color.RGBA{0x76, 0x76, 0x76, 255}, white, 4.50, 4.56, "#767676 on white"},
		{color.RGBA{0x77, 0x77, 0x77, 255}, white, 4.4, 4.499, "#777777 on white"},
	} {
		if r := contrast(c.a, c.b); r < c.lo || r > c.hi {
			t.Errorf("%s: %.3f, want %.3f to %.3f", c.describe, r, c.lo, c.hi)
		}
	}
}

// Every text colour of the page and the charts reaches WCAG AA's 4.5:1 on
// every background it is shown on, and every colour that carries meaning
// in a chart 3:1 against the chart's white. The CSS names its colours only
// through the palette, so nothing escapes this check.
func TestPaletteContrast(t *testing.T) {
	named := map[string]color.RGBA{}
	for _, c := range cssColours() {
		named[c.Name] = parseHex(t, c.Hex)
	}
	col := func(name string) color.RGBA {
		c, ok := named[name]
		if !ok {
			t.Fatalf("no colour %q in the palette", name)
		}
		return c
	}
	type pair struct {
		fg, bg string
		min    float64
	}
	var pairs []pair
	text := func(fg string, bgs ...string) {
		for _, bg := range bgs {
			pairs = append(pairs, pair{fg, bg, 4.5})
		}
	}
	text("ink", "page", "card", "card-alt", "white")
	text("heading", "card", "card-alt", "page")
	text("muted", "card", "card-alt", "page")
	text("faint", "card", "card-alt")
	text("lead", "card", "card-alt", "kind-bg")
	text("link", "card", "card-alt")
	text("white", "header")
	text("header-ink", "header")
	text("brand", "header")
	text("note-ink", "note-bg", "card")
	text("ok-ink", "ok-bg")
	text("warn-ink", "warn-bg")
	text("bad-ink", "bad-bg")
	text("conf-ink", "conf-bg")
	text("chip-ink", "sev-none", "sev-mild", "sev-moderate", "sev-severe", "unknown-bg")
	for _, p := range pairs {
		if r := contrast(col(p.fg), col(p.bg)); r < p.min {
			t.Errorf("text %s on %s: %.2f:1, want at least %.1f:1", p.fg, p.bg, r, p.min)
		}
	}

	// The charts: white, a rep's grey band, and each class's tint (with a
	// rep band over it) under the text.
	white := color.RGBA{255, 255, 255, 255}
	bgs := map[string]color.RGBA{"white": white, "rep band": over(repShade, white)}
	for _, cl := range []overlay.Class{overlay.ClassMild, overlay.ClassModerate, overlay.ClassSevere} {
		k := cl.Colour()
		tint := over(color.NRGBA{k.R, k.G, k.B, zoneAlpha}, white)
		bgs[cl.String()+" tint"] = tint
		bgs[cl.String()+" tint in a rep"] = over(repShade, tint)
	}
	for name, fg := range map[string]color.RGBA{"ink": inkColour, "muted ink": mutedInk} {
		for bgName, bg := range bgs {
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("chart text %s on %s: %.2f:1, want at least 4.5:1", name, bgName, r)
			}
		}
	}
	graphics := map[string]color.RGBA{"left knee": sideColour[0], "right knee": sideColour[1], "KASR line": inkColour,
		"axes": axisColour, "descent": tempoFills[0], "bottom": tempoFills[1], "ascent": tempoFills[2]}
	for name, c := range graphics {
		if r := contrast(c, white); r < 3 {
			t.Errorf("chart %s %v on white: %.2f:1, want at least 3:1", name, c, r)
		}
	}
}

var cssColourLiteral = regexp.MustCompile(`(?i)#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(|:\s*(black|white|grey|gray|red)\b`)

// The stylesheet has no colour of its own: all come from the palette.
func TestCSSUsesPaletteOnly(t *testing.T) {
	for i, line := range strings.Split(pageCSS, "\n") {
		if m := cssColourLiteral.FindString(line); m != "" {
			t.Errorf("report.css line %d: colour %q outside the palette (name it in palette.go): %s", i+1, m, strings.TrimSpace(line))
		}
	}
	for _, m := range regexp.MustCompile(`var\(--([a-z-]+)\)`).FindAllStringSubmatch(pageCSS, -1) {
		found := m[1] == "c" // a legend swatch's own colour, set inline
		for _, c := range cssColours() {
			found = found || c.Name == m[1]
		}
		if !found {
			t.Errorf("report.css uses --%s, which the palette does not define", m[1])
		}
	}
}

// allowedLinkHosts are the published sources the report may cite.
var allowedLinkHosts = []string{"https://doi.org/"}

// The report, for each kind of set, has: lang, headings that never skip a
// level, a text alternative for every picture (img alt; svg role="img"
// with a <title> and a <desc> that gives numbers), unique ids, and no
// absolute link except to a published source.
func TestReportAccessibleAndNoDeadLinks(t *testing.T) {
	bilateral := overlaytest.Track(t, sim.StickSet{Reps: 4, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{10, 14, 22, 30}}, 720, 1280)
	cases := []struct {
		name  string
		trs   []*track.Track
		loads []float64
	}{
		{"one set", []*track.Track{bilateral}, nil},
		{"session", []*track.Track{bilateral, bilateral, bilateral}, []float64{60, 80, 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ss := analyse(t, c.trs, c.loads)
			p := parse(t, render(t, Input{Session: ss, Coaching: coaching, Generator: "kneetrack test"}))
			ids := map[string]bool{}
			lastLevel, lang := 0, ""
			walk(p.root, func(n *html.Node) {
				if n.Type == html.TextNode && (strings.Contains(n.Data, "http://") || strings.Contains(n.Data, "https://")) {
					t.Errorf("text names a web address: %q", strings.TrimSpace(n.Data))
				}
				if n.Type != html.ElementNode {
					return
				}
				if id := attr(n, "id"); id != "" {
					if ids[id] {
						t.Errorf("id %q used twice", id)
					}
					ids[id] = true
				}
				for _, a := range n.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "//") {
						ok := false
						for _, h := range allowedLinkHosts {
							ok = ok || strings.HasPrefix(v, h)
						}
						if !ok {
							t.Errorf("<%s %s=%q>: an absolute link to something other than a published source", n.Data, a.Key, a.Val)
						}
					}
				}
				switch n.Data {
				case "html":
					lang = attr(n, "lang")
				case "h1", "h2", "h3", "h4", "h5", "h6":
					level := int(n.Data[1] - '0')
					if level > lastLevel+1 {
						t.Errorf("heading <%s> %q follows an <h%d>: a level is skipped", n.Data, textOf(n), lastLevel)
					}
					lastLevel = level
				case "img":
					if alt := attr(n, "alt"); len(alt) < 20 {
						t.Errorf("image without a useful text alternative: alt=%q", alt)
					}
				case "svg":
					checkSVGAlternative(t, n)
				}
			})
			if lang != "en" {
				t.Errorf("<html lang=%q>, want en", lang)
			}
		})
	}
}

// checkSVGAlternative: role="img", aria-labelledby naming its own <title>
// and <desc>, and a description with numbers in it.
func checkSVGAlternative(t *testing.T, n *html.Node) {
	t.Helper()
	if attr(n, "role") != "img" {
		t.Errorf("svg %q without role=img", attr(n, "class"))
	}
	byID := map[string]string{}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "title" || c.Data == "desc") {
			byID[attr(c, "id")] = c.Data + ":" + textOf(c)
		}
	}
	var kinds []string
	for _, id := range strings.Fields(attr(n, "aria-labelledby")) {
		v, ok := byID[id]
		if !ok {
			t.Errorf("svg labelled by %q, which is not its own title or desc", id)
			continue
		}
		kind, txt, _ := strings.Cut(v, ":")
		kinds = append(kinds, kind)
		if kind == "desc" && !regexp.MustCompile(`\d`).MatchString(txt) {
			t.Errorf("chart description without a number: %q", txt)
		}
		if strings.TrimSpace(txt) == "" {
			t.Errorf("svg %s %q is empty", kind, id)
		}
	}
	if fmt.Sprint(kinds) != "[title desc]" {
		t.Errorf("svg labelled by %v, want its title and its desc", kinds)
	}
}

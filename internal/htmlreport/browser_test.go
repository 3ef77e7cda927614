package htmlreport

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// A4 in CSS px (96 per inch) inside report.css's @page margins (13 mm top
// and bottom, 12 mm left and right): the print layout's page box.
const (
	printWidthPx  = (210.0 - 24) / 25.4 * 96 // 703
	printHeightPx = (297.0 - 26) / 25.4 * 96 // 1024
)

// pageMetrics is what the browser reports about a laid-out report.
type pageMetrics struct {
	ScrollWidth float64  `json:"scrollWidth"`
	InnerWidth  float64  `json:"innerWidth"`
	Overflow    []string `json:"overflow"` // elements reaching past the window's right edge
	Charts      int      `json:"charts"`   // visible charts
	Texts       int      `json:"texts"`    // their text elements
	MinFontPx   float64  `json:"minFontPx"`
	MinFontAt   string   `json:"minFontAt"`
	NoAlt       []string `json:"noAlt"` // pictures without a text alternative
}

// measureJS: every visible chart text's rendered size is its computed
// font-size (in the SVG's units) times the SVG's scale on screen.
const measureJS = `(() => {
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal !== undefined ? '.' + e.className.baseVal : (e.className ? '.' + e.className : ''));
  const m = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, overflow: [], charts: 0, texts: 0, minFontPx: 1e9, minFontAt: '', noAlt: []};
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5 && m.overflow.length < 10) m.overflow.push(name(e) + ' right ' + r.right.toFixed(0));
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    if (!shown(svg)) continue;
    m.charts++;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      m.texts++;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < m.minFontPx) { m.minFontPx = px; m.minFontAt = svg.getAttribute('aria-labelledby') + ': "' + t.textContent + '"'; }
    }
  }
  for (const img of document.images) if (!(img.getAttribute('alt') || '').trim()) m.noAlt.push('img ' + img.src.slice(0, 30));
  for (const svg of document.querySelectorAll('svg')) {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const text = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    if (svg.getAttribute('role') !== 'img' || !text) m.noAlt.push(name(svg));
  }
  return m;
})()`

// unsplittable is one block the print layout must not cut.
type unsplittable struct {
	What        string  `json:"what"`
	Height      float64 `json:"height"`
	BreakInside string  `json:"breakInside"`
}

// printJS lists, in print media, the blocks that must stay whole: charts
// with their titles, key frames, table rows, knee and cause boxes.
const printJS = `[...document.querySelectorAll('figure, tr, .knee, .cause')]
  .filter(e => e.getBoundingClientRect().height > 0)
  .map(e => ({what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.textContent.trim().slice(0, 40),
              height: e.getBoundingClientRect().height, breakInside: getComputedStyle(e).breakInside}))`

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// The report in headless Chromium at a desktop and a phone width: nothing
// wider than the window, chart text at least 11 px, every picture with a
// text alternative; printed to A4, few pages, and no chart, key frame or
// table row that could be cut by a page break. KNEETRACK_SCREENSHOTS=DIR
// saves the screenshots (docs/img's come from here).
func TestReportInBrowser(t *testing.T) {
	chromium := findChromium(t)
	dir := t.TempDir()
	shots := os.Getenv("KNEETRACK_SCREENSHOTS")

	// Like the shared goblet clip: five reps on both legs, the right knee
	// caving more as the set goes on, drawn on its video. Like the
	// single-leg clip: five single-leg squats, track only. And a session.
	squat := overlaytest.Make(t, dir, sim.StickSet{Reps: 5, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{10, 14, 18, 24, 30}}, 360, 640)
	single := overlaytest.Track(t, sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 5, RightValgusDeg: []float64{4, 8, 12, 16, 20}}, 720, 1280)
	var sets []*track.Track
	for _, v := range []float64{10, 14, 30} {
		sets = append(sets, overlaytest.Track(t, sim.StickSet{Reps: 3, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{v}}, 720, 1280))
	}
	reports := []struct {
		name     string
		in       Input
		maxPages int // measured + 1 (docs/report.md)
	}{
		{"squat", Input{Session: analyse(t, []*track.Track{squat.Track}, nil), Sets: []SetMedia{{Video: squat.Video}}, Coaching: coaching}, 6},
		{"single-leg", Input{Session: analyse(t, []*track.Track{single}, nil), Coaching: coaching}, 6},
		{"session", Input{Session: analyse(t, sets, []float64{60, 80, 100}), Coaching: coaching}, 14},
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.Flag("hide-scrollbars", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	deadline := time.AfterFunc(90*time.Second, cancelBrowser) // a hung browser fails the test, not the run
	defer deadline.Stop()

	for _, r := range reports {
		t.Run(r.name, func(t *testing.T) {
			path, err := WriteFile(context.Background(), filepath.Join(dir, r.name), r.in)
			if err != nil {
				t.Fatal(err)
			}
			for _, vp := range []struct{ w, h int64 }{{1280, 800}, {390, 844}} {
				var m pageMetrics
				var shot []byte
				err := chromedp.Do(bctx, chromedp.EmulateViewport(vp.w, vp.h), chromedp.Navigate("file://"+path),
					chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
						if m, err = chromedp.Run(ctx, chromedp.Evaluate[pageMetrics](measureJS)); err != nil {
							return err
						}
						shot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
						return err
					}))
				if err != nil {
					t.Fatalf("at %d px: %v", vp.w, err)
				}
				if m.ScrollWidth > m.InnerWidth {
					t.Errorf("at %d px the page is %.0f px wide (wider than the window): %v", vp.w, m.ScrollWidth, m.Overflow)
				}
				if m.Charts == 0 || m.Texts == 0 {
					t.Errorf("at %d px no chart is shown", vp.w)
				} else if m.MinFontPx < 11 {
					t.Errorf("at %d px chart text is %.1f px (%s), want at least 11", vp.w, m.MinFontPx, m.MinFontAt)
				}
				if len(m.NoAlt) > 0 {
					t.Errorf("pictures without a text alternative: %v", m.NoAlt)
				}
				t.Logf("%d px: %d charts, smallest chart text %.1f px", vp.w, m.Charts, m.MinFontPx)
				if vp.w == 1280 {
					checkNotBlank(t, shot)
				}
				if shots != "" {
					if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("report-%s-%d.png", r.name, vp.w)), shot, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			checkPrint(t, bctx, r.name, shots, r.maxPages)
		})
	}
}

// checkNotBlank: a page that failed to render is one flat colour; the
// report shows its header band.
func checkNotBlank(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	var sum, sq, n float64
	header := false
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			l := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
			sum, sq, n = sum+l, sq+l*l, n+1
			header = header || (c.R == 0x14 && c.G == 0x21 && c.B == 0x3d)
		}
	}
	mean := sum / n
	if v := sq/n - mean*mean; v < 400 {
		t.Errorf("screenshot luminance variance %.0f: looks blank", v)
	}
	if !header {
		t.Error("screenshot lacks the header colour")
	}
}

// checkPrint lays the report out for print at A4's width and checks that
// every block that must stay whole has break-inside: avoid and fits on a
// page (so Chromium can keep it whole), then prints it and counts pages.
func checkPrint(t *testing.T, bctx context.Context, name, shots string, maxPages int) {
	t.Helper()
	var blocks []unsplittable
	var pdf []byte
	err := chromedp.Do(bctx,
		chromedp.EmulateViewport(703, 1024),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				return err
			}
			var err error
			if blocks, err = chromedp.Run(ctx, chromedp.Evaluate[[]unsplittable](printJS)); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
				return err
			}
			res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PaperWidth: 210 / 25.4, PaperHeight: 297 / 25.4})
			pdf = res.Data
			return err
		}))
	if err != nil {
		t.Fatalf("printing: %v", err)
	}
	if len(blocks) == 0 {
		t.Fatal("no figures or table rows found in the print layout")
	}
	for _, b := range blocks {
		if b.BreakInside != "avoid" {
			t.Errorf("print: %q has break-inside %q, want avoid", b.What, b.BreakInside)
		}
		if b.Height > printHeightPx {
			t.Errorf("print: %q is %.0f px high, taller than a page (%.0f px): it would be cut", b.What, b.Height, printHeightPx)
		}
	}
	pages := len(pdfPage.FindAll(pdf, -1))
	t.Logf("print: %d pages (A4), %d KB", pages, len(pdf)/1024)
	if pages < 1 || pages > maxPages {
		t.Errorf("print: %d pages, want 1 to %d", pages, maxPages)
	}
	if shots != "" {
		if err := os.WriteFile(filepath.Join(shots, "report-"+name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(string(pdf), "%PDF") {
		t.Error("print: not a PDF")
	}
}

package htmlreport

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func analyse(t *testing.T, trs []*track.Track, loads []float64) *valgus.SessionResult {
	t.Helper()
	var sets []*valgus.SetResult
	for i, tr := range trs {
		opt := valgus.Options{}
		if loads != nil {
			opt.LoadKG, opt.HasLoad = loads[i], true
		}
		set, err := valgus.AnalyzeSet(context.Background(), tr, opt)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, set)
	}
	ss, err := valgus.AnalyzeSession(sets)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

var coaching = &Coaching{
	Intro:       "inferred from how you moved",
	Causes:      []Cause{{Title: "Fatigue", Summary: "The knee drifts in as the set wears on.", Confidence: "high confidence", Evidence: []string{"Right knee: +5° per rep."}}},
	Plan:        []Step{{Text: "End the set once the ascent has slowed by about 20%.", Kind: "next set"}},
	CannotJudge: []string{"Load: no loads were given."},
}

// node helpers over the parsed document.
func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

type parsed struct {
	root     *html.Node
	sections map[string][]*html.Node
	imgs     []*html.Node
	svgs     int // wide charts (each chart is also drawn narrow, for phones)
	narrow   int
}

func parse(t *testing.T, doc []byte) parsed {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("the report does not parse: %v", err)
	}
	p := parsed{root: root, sections: map[string][]*html.Node{}}
	walk(root, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if s := attr(n, "data-section"); s != "" {
			p.sections[s] = append(p.sections[s], n)
		}
		switch n.Data {
		case "img":
			p.imgs = append(p.imgs, n)
		case "svg":
			switch attr(n, "class") {
			case "chart wide":
				p.svgs++
			case "chart narrow":
				p.narrow++
			}
		case "script", "link", "iframe", "object", "embed":
			t.Errorf("the report has a <%s> element; it must be self-contained and static", n.Data)
		}
		for _, a := range n.Attr {
			if (a.Key == "src" || a.Key == "href" && n.Data != "a") && !strings.HasPrefix(a.Val, "data:") && !strings.HasPrefix(a.Val, "#") {
				t.Errorf("<%s %s=%q> loads something from outside the file", n.Data, a.Key, a.Val)
			}
		}
	})
	return p
}

func decodeDataImage(t *testing.T, src string) (image.Image, string) {
	t.Helper()
	mime, b64, ok := strings.Cut(strings.TrimPrefix(src, "data:"), ";base64,")
	if !ok {
		t.Fatalf("image src %.40q is not a base64 data URI", src)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	var img image.Image
	switch mime {
	case "image/png":
		img, err = png.Decode(bytes.NewReader(data))
	case "image/jpeg":
		img, err = jpeg.Decode(bytes.NewReader(data))
	default:
		t.Fatalf("image type %q", mime)
	}
	if err != nil {
		t.Fatalf("%s key frame: %v", mime, err)
	}
	return img, mime
}

func render(t *testing.T, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A single set from a track without its video: every section is there,
// nothing is loaded from outside, the key frames are drawn on a plain
// background and say so.
func TestReportSectionsTrackOnly(t *testing.T) {
	tr := overlaytest.Track(t, sim.StickSet{Reps: 4, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{10, 14, 22, 30}}, 720, 1280)
	ss := analyse(t, []*track.Track{tr}, nil)
	doc := render(t, Input{Session: ss, Coaching: coaching, Generator: "kneetrack test"})
	p := parse(t, doc)
	for _, s := range []string{"verdict", "key-frames", "causes", "plan", "reps", "charts", "quality", "method"} {
		if len(p.sections[s]) != 1 {
			t.Errorf("section %q appears %d times, want once", s, len(p.sections[s]))
		}
	}
	if p.svgs != 4 || p.narrow != 4 {
		t.Errorf("%d wide and %d narrow inline SVG charts, want 4 of each (knee angle, peaks, KASR, tempo)", p.svgs, p.narrow)
	}
	rows := 0
	walk(p.sections["reps"][0], func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" && n.Parent.Data == "tbody" {
			rows++
		}
	})
	if rows != 4 {
		t.Errorf("rep table has %d rows, want 4", rows)
	}
	verdict := textOf(p.sections["verdict"][0])
	if !strings.Contains(verdict, "Your right knee caves in") || !strings.Contains(verdict, "severely") ||
		!strings.Contains(verdict, "the left stays in line") {
		t.Errorf("verdict: %s", verdict)
	}
	if kf := textOf(p.sections["key-frames"][0]); !strings.Contains(kf, "Worst rep · rep 4") || !strings.Contains(kf, "Best rep · rep 1") ||
		!strings.Contains(kf, "does not name its source video") && !strings.Contains(kf, "not known") {
		t.Errorf("key frames: %s", kf)
	}
	if len(p.imgs) != 2 {
		t.Fatalf("%d images, want the 2 key frames", len(p.imgs))
	}
	for _, im := range p.imgs {
		img, mime := decodeDataImage(t, attr(im, "src"))
		if mime != "image/png" || img.Bounds().Dy() != 720 {
			t.Errorf("plain key frame %s %v, want a PNG 720 px high", mime, img.Bounds())
		}
	}
	method := textOf(p.sections["method"][0])
	for _, want := range []string{"≥ 8°", "≥ 16.8°", "< 0.8", "docs/method.md"} {
		if !strings.Contains(method, want) {
			t.Errorf("method lacks %q", want)
		}
	}
	if !strings.Contains(string(doc), "not a diagnosis") {
		t.Error("no disclaimer")
	}
	// Without coaching, its sections are left out.
	p = parse(t, render(t, Input{Session: ss}))
	if len(p.sections["causes"])+len(p.sections["plan"]) != 0 || len(p.sections["verdict"]) != 1 {
		t.Errorf("without coaching: sections %v", p.sections)
	}
}

// With the source video, the key frames are JPEG frames of it, with the
// knee lines drawn where the keypoints are.
func TestReportKeyFramesOnVideo(t *testing.T) {
	dir := t.TempDir()
	// The synthetic lifter pushes the knees out 10°: the left tracks
	// straight (10), the right turns 0°, 8° and 20° inward past straight.
	clip := overlaytest.Make(t, dir, sim.StickSet{Reps: 3, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{10, 18, 30}}, 360, 640)
	ss := analyse(t, []*track.Track{clip.Track}, nil)
	doc := render(t, Input{Session: ss, Sets: []SetMedia{{Video: clip.Video}}})
	p := parse(t, doc)
	if len(p.imgs) != 2 {
		t.Fatalf("%d key frames, want 2", len(p.imgs))
	}
	if strings.Contains(textOf(p.sections["key-frames"][0]), "plain background") {
		t.Error("key frames claim there is no video")
	}
	set := ss.Sets[0]
	ann, err := overlay.NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	r, err := overlay.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []int{2, 0} { // worst, best
		img, mime := decodeDataImage(t, attr(p.imgs[i], "src"))
		if mime != "image/jpeg" {
			t.Fatalf("key frame %d is %s, want a JPEG video frame", i, mime)
		}
		sc, err := ann.KeyScene(k)
		if err != nil {
			t.Fatal(err)
		}
		tm, _ := ann.KeyTime(k)
		pics, _, err := overlay.GrabFrames(context.Background(), clip.Video, []float64{tm})
		if err != nil {
			t.Fatal(err)
		}
		want, xf := r.Still(pics[0], 360, 640, sc, overlay.StillOptions{MaxSide: 720})
		if img.Bounds() != want.Bounds() {
			t.Fatalf("key frame %d is %v, want %v", i, img.Bounds(), want.Bounds())
		}
		// The key frame is that video frame, cropped around the lifter,
		// with the scene drawn: the same picture up to JPEG's losses.
		if d := meanDiff(img, want); d > 4 {
			t.Errorf("key frame %d differs from the video frame with its scene by %.1f levels on average", i, d)
		}
		for s, l := range sc.Legs {
			c := l.Class.Colour()
			for _, seg := range [][2]body.Point{{l.Hip, l.Knee}, {l.Knee, l.Ankle}} {
				q := xf.Apply(body.Point{X: (seg[0].X + seg[1].X) / 2, Y: (seg[0].Y + seg[1].Y) / 2})
				got := color.RGBAModel.Convert(img.At(int(q.X), int(q.Y))).(color.RGBA)
				under := pics[0].RGBAAt(int((q.X-xf.DX)/xf.Scale), int((q.Y-xf.DY)/xf.Scale))
				if d := dist(got, c); d > 60 || dist(under, c) < d+60 {
					t.Errorf("key frame %d, leg %d at %.0f,%.0f: %v (video %v), want near %v", i, s, q.X, q.Y, got, under, c)
				}
			}
		}
		if i == 0 && sc.Legs[1].Class < overlay.ClassModerate {
			t.Errorf("worst rep's right knee drawn as %v", sc.Legs[1].Class)
		}
	}
}

// meanDiff is the mean absolute difference of two pictures' channels.
func meanDiff(a image.Image, b *image.RGBA) float64 {
	sum, n := 0, 0
	bb := a.Bounds()
	for y := bb.Min.Y; y < bb.Max.Y; y++ {
		for x := bb.Min.X; x < bb.Max.X; x++ {
			sum += dist(color.RGBAModel.Convert(a.At(x, y)).(color.RGBA), b.RGBAAt(x, y))
			n += 3
		}
	}
	return float64(sum) / float64(n)
}

func dist(a, b color.RGBA) int {
	d := func(x, y uint8) int { return int(math.Abs(float64(x) - float64(y))) }
	return d(a.R, b.R) + d(a.G, b.G) + d(a.B, b.B)
}

// Several sets with loads: a session section with the load chart, one
// block per set.
func TestReportSession(t *testing.T) {
	var trs []*track.Track
	// The synthetic lifter pushes its knees out 10°: a valgus turn of 10
	// tracks straight. The left knee tracks straight throughout, the right
	// one at 60 and 80 kg; at 100 kg it turns 20° in past straight.
	for _, v := range []float64{10, 10, 30} {
		trs = append(trs, overlaytest.Track(t, sim.StickSet{Reps: 3, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{v}}, 720, 1280))
	}
	ss := analyse(t, trs, []float64{60, 80, 100})
	p := parse(t, render(t, Input{Session: ss, Coaching: coaching}))
	if len(p.sections["session"]) != 1 || len(p.sections["verdict"]) != 3 || len(p.sections["reps"]) != 3 || len(p.sections["causes"]) != 1 {
		t.Fatalf("sections: session %d, verdict %d, reps %d, causes %d", len(p.sections["session"]), len(p.sections["verdict"]), len(p.sections["reps"]), len(p.sections["causes"]))
	}
	sess := p.sections["session"][0]
	if !strings.Contains(textOf(sess), "appears from 100 kg") {
		t.Errorf("session findings: %s", textOf(sess))
	}
	found := false
	walk(sess, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "title" && n.Parent.Data == "svg" && textOf(n) == "Knee cave against load" {
			found = true
		}
	})
	if !found {
		t.Error("no load chart in the session section")
	}
}

// A set that could not be graded still makes a report that says why.
func TestReportNotAnalysed(t *testing.T) {
	side, err := track.Project(sim.StickSet{Reps: 3}.Track3D(), track.Camera{YawDeg: 90})
	if err != nil {
		t.Fatal(err)
	}
	ss := analyse(t, []*track.Track{side}, nil)
	p := parse(t, render(t, Input{Session: ss}))
	v := textOf(p.sections["verdict"][0])
	if !strings.Contains(v, "Not analysed: the camera looks from the side") || strings.Contains(v, ", recognised") {
		t.Errorf("verdict: %s", v)
	}
	if q := textOf(p.sections["quality"][0]); !strings.Contains(q, "from the side") {
		t.Errorf("quality: %s", q)
	}
	if len(p.sections["charts"])+len(p.sections["key-frames"]) != 0 {
		t.Error("charts or key frames for a set that was not graded")
	}
	if err := Write(context.Background(), &bytes.Buffer{}, Input{}); err == nil {
		t.Error("a report without sets")
	}
}

// WriteFile replaces an existing report only with a complete one and
// leaves no temporary files.
func TestWriteFile(t *testing.T) {
	tr := overlaytest.Track(t, sim.StickSet{Reps: 2}, 720, 1280)
	ss := analyse(t, []*track.Track{tr}, nil)
	dir := filepath.Join(t.TempDir(), "out")
	in := Input{Session: ss}
	for range 2 {
		path, err := WriteFile(context.Background(), dir, in)
		if err != nil {
			t.Fatal(err)
		}
		if path != filepath.Join(dir, FileName) {
			t.Fatalf("path %s", path)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("%d files in the report folder, want only %s", len(ents), FileName)
	}
	if _, err := WriteFile(context.Background(), dir, Input{}); err == nil {
		t.Fatal("an empty report written")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, FileName)); !bytes.Contains(data, []byte("Knee cave report")) {
		t.Error("a failed write damaged the existing report")
	}
}

// findChromium returns the Chromium binary, or skips (fails under CI).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "chromium", "install it with: sudo apt-get install chromium")
	return ""
}

// Headless Chromium renders the report offline into a screenshot that is
// not blank.
func TestReportRendersInChromium(t *testing.T) {
	chromium := findChromium(t)
	dir := t.TempDir()
	// The synthetic lifter pushes the knees out 10°: the left tracks
	// straight (10), the right turns 0°, 8° and 20° inward past straight.
	clip := overlaytest.Make(t, dir, sim.StickSet{Reps: 3, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{10, 18, 30}}, 360, 640)
	ss := analyse(t, []*track.Track{clip.Track}, nil)
	path, err := WriteFile(context.Background(), filepath.Join(dir, "report"),
		Input{Session: ss, Sets: []SetMedia{{Video: clip.Video}}, Coaching: coaching})
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1200,2400", "file://"+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 2400 {
		t.Fatalf("screenshot %v, want 1200x2400", b)
	}
	// Luminance variance over a grid, and the report's header colour and a
	// knee class colour present: a page that failed to render is one flat
	// colour.
	var sum, sq, n float64
	header, severe := false, false
	sev := overlay.ClassSevere.Colour()
	for y := 0; y < 2400; y += 3 {
		for x := 0; x < 1200; x += 3 {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			l := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
			sum, sq, n = sum+l, sq+l*l, n+1
			header = header || (c.R == 0x14 && c.G == 0x21 && c.B == 0x3d)
			severe = severe || dist(c, sev) < 12
		}
	}
	mean := sum / n
	if v := sq/n - mean*mean; v < 400 {
		t.Errorf("screenshot luminance variance %.0f: looks blank", v)
	}
	if !header || !severe {
		t.Errorf("screenshot lacks the header colour (%v) or the severe class colour (%v)", header, severe)
	}
}

// TestGapMark: in the rep table a knee graded on the knee gap alone (basis
// "kasr") reads "moderate (gap)", once, with the mark explained under the
// table; a grade that also rests on the cave angle has no mark.
func TestGapMark(t *testing.T) {
	tr, err := track.Project(sim.StickSet{Reps: 3}.Track3D(), track.Camera{})
	if err != nil {
		t.Fatal(err)
	}
	ss := analyse(t, []*track.Track{tr}, nil)
	set := ss.Sets[0]
	if !set.Analysed || len(set.Reps) < 3 {
		t.Fatalf("analysed %v, %d reps; want 3 reps", set.Analysed, len(set.Reps))
	}
	reps := func() string { return textOf(parse(t, render(t, Input{Session: ss})).sections["reps"][0]) }
	if r := reps(); strings.Contains(r, "(gap)") {
		t.Errorf("no knee-gap grade, yet the table shows the mark: %s", r)
	}
	right := &set.Reps[1].Side[body.Right]
	right.Severity, right.Basis = valgus.SevModerate, []string{"kasr"}
	left := &set.Reps[2].Side[body.Left]
	left.Severity, left.Basis = valgus.SevModerate, []string{"knee_cave", "kasr"}
	r := reps()
	if n := strings.Count(r, "moderate (gap)"); n != 1 {
		t.Errorf("%d grades marked (gap), want 1: %s", n, r)
	}
	if !strings.Contains(r, "(gap): graded on how close the knees came together at depth (closer than 0.7 times") {
		t.Errorf("the mark is not explained: %s", r)
	}
}

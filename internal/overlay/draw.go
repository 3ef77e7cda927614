package overlay

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// finite reports whether both of p's coordinates are numbers.
func finite(p body.Point) bool { return !math.IsNaN(p.X+p.Y) && !math.IsInf(p.X+p.Y, 0) }

// lerpPt returns the point a fraction u of the way from a to b.
func lerpPt(a, b body.Point, u float64) body.Point {
	return body.Point{X: a.X + u*(b.X-a.X), Y: a.Y + u*(b.Y-a.Y)}
}

// Renderer draws scenes. It holds the parsed fonts and a cache of font faces
// by size, so one Renderer serves every frame of a video. It is not safe for
// concurrent use.
type Renderer struct {
	regular, bold *opentype.Font
	faces         map[faceKey]font.Face
	rast          *vector.Rasterizer
}

type faceKey struct {
	bold bool
	size int // in 1/4 points
}

// NewRenderer parses the embedded Go fonts.
func NewRenderer() (*Renderer, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("overlay: parsing the Go regular font: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("overlay: parsing the Go bold font: %w", err)
	}
	return &Renderer{regular: reg, bold: bold, faces: map[faceKey]font.Face{}, rast: vector.NewRasterizer(1, 1)}, nil
}

// face returns a face of the given pixel size.
func (r *Renderer) face(size float64, bold bool) font.Face {
	k := faceKey{bold: bold, size: int(math.Round(size * 4))}
	if k.size < 16 {
		k.size = 16
	}
	if f, ok := r.faces[k]; ok {
		return f
	}
	src := r.regular
	if bold {
		src = r.bold
	}
	f, err := opentype.NewFace(src, &opentype.FaceOptions{Size: float64(k.size) / 4, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		// Only invalid options fail, and these are valid; fall back to the
		// nearest working size rather than panicking.
		f, _ = opentype.NewFace(src, &opentype.FaceOptions{Size: 12, DPI: 72})
	}
	r.faces[k] = f
	return f
}

// fill rasterises the closed polygons (each at least 3 points) in colour c,
// anti-aliased, composited over dst. The polygons are all given the same
// orientation so that overlapping ones add up instead of cancelling.
func (r *Renderer) fill(dst *image.RGBA, c color.Color, polys ...[]body.Point) {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range polys {
		for _, q := range p {
			if !finite(q) {
				return
			}
			minX, minY = math.Min(minX, q.X), math.Min(minY, q.Y)
			maxX, maxY = math.Max(maxX, q.X), math.Max(maxY, q.Y)
		}
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1).Intersect(dst.Bounds())
	if box.Empty() {
		return
	}
	r.rast.Reset(box.Dx(), box.Dy())
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for _, p := range polys {
		if len(p) < 3 {
			continue
		}
		rev := signedArea(p) < 0
		at := func(i int) body.Point {
			if rev {
				return p[len(p)-1-i]
			}
			return p[i]
		}
		q := at(0)
		r.rast.MoveTo(float32(q.X-ox), float32(q.Y-oy))
		for i := 1; i < len(p); i++ {
			q = at(i)
			r.rast.LineTo(float32(q.X-ox), float32(q.Y-oy))
		}
		r.rast.ClosePath()
	}
	r.rast.Draw(dst, box, image.NewUniform(c), image.Point{})
}

func signedArea(p []body.Point) float64 {
	a := 0.0
	for i := range p {
		j := (i + 1) % len(p)
		a += p[i].X*p[j].Y - p[j].X*p[i].Y
	}
	return a / 2
}

// circle returns a polygon approximating a circle.
func circle(c body.Point, rad float64) []body.Point {
	n := max(12, min(64, int(rad*2)))
	out := make([]body.Point, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(n)
		out[i] = body.Point{X: c.X + rad*math.Cos(a), Y: c.Y + rad*math.Sin(a)}
	}
	return out
}

// capsule returns the outline of a segment of the given width with round ends.
func capsule(a, b body.Point, width float64) []body.Point {
	h := width / 2
	d := b.Sub(a)
	l := d.Norm()
	if l < 1e-9 {
		return circle(a, h)
	}
	u := d.Scale(1 / l)
	n := body.Point{X: -u.Y, Y: u.X}
	const steps = 10
	out := make([]body.Point, 0, 2*steps+4)
	// half circle around b from +n through +u to -n
	for i := 0; i <= steps; i++ {
		t := math.Pi * float64(i) / steps
		out = append(out, b.Add(n.Scale(h*math.Cos(t))).Add(u.Scale(h*math.Sin(t))))
	}
	// half circle around a from -n through -u to +n
	for i := 0; i <= steps; i++ {
		t := math.Pi * float64(i) / steps
		out = append(out, a.Add(n.Scale(-h*math.Cos(t))).Add(u.Scale(-h*math.Sin(t))))
	}
	return out
}

// roundRect returns a rectangle with rounded corners.
func roundRect(r image.Rectangle, rad float64) []body.Point {
	x0, y0, x1, y1 := float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)
	rad = math.Min(rad, math.Min(x1-x0, y1-y0)/2)
	var out []body.Point
	corner := func(cx, cy, a0 float64) {
		for i := 0; i <= 6; i++ {
			a := a0 + math.Pi/2*float64(i)/6
			out = append(out, body.Point{X: cx + rad*math.Cos(a), Y: cy + rad*math.Sin(a)})
		}
	}
	corner(x1-rad, y0+rad, -math.Pi/2)
	corner(x1-rad, y1-rad, 0)
	corner(x0+rad, y1-rad, math.Pi/2)
	corner(x0+rad, y0+rad, math.Pi)
	return out
}

// polyline draws connected segments with round joins.
func (r *Renderer) polyline(dst *image.RGBA, c color.Color, width float64, pts ...body.Point) {
	if len(pts) == 1 {
		r.fill(dst, c, circle(pts[0], width/2))
		return
	}
	var polys [][]body.Point
	for i := 1; i < len(pts); i++ {
		polys = append(polys, capsule(pts[i-1], pts[i], width))
	}
	r.fill(dst, c, polys...)
}

// textWidth measures s in pixels.
func (r *Renderer) textWidth(s string, size float64, bold bool) float64 {
	return float64(font.MeasureString(r.face(size, bold), s)) / 64
}

// text draws s with its baseline's left end at (x, y).
func (r *Renderer) text(dst *image.RGBA, s string, x, y, size float64, bold bool, c color.Color) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: r.face(size, bold),
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}}
	d.DrawString(s)
}

// label draws s on a rounded pill of colour bg, the pill's left-middle at p
// (or right-middle when alignRight). It returns the pill's rectangle.
func (r *Renderer) label(dst *image.RGBA, s string, p body.Point, size float64, bold bool, fg, bg color.Color, alignRight bool) image.Rectangle {
	w := r.textWidth(s, size, bold)
	padX, h := size*0.45, size*1.45
	x0 := p.X
	if alignRight {
		x0 = p.X - w - 2*padX
	}
	rect := image.Rect(int(math.Round(x0)), int(math.Round(p.Y-h/2)), int(math.Round(x0+w+2*padX)), int(math.Round(p.Y+h/2)))
	// Keep the pill inside the picture when it fits.
	b := dst.Bounds()
	if rect.Max.X > b.Max.X && rect.Dx() <= b.Dx() {
		rect = rect.Add(image.Pt(b.Max.X-rect.Max.X, 0))
	}
	if rect.Min.X < b.Min.X && rect.Dx() <= b.Dx() {
		rect = rect.Add(image.Pt(b.Min.X-rect.Min.X, 0))
	}
	r.fill(dst, bg, roundRect(rect, h/2))
	r.text(dst, s, float64(rect.Min.X)+padX, p.Y+size*0.36, size, bold, fg)
	return rect
}

package overlay

import (
	"image"
	"image/color"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
)

// Leg is one leg as drawn: its hip-knee-ankle line in the colour of its
// class, with a label beside the knee.
type Leg struct {
	Hip, Knee, Ankle body.Point
	// Heel and Toe (the foot's tip) when the skeleton has them.
	Heel, Toe body.Point
	HasFoot   bool
	Class     Class
	// Label is written beside the knee, on the outer side, e.g. "14° in".
	Label string
	// Muted draws the leg thin and grey: a leg that is not graded (the free
	// leg of a single-leg squat, the rear leg of a split squat).
	Muted bool
}

// PanelLine is one line of the heads-up panel.
type PanelLine struct {
	Text string
	Big  bool // the rep counter
	// Dot, when set, draws a dot of the class's colour before the text.
	Dot   bool
	Class Class
}

// Scene is everything drawn on one picture, in the picture's pixels.
type Scene struct {
	// Bones are the skeleton's segments other than the legs' hip-knee-ankle
	// lines (trunk, arms, hips, feet); Joints the keypoints drawn as dots.
	Bones  [][2]body.Point
	Joints []body.Point
	// Legs holds the lifter's left and right leg (body.Left, body.Right);
	// nil when the leg was not found.
	Legs [2]*Leg
	// Panel is the heads-up text at the top left: rep counter, phase,
	// angles. Empty for none.
	Panel []PanelLine
	// Legend draws the colour key of the classes at the bottom.
	Legend bool
	// Note is written at the bottom right, e.g. why there is no picture.
	Note string
}

// Points returns every point the scene draws (for framing a crop).
func (sc *Scene) Points() []body.Point {
	var out []body.Point
	for _, b := range sc.Bones {
		out = append(out, b[0], b[1])
	}
	out = append(out, sc.Joints...)
	for _, l := range sc.Legs {
		if l == nil {
			continue
		}
		out = append(out, l.Hip, l.Knee, l.Ankle)
		if l.HasFoot {
			out = append(out, l.Heel, l.Toe)
		}
	}
	return out
}

// Transform maps picture coordinates to another picture's: scale, then
// shift.
type Transform struct {
	Scale  float64
	DX, DY float64
}

// Apply maps p.
func (t Transform) Apply(p body.Point) body.Point {
	return body.Point{X: p.X*t.Scale + t.DX, Y: p.Y*t.Scale + t.DY}
}

// Transformed returns a copy of the scene with every position mapped by t.
func (sc Scene) Transformed(t Transform) Scene {
	out := sc
	out.Bones = make([][2]body.Point, len(sc.Bones))
	for i, b := range sc.Bones {
		out.Bones[i] = [2]body.Point{t.Apply(b[0]), t.Apply(b[1])}
	}
	out.Joints = make([]body.Point, len(sc.Joints))
	for i, j := range sc.Joints {
		out.Joints[i] = t.Apply(j)
	}
	for s, l := range sc.Legs {
		if l == nil {
			continue
		}
		c := *l
		c.Hip, c.Knee, c.Ankle, c.Heel, c.Toe = t.Apply(l.Hip), t.Apply(l.Knee), t.Apply(l.Ankle), t.Apply(l.Heel), t.Apply(l.Toe)
		out.Legs[s] = &c
	}
	return out
}

// Style adjusts Draw.
type Style struct {
	// Unit is the size of everything drawn, in pixels per unit (line widths,
	// text); 0 scales with the picture: its shorter side / 360.
	Unit float64
	// Plain is for a light, empty background (no video): the skeleton is
	// drawn dark instead of white.
	Plain bool
}

var (
	ink       = color.RGBA{17, 17, 17, 255}
	white     = color.RGBA{255, 255, 255, 255}
	shadow    = color.NRGBA{0, 0, 0, 150}
	panelBack = color.NRGBA{16, 20, 28, 190}
	plainBone = color.RGBA{90, 96, 106, 255}
)

// LegWidth returns the width in pixels of the hip-knee-ankle lines for a
// picture of the given size and style (tests use it to know which pixels
// the lines cover).
func LegWidth(w, h int, st Style) float64 { return math.Max(4, 4*unitOf(w, h, st)) }

func unitOf(w, h int, st Style) float64 {
	if st.Unit > 0 {
		return st.Unit
	}
	return math.Max(0.6, float64(min(w, h))/360)
}

// Draw draws the scene onto img.
func (r *Renderer) Draw(img *image.RGBA, sc Scene, st Style) {
	b := img.Bounds()
	u := unitOf(b.Dx(), b.Dy(), st)
	legW := LegWidth(b.Dx(), b.Dy(), st)
	rim := math.Max(1.5, u)
	boneW := math.Max(2, 2*u)
	jointR := math.Max(2.5, 2.6*u)

	boneCol, rimCol := color.Color(white), color.Color(shadow)
	if st.Plain {
		boneCol, rimCol = plainBone, color.NRGBA{255, 255, 255, 200}
	}
	var under, over [][]body.Point
	for _, bn := range sc.Bones {
		under = append(under, capsule(bn[0], bn[1], boneW+2*rim))
		over = append(over, capsule(bn[0], bn[1], boneW))
	}
	r.fill(img, rimCol, under...)
	r.fill(img, boneCol, over...)

	for _, l := range sc.Legs {
		if l == nil {
			continue
		}
		w := legW
		col := l.Class.Colour()
		if l.Muted {
			w, col = boneW*1.2, classColours[ClassUnknown]
		}
		r.polyline(img, rimCol, w+2*rim, l.Hip, l.Knee, l.Ankle)
		r.polyline(img, col, w, l.Hip, l.Knee, l.Ankle)
	}
	for _, j := range sc.Joints {
		r.fill(img, rimCol, circle(j, jointR+rim))
		r.fill(img, boneCol, circle(j, jointR))
	}
	for _, l := range sc.Legs {
		if l == nil {
			continue
		}
		r.fill(img, rimCol, circle(l.Knee, legW*0.75+rim))
		r.fill(img, white, circle(l.Knee, legW*0.45))
	}
	for s, l := range sc.Legs {
		if l == nil || l.Label == "" {
			continue
		}
		dir := lateralDir(sc, s)
		size := 11 * u
		p := body.Point{X: l.Knee.X + dir*(legW+size*0.8), Y: l.Knee.Y}
		bg := l.Class.Colour()
		if l.Muted {
			bg = classColours[ClassUnknown]
		}
		r.label(img, l.Label, p, size, true, ink, bg, dir < 0)
	}
	if len(sc.Panel) > 0 {
		r.panel(img, sc.Panel, u)
	}
	if sc.Legend {
		r.legend(img, u)
	}
	if sc.Note != "" {
		size := 10 * u
		p := body.Point{X: float64(b.Max.X) - 8*u, Y: float64(b.Max.Y) - 8*u - size*0.75}
		r.label(img, sc.Note, p, size, false, white, panelBack, true)
	}
}

// lateralDir is +1 when the leg's outer side is towards +x in the picture.
func lateralDir(sc Scene, s int) float64 {
	l, o := sc.Legs[s], sc.Legs[1-s]
	ref := math.NaN()
	if o != nil {
		ref = o.Knee.X
		if math.Abs(o.Knee.X-l.Knee.X) < 1 {
			ref = o.Hip.X
		}
	}
	if math.IsNaN(ref) || ref == l.Knee.X {
		if s == 0 {
			return 1 // the lifter's left is usually on the picture's right
		}
		return -1
	}
	if l.Knee.X > ref {
		return 1
	}
	return -1
}

func (r *Renderer) panel(img *image.RGBA, lines []PanelLine, u float64) {
	pad := 8 * u
	big, small := 17*u, 11*u
	w, h := 0.0, pad
	for _, ln := range lines {
		size := small
		if ln.Big {
			size = big
		}
		tw := r.textWidth(ln.Text, size, ln.Big)
		if ln.Dot {
			tw += size
		}
		w = math.Max(w, tw)
		h += size * 1.35
	}
	h += pad * 0.6
	x0, y0 := 8*u, 8*u
	rect := image.Rect(int(x0), int(y0), int(math.Ceil(x0+w+2*pad)), int(math.Ceil(y0+h)))
	r.fill(img, panelBack, roundRect(rect, 6*u))
	y := y0 + pad
	for _, ln := range lines {
		size := small
		if ln.Big {
			size = big
		}
		y += size
		x := x0 + pad
		if ln.Dot {
			r.fill(img, ln.Class.Colour(), circle(body.Point{X: x + size*0.35, Y: y - size*0.35}, size*0.33))
			x += size
		}
		r.text(img, ln.Text, x, y, size, ln.Big, white)
		y += size * 0.35
	}
}

func (r *Renderer) legend(img *image.RGBA, u float64) {
	b := img.Bounds()
	size := 10 * u
	x, y := float64(b.Min.X)+8*u, float64(b.Max.Y)-8*u-size*0.75
	rect := r.label(img, "knee line:", body.Point{X: x, Y: y}, size, false, white, panelBack, false)
	x = float64(rect.Max.X) + 3*u
	for _, c := range Classes() {
		rect = r.label(img, c.String(), body.Point{X: x, Y: y}, size, true, ink, c.Colour(), false)
		x = float64(rect.Max.X) + 3*u
	}
}

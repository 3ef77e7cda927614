package overlay

import (
	"image"
	"image/color"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Leg is one leg as drawn: its hip-knee-ankle line in the colour of its
// class, the reference lines its grade is read against, and labels beside
// the knee.
type Leg struct {
	Hip, Knee, Ankle body.Point
	// Heel and Toe (the foot's tip) when the skeleton has them.
	Heel, Toe body.Point
	HasFoot   bool
	Class     Class
	// Label is written beside the knee, on the outer side, on a pill of
	// the class's colour: the graded measure, e.g. "+14.2° in".
	Label string
	// Grade is written under Label on a pill of GradeClass's colour: the
	// rep's grade for this leg, e.g. "rep 2: mild". Empty for none.
	Grade      string
	GradeClass Class
	// Reference draws the hip-ankle line (the line the knee's sideways
	// movement is measured from) and an arrow from it to the knee in the
	// class's colour, pointing the way the knee went: towards the other
	// leg when it caves in.
	Reference bool
	// ToeLine draws the foot's line, ankle to toe tip and on straight up
	// from the toe tip to the knee's height (the line "knees over the
	// toes" refers to). Set only when the toe is trusted there.
	ToeLine bool
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
	// Swatch, when set, is the dot's colour instead of the class's (the
	// reference lines' key).
	Swatch color.Color
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
	// Legend draws the colour key of the classes at the bottom, LineKey
	// that of the reference lines (the video keeps it in its panel).
	Legend, LineKey bool
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

// RefWidth returns the width in pixels of the reference lines (hip-ankle
// and toes) and of the knee's arrow, without their dark rim.
func RefWidth(w, h int, st Style) float64 { return math.Max(2, 2*unitOf(w, h, st)) }

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

	// The reference lines lie under the legs: where they meet, the leg's
	// class colour shows.
	refW := RefWidth(b.Dx(), b.Dy(), st)
	for _, l := range sc.Legs {
		if l == nil || l.Muted {
			continue
		}
		if l.ToeLine && l.HasFoot {
			pts := toeLine(l)
			r.polyline(img, rimCol, refW+2*rim, pts...)
			r.polyline(img, ToeColour(), refW, pts...)
		}
		if l.Reference {
			r.polyline(img, rimCol, refW+2*rim, l.Hip, l.Ankle)
			r.polyline(img, RefColour(), refW, l.Hip, l.Ankle)
		}
	}
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
	for _, l := range sc.Legs {
		if l != nil && l.Reference && !l.Muted {
			r.arrow(img, l, legW, refW, rim, rimCol)
		}
	}
	for s, l := range sc.Legs {
		if l == nil || l.Label == "" {
			continue
		}
		dir := lateralDir(sc, s)
		size := 13 * u
		// Outside the knee and the reference lines beside it.
		edge := l.Knee.X
		if f, ok := atHeight(l.Hip, l.Ankle, l.Knee.Y); ok && l.Reference && !l.Muted && dir*(f.X-edge) > 0 {
			edge = f.X
		}
		if l.ToeLine && l.HasFoot && !l.Muted && dir*(l.Toe.X-edge) > 0 {
			edge = l.Toe.X
		}
		p := body.Point{X: edge + dir*(legW+size*0.6), Y: l.Knee.Y}
		bg := l.Class.Colour()
		if l.Muted {
			bg = classColours[ClassUnknown]
		}
		rect := r.label(img, l.Label, p, size, true, ink, bg, dir < 0)
		if l.Grade != "" {
			gs := 10 * u
			q := body.Point{X: p.X, Y: float64(rect.Max.Y) + 2*u + gs*0.725}
			r.label(img, l.Grade, q, gs, false, ink, l.GradeClass.Colour(), dir < 0)
		}
	}
	if len(sc.Panel) > 0 {
		r.panel(img, sc.Panel, u)
	}
	if sc.Legend || sc.LineKey {
		r.legend(img, u, sc.Legend, sc.LineKey)
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
			var dot color.Color = ln.Class.Colour()
			if ln.Swatch != nil {
				dot = ln.Swatch
			}
			r.fill(img, dot, circle(body.Point{X: x + size*0.35, Y: y - size*0.35}, size*0.33))
			x += size
		}
		r.text(img, ln.Text, x, y, size, ln.Big, white)
		y += size * 0.35
	}
}

// legend draws the key at the bottom left: the reference lines' colours
// and, with classes, the knee lines' colours below them.
func (r *Renderer) legend(img *image.RGBA, u float64, classes, lines bool) {
	b := img.Bounds()
	size := 10 * u
	x0, y := float64(b.Min.X)+8*u, float64(b.Max.Y)-8*u-size*0.75
	if classes {
		x := x0
		rect := r.label(img, words.KneeLineKey, body.Point{X: x, Y: y}, size, false, white, panelBack, false)
		x = float64(rect.Max.X) + 3*u
		for _, c := range Classes() {
			rect = r.label(img, c.String(), body.Point{X: x, Y: y}, size, true, ink, c.Colour(), false)
			x = float64(rect.Max.X) + 3*u
		}
		y -= size * 1.45 * 1.25
	}
	if !lines {
		return
	}
	rect := r.label(img, words.HipAnkleLine, body.Point{X: x0, Y: y}, size, true, ink, RefColour(), false)
	r.label(img, words.ToesLine, body.Point{X: float64(rect.Max.X) + 3*u, Y: y}, size, true, ink, ToeColour(), false)
}

// toeLine returns the toes line's points: ankle, toe tip, and straight up
// from the toe tip to the knee's height (the vertical the knee-vs-toes
// offset is measured from).
func toeLine(l *Leg) []body.Point {
	top := body.Point{X: l.Toe.X, Y: math.Min(l.Knee.Y, l.Toe.Y)}
	return []body.Point{l.Ankle, l.Toe, top}
}

// arrow draws the knee's offset from its hip-ankle line: an arrow from the
// line at the knee's height to the knee's dot, in the leg's class colour.
// It is horizontal because the analysis measures the knee's medial
// displacement horizontally in the picture (valgus.SideFrame.MKD). A knee
// nearer the line than the arrow's head is long gets none.
func (r *Renderer) arrow(img *image.RGBA, l *Leg, legW, refW, rim float64, rimCol color.Color) {
	from, ok := atHeight(l.Hip, l.Ankle, l.Knee.Y)
	if !ok {
		return
	}
	d := l.Knee.Sub(from)
	n := d.Norm()
	head := 3 * refW
	end := n - legW*0.75 - rim // stop at the knee dot's rim
	if end < head+refW {
		return
	}
	dir := d.Scale(1 / n)
	side := body.Point{X: -dir.Y, Y: dir.X}
	tip := from.Add(dir.Scale(end))
	base := from.Add(dir.Scale(end - head))
	tri := func(grow float64) []body.Point {
		return []body.Point{tip.Add(dir.Scale(grow)), base.Add(side.Scale(head*0.6 + grow)).Sub(dir.Scale(grow)),
			base.Sub(side.Scale(head*0.6 + grow)).Sub(dir.Scale(grow))}
	}
	col := l.Class.Colour()
	r.fill(img, rimCol, capsule(from, base, refW+2*rim), tri(rim))
	r.fill(img, col, capsule(from, base, refW), tri(0))
}

// atHeight returns the point of the line through a and b at height y;
// false for a line too near the horizontal to have one.
func atHeight(a, b body.Point, y float64) (body.Point, bool) {
	dy := b.Y - a.Y
	if math.Abs(dy) < 1e-6 || math.Abs(b.X-a.X) > 20*math.Abs(dy) {
		return body.Point{}, false
	}
	return lerpPt(a, b, (y-a.Y)/dy), true
}

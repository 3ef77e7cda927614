package overlay

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	xdraw "golang.org/x/image/draw"
)

// StillOptions adjusts Still.
type StillOptions struct {
	// MaxSide is the longer side of the result in pixels (default 720).
	MaxSide int
	// Margin is the room left around the lifter, as a fraction of their
	// height in the picture (default 0.12).
	Margin float64
}

// plainBackground is the key frames' background when there is no video.
var plainBackground = color.RGBA{243, 244, 246, 255}

// Still composes a key frame. It frames the lifter: the box around the
// scene's points plus a margin, at least 3:5 wide, kept inside the w x h
// picture. pic is that picture, or nil for a plain light background (no
// video). The crop is scaled so its longer side is MaxSide (enlarging at
// most 2x from a picture) and the scene drawn on it. Still returns the
// image and the transform from the scene's coordinates to it.
func (r *Renderer) Still(pic image.Image, w, h int, sc Scene, opt StillOptions) (*image.RGBA, Transform) {
	if opt.MaxSide <= 0 {
		opt.MaxSide = 720
	}
	if opt.Margin <= 0 {
		opt.Margin = 0.12
	}
	crop := frameLifter(sc.Points(), w, h, opt.Margin)
	s := float64(opt.MaxSide) / float64(max(crop.Dx(), crop.Dy()))
	if pic != nil {
		s = math.Min(s, 2)
	}
	ow, oh := max(1, int(math.Round(float64(crop.Dx())*s))), max(1, int(math.Round(float64(crop.Dy())*s)))
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	if pic != nil {
		xdraw.CatmullRom.Scale(out, out.Bounds(), pic, crop.Add(pic.Bounds().Min), draw.Src, nil)
	} else {
		draw.Draw(out, out.Bounds(), image.NewUniform(plainBackground), image.Point{}, draw.Src)
	}
	sx, sy := float64(ow)/float64(crop.Dx()), float64(oh)/float64(crop.Dy())
	tr := Transform{Scale: (sx + sy) / 2}
	tr.DX, tr.DY = -float64(crop.Min.X)*tr.Scale, -float64(crop.Min.Y)*tr.Scale
	// Key frames are shown smaller than their pixels and are often narrow,
	// so text and lines scale with the longer side.
	r.Draw(out, sc.Transformed(tr), Style{Plain: pic == nil, Unit: float64(max(ow, oh)) / 480})
	return out, tr
}

// frameLifter returns the crop around the points.
func frameLifter(pts []body.Point, w, h int, margin float64) image.Rectangle {
	full := image.Rect(0, 0, max(w, 1), max(h, 1))
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		if !finite(p) {
			continue
		}
		minX, minY = math.Min(minX, p.X), math.Min(minY, p.Y)
		maxX, maxY = math.Max(maxX, p.X), math.Max(maxY, p.Y)
	}
	if math.IsInf(minX, 1) {
		return full
	}
	if w <= 0 || h <= 0 {
		// Unknown picture size: frame the points alone.
		full = image.Rect(int(math.Floor(minX))-1, int(math.Floor(minY))-1, int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1)
	}
	bh := math.Max(maxY-minY, 1)
	m := margin * bh
	// The top of the head is above the highest keypoint (the nose).
	// Room at the sides for the knee labels.
	x0, y0, x1, y1 := minX-1.8*m, minY-2.4*m, maxX+1.8*m, maxY+m
	if cw, ch := x1-x0, y1-y0; cw < 0.6*ch {
		cx := (x0 + x1) / 2
		x0, x1 = cx-0.3*ch, cx+0.3*ch
	}
	// Shift inside the picture, then clip.
	fw, fh := float64(full.Dx()), float64(full.Dy())
	shift := func(a0, a1, lo, size float64) (float64, float64) {
		if a1-a0 >= size {
			return lo, lo + size
		}
		if a0 < lo {
			a1 += lo - a0
			a0 = lo
		}
		if a1 > lo+size {
			a0 -= a1 - (lo + size)
			a1 = lo + size
		}
		return a0, a1
	}
	x0, x1 = shift(x0, x1, float64(full.Min.X), fw)
	y0, y1 = shift(y0, y1, float64(full.Min.Y), fh)
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(full)
	if r.Empty() {
		return full
	}
	return r
}

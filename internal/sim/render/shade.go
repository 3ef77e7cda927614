package render

import (
	"math"
)

// rgb is a linear-light colour.
type rgb struct{ r, g, b float64 }

func (c rgb) add(d rgb) rgb       { return rgb{c.r + d.r, c.g + d.g, c.b + d.b} }
func (c rgb) scale(s float64) rgb { return rgb{c.r * s, c.g * s, c.b * s} }
func (c rgb) mul(d rgb) rgb       { return rgb{c.r * d.r, c.g * d.g, c.b * d.b} }
func (c rgb) lerp(d rgb, t float64) rgb {
	return rgb{mix(c.r, d.r, t), mix(c.g, d.g, t), mix(c.b, d.b, t)}
}

// srgb converts an sRGB byte triple to linear light.
func srgb(c [3]uint8) rgb {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return rgb{lin(c[0]), lin(c[1]), lin(c[2])}
}

// lutSize is the number of linear levels of the sRGB encoding table.
const lutSize = 4096

// srgbLUT maps linear light (0..1 in lutSize steps, after the highlight
// roll-off) to sRGB bytes. It is built once and only read.
var srgbLUT = func() [lutSize + 1]uint8 {
	var t [lutSize + 1]uint8
	for i := range t {
		x := float64(i) / lutSize
		var v float64
		if x <= 0.0031308 {
			v = 12.92 * x
		} else {
			v = 1.055*math.Pow(x, 1/2.4) - 0.055
		}
		t[i] = uint8(math.Round(clamp(v, 0, 1) * 255))
	}
	return t
}()

// toSRGB rolls highlights off smoothly above 0.8 (so bright skin does not
// clip to flat white) and encodes to an sRGB byte.
func toSRGB(x float64) uint8 {
	if x > 0.8 {
		x = 0.8 + 0.2*(1-math.Exp(-(x-0.8)/0.2))
	}
	if !(x > 0) {
		return 0
	}
	return srgbLUT[int(x*lutSize+0.5)]
}

// Default colours (sRGB).
var (
	defSkin   = [3]uint8{214, 164, 130}
	defHair   = [3]uint8{58, 40, 28}
	defShirt  = [3]uint8{40, 98, 178}
	defShorts = [3]uint8{38, 38, 46}
	defShoes  = [3]uint8{205, 46, 42}
)

func pick(c, def [3]uint8) [3]uint8 {
	if c == [3]uint8{} {
		return def
	}
	return c
}

// albedos returns every material's linear reflectance for a look.
func albedos(l Look) [numMaterials]rgb {
	var a [numMaterials]rgb
	a[matSkin] = srgb(pick(l.Skin, defSkin))
	a[matHair] = srgb(pick(l.Hair, defHair))
	a[matEyeWhite] = srgb([3]uint8{222, 216, 208})
	a[matIris] = srgb([3]uint8{42, 28, 20})
	a[matBrow] = a[matHair].scale(0.8)
	a[matLip] = srgb(pick(l.Skin, defSkin)).mul(rgb{0.82, 0.55, 0.55})
	a[matShirt] = srgb(pick(l.Shirt, defShirt))
	a[matShorts] = srgb(pick(l.Shorts, defShorts))
	a[matSock] = srgb([3]uint8{236, 236, 232})
	a[matShoe] = srgb(pick(l.Shoes, defShoes))
	a[matSole] = srgb([3]uint8{240, 238, 232})
	a[matFloor] = srgb([3]uint8{178, 134, 92})
	a[matWall] = srgb([3]uint8{222, 216, 204})
	a[matSkirting] = srgb([3]uint8{244, 243, 238})
	return a
}

// Lights (linear).
var (
	keyColour    = rgb{1.0, 0.96, 0.9}.scale(2.3)
	skyColour    = rgb{0.56, 0.62, 0.74}.scale(0.62)
	groundColour = rgb{0.5, 0.4, 0.3}.scale(0.32)
)

// surface response per material: wrap softens the light's terminator (skin
// scatters light under the surface), spec and shine set a Blinn highlight.
type response struct{ wrap, spec, shine float64 }

var responses = [numMaterials]response{
	matSkin:     {0.35, 0.05, 24},
	matHair:     {0.1, 0.06, 30},
	matEyeWhite: {0.2, 0.15, 60},
	matIris:     {0.1, 0.2, 80},
	matBrow:     {0.1, 0.02, 10},
	matLip:      {0.3, 0.08, 30},
	matShirt:    {0.15, 0.02, 8},
	matShorts:   {0.1, 0.04, 12},
	matSock:     {0.2, 0.01, 6},
	matShoe:     {0.1, 0.12, 40},
	matSole:     {0.1, 0.05, 20},
}

// shadeFigure lights the figure's surface at p, reached by a camera ray of
// direction d; rs holds the ray's candidate solids.
func (f *frame) shadeFigure(p, d Vec3, w *worker) hit {
	rs := &w.ray
	bi := f.surfaceSolid(p, rs)
	mat := f.b.surfaceMaterial(bi, p)
	// Normal from the distance field's gradient (four-point tetrahedron).
	const e = 0.0006
	var n Vec3
	for _, k := range [4]Vec3{{X: 1, Y: -1, Z: -1}, {X: -1, Y: -1, Z: 1}, {X: -1, Y: 1, Z: -1}, {X: 1, Y: 1, Z: 1}} {
		n = n.Add(k.Scale(f.sdf(p.Add(k.Scale(e)), rs)))
	}
	n = unit(n)
	if n.Dot(d) > 0 {
		// Grazing hits can land on the far side of a thin seam.
		n = n.Sub(d.Scale(2 * n.Dot(d)))
	}

	// Ambient occlusion: how much the distance field closes in along the
	// normal.
	f.nearby(p, 0.1, &w.near)
	occ := 0.0
	for i, h := range [3]float64{0.012, 0.035, 0.08} {
		dd := f.sdf(p.Add(n.Scale(h)), &w.near)
		occ += [3]float64{0.5, 0.35, 0.25}[i] * math.Max(h-dd, 0) / h
	}
	ao := clamp(1-occ, 0.15, 1)

	L := f.r.light
	resp := responses[mat]
	ndl := n.Dot(L)
	diff := math.Max((ndl+resp.wrap)/(1+resp.wrap), 0)
	shadow := 0.0
	if diff > 0 {
		shadow = f.softShadow(p.Add(n.Scale(0.002)), bi)
	}
	amb := groundColour.lerp(skyColour, 0.5+0.5*n.Z).scale(ao)
	alb := f.r.albedo[mat]
	col := alb.mul(keyColour.scale(diff * shadow).add(amb))
	if ndl > 0 && shadow > 0 {
		v := d.Scale(-1)
		hv := unit(L.Add(v))
		sp := resp.spec * math.Pow(math.Max(n.Dot(hv), 0), resp.shine) * shadow
		col = col.add(keyColour.scale(sp))
	}
	return hit{col: col, id: 16 + uint32(bi)*32 + uint32(mat)}
}

// background shades the floor or the wall seen along o + t·d.
func (f *frame) background(o, d Vec3) hit {
	r := f.r
	tf := math.Inf(1)
	if d.Z < -1e-9 {
		tf = -o.Z / d.Z
	}
	tw := math.Inf(1)
	if dn := d.Dot(r.toCam); dn < -1e-9 {
		tw = (-r.wallD - o.Dot(r.toCam)) / dn
	}
	L := r.light
	switch {
	case tf > 0 && tf <= tw:
		p := o.Add(d.Scale(tf))
		a, c := p.Dot(r.side), p.Dot(r.toCam)
		fp := tf / r.focal / math.Max(-d.Z, 0.05) // metres per pixel along the floor
		alb := f.wood(a, c, fp)
		shadow, ao := 1.0, 1.0
		if f.floorBox.has(a, c) {
			shadow = f.softShadow(p.Add(Vec3{Z: 1e-3}), -1)
			ao = f.floorOcclusion(p)
		}
		// The corner where floor meets wall is darker.
		if dw := c + r.wallD; dw < 0.8 {
			ao *= 1 - 0.3*math.Exp(-dw/0.12)
		}
		col := alb.mul(keyColour.scale(math.Max(L.Z, 0) * shadow).add(skyColour.scale(ao)))
		return hit{col: col, id: 0}
	case tw > 0 && !math.IsInf(tw, 1):
		p := o.Add(d.Scale(tw))
		a := p.Dot(r.side)
		alb := r.albedo[matWall]
		switch {
		case p.Z < 0.1:
			alb = r.albedo[matSkirting]
			if p.Z > 0.092 { // the board's rounded top catches less light
				alb = alb.scale(0.85)
			}
		case p.Z < 0.106:
			alb = alb.scale(0.8) // shadow line above the board
		default:
			alb = alb.scale(1 + 0.025*(valueNoise(a*9, p.Z*9, 11)-0.5))
		}
		shadow := 1.0
		if f.wallBox.has(a, p.Z) {
			shadow = f.softShadow(p.Add(r.toCam.Scale(1e-3)), -1)
		}
		ao := 1.0
		if p.Z < 0.8 {
			ao -= 0.3 * math.Exp(-p.Z/0.12)
		}
		amb := groundColour.lerp(skyColour, 0.5).scale(ao)
		col := alb.mul(keyColour.scale(math.Max(L.Dot(r.toCam), 0) * shadow).add(amb))
		return hit{col: col, id: 1}
	}
	return hit{col: skyColour, id: 2}
}

// floorOcclusion darkens the floor near the solids that come close to it
// (shoes, shanks): each counts as its nearest sphere, whose occlusion of a
// point below it falls with the square of the distance.
func (f *frame) floorOcclusion(p Vec3) float64 {
	occ := 0.0
	for m := f.lowSolids; m != 0; m &= m - 1 {
		i := trailingZeros(m)
		s := &f.b.solids[i]
		u := s.param(p)
		c := s.a.Add(s.axis.Scale(u * s.length))
		v := c.Sub(p)
		dd := v.Norm()
		rad := s.radiusAt(u)
		if dd > rad+aoReach || dd < 1e-6 {
			continue
		}
		cos := math.Max(v.Z/dd, 0)
		q := rad / math.Max(dd, rad)
		occ += cos * q * q
	}
	return clamp(1-0.8*occ, 0.2, 1)
}

// wood is the floor's colour at room position (a along the wall, c towards
// the camera): planks 14 cm wide and 1.25 m long with staggered ends, each
// a slightly different tone, with grain along the plank and thin dark
// seams. fp is the size of a pixel on the floor, which fades detail too
// fine to show.
func (f *frame) wood(a, c, fp float64) rgb {
	const pw, pl = 0.14, 1.25
	pa := math.Floor(a / pw)
	fa := a/pw - pa
	off := hash2(int64(pa), 7) * pl
	pc := math.Floor((c + off) / pl)
	fc := (c+off)/pl - pc
	base := f.r.albedo[matFloor]
	tone := hash2(int64(pa)*131+int64(pc), 3)
	col := base.scale(0.84 + 0.3*tone)
	col = col.mul(rgb{1, 1 - 0.05*tone, 1 - 0.1*tone})
	detail := clamp(1-fp*40, 0, 1)
	if detail > 0 {
		g := valueNoise(a*110, c*2.2+pa*17, 5)
		g2 := valueNoise(a*30, c*0.8+pa*5, 9)
		col = col.scale(1 + detail*(0.12*(g-0.5)+0.1*(g2-0.5)))
	}
	seam := math.Min(math.Min(fa, 1-fa)*pw, math.Min(fc, 1-fc)*pl)
	const sw = 0.0018
	eff := math.Max(sw, fp)
	dark := 0.45 * (sw / eff) * (1 - smoothstep(eff*0.25, eff*0.75, seam))
	return col.scale(1 - dark)
}

// hash2 returns a repeatable pseudo-random number in [0, 1) for an integer
// position and a seed.
func hash2(x, seed int64) float64 {
	h := uint64(x)*0x9e3779b97f4a7c15 ^ uint64(seed)*0xc2b2ae3d27d4eb4f
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	h *= 0x94d049bb133111eb
	h ^= h >> 32
	return float64(h>>11) / (1 << 53)
}

func hashXY(x, y, seed int64) float64 { return hash2(x*73856093^y*19349663, seed) }

// valueNoise is smooth noise in [0, 1): random values on the integer grid,
// blended with a smoothstep.
func valueNoise(x, y float64, seed int64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int64(x0), int64(y0)
	sx, sy := fx*fx*(3-2*fx), fy*fy*(3-2*fy)
	a := mix(hashXY(ix, iy, seed), hashXY(ix+1, iy, seed), sx)
	b := mix(hashXY(ix, iy+1, seed), hashXY(ix+1, iy+1, seed), sx)
	return mix(a, b, sy)
}

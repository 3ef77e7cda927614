package render

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Options configure a Renderer. Zero fields take the defaults noted.
type Options struct {
	// Camera is where the picture is taken from and its size; see
	// track.Camera (defaults: a 720x1280 portrait picture, 3 m in front,
	// lens at 0.9 m).
	Camera track.Camera
	// Look sets the figure's colours.
	Look Look
	// WallDistanceM is how far behind the figure's origin the back wall
	// stands, measured along the camera's line of sight (default 2.5 m).
	// The room turns with the camera: the wall always faces the lens, so a
	// camera yaw reads as a lifter turned away from the wall's normal, as
	// when a phone films someone who is not quite facing it.
	WallDistanceM float64
	// Threads is the number of goroutines that share a frame (default: the
	// number of CPUs).
	Threads int
	// NoAntiAlias turns off the extra samples on edges (faster, jaggier).
	NoAntiAlias bool
}

// Look is the figure's colouring, as sRGB bytes. Zero colours take the
// defaults: light-medium skin, dark brown hair, a blue shirt, charcoal
// shorts, white socks and red shoes with white soles (contrasting with the
// floor, so heels and toes stand out).
type Look struct {
	Skin, Hair, Shirt, Shorts, Shoes [3]uint8
}

// Renderer draws frames of one size and camera. A Renderer reuses its
// buffers between frames; it is not safe for concurrent use.
type Renderer struct {
	opts  Options
	cam   track.Camera
	w, h  int
	focal float64
	// Camera centre and picture axes in scene coordinates.
	eye, xAx, yAx, zAx Vec3
	mirror             bool
	// Room frame: toCam is the horizontal unit vector from the origin
	// towards the camera, side completes it (along the wall).
	toCam, side Vec3
	wallD       float64
	light       Vec3 // unit, towards the key light
	albedo      [numMaterials]rgb
	threads     int

	lin   []float32 // linear RGB of the centre samples
	ids   []uint32  // what each pixel's centre sample hit
	tiles []uint64  // per tile: which solids may be seen in it
	tw    int       // tiles per row
}

const tileSize = 16

// New prepares a renderer. It fails for a camera that cannot see the origin
// or an absurd picture size.
func New(opts Options) (*Renderer, error) {
	cam := opts.Camera
	centre, xi, yi, zi := cam.Pose()
	toScene := func(v [3]float64) Vec3 { return Vec3{X: v[0], Y: -v[1], Z: v[2]} }
	r := &Renderer{opts: opts, cam: cam, eye: toScene(centre), xAx: toScene(xi), yAx: toScene(yi), zAx: toScene(zi),
		mirror: cam.Mirror}
	// Recover the picture size and focal length from the camera's own
	// projection, so that rays and track.Camera agree exactly.
	cx, cy, ok := cam.ProjectPoint(centre[0]+zi[0], centre[1]+zi[1], centre[2]+zi[2])
	if !ok {
		return nil, errors.New("render: the camera cannot project a point in front of it")
	}
	x1, _, _ := cam.ProjectPoint(centre[0]+zi[0]+0.1*xi[0], centre[1]+zi[1]+0.1*xi[1], centre[2]+zi[2]+0.1*xi[2])
	r.w, r.h = int(math.Round(2*cx)), int(math.Round(2*cy))
	r.focal = math.Abs(x1-cx) / 0.1
	if r.w < 8 || r.h < 8 || r.w > 8192 || r.h > 8192 {
		return nil, fmt.Errorf("render: picture size %dx%d is outside 8..8192 pixels", r.w, r.h)
	}
	if !(r.focal > 1) || math.IsInf(r.focal, 0) {
		return nil, fmt.Errorf("render: focal length %.3g pixels is not usable", r.focal)
	}
	if cam.HeightM < 0 {
		return nil, fmt.Errorf("render: the camera is %.2f m below the floor", cam.HeightM)
	}
	r.toCam = unit(Vec3{X: r.eye.X, Y: r.eye.Y})
	if r.toCam.Norm() == 0 {
		r.toCam = unit(Vec3{X: -r.zAx.X, Y: -r.zAx.Y})
	}
	r.side = Vec3{Z: 1}.Cross(r.toCam)
	r.wallD = opts.WallDistanceM
	if r.wallD == 0 {
		r.wallD = 2.5
	}
	if r.wallD < 0.5 {
		return nil, fmt.Errorf("render: wall distance %.2f m leaves no room for the figure (use at least 0.5 m)", r.wallD)
	}
	// Key light: from the camera's side, above, and a little to the
	// camera's left, so shadows fall behind the figure and to the right.
	r.light = unit(r.toCam.Scale(0.55).Add(Vec3{Z: 0.78}).Add(r.xAx.Scale(-0.32)))
	r.albedo = albedos(opts.Look)
	r.threads = opts.Threads
	if r.threads <= 0 {
		r.threads = runtime.NumCPU()
	}
	r.lin = make([]float32, r.w*r.h*3)
	r.ids = make([]uint32, r.w*r.h)
	r.tw = (r.w + tileSize - 1) / tileSize
	r.tiles = make([]uint64, r.tw*((r.h+tileSize-1)/tileSize))
	return r, nil
}

// Size returns the picture's width and height in pixels.
func (r *Renderer) Size() (w, h int) { return r.w, r.h }

// Project returns where the camera sees a scene point, in pixels (the
// track.Camera projection); ok is false behind the camera.
func (r *Renderer) Project(p Vec3) (x, y float64, ok bool) {
	return r.cam.ProjectPoint(p.X, -p.Y, p.Z)
}

// ray returns the unit direction through picture position (px, py).
func (r *Renderer) ray(px, py float64) Vec3 {
	if r.mirror {
		px = float64(r.w) - px
	}
	d := r.zAx.Add(r.xAx.Scale((px - float64(r.w)/2) / r.focal)).Add(r.yAx.Scale((py - float64(r.h)/2) / r.focal))
	return unit(d)
}

// Render draws the figure in pose p into dst, packed RGB24 of the
// renderer's size (3·w·h bytes).
func (r *Renderer) Render(ctx context.Context, p Pose, dst []byte) error {
	if len(dst) != r.w*r.h*3 {
		return fmt.Errorf("render: destination holds %d bytes, need %d for %dx%d RGB", len(dst), r.w*r.h*3, r.w, r.h)
	}
	if err := p.Check(); err != nil {
		return err
	}
	f := &frame{r: r, b: buildFigure(&p)}
	if len(f.b.solids) > 64 {
		return fmt.Errorf("render: %d solids exceed the 64 a tile can list", len(f.b.solids))
	}
	f.prepare()
	if err := r.parallel(ctx, func(ty int) { f.centreRow(ty) }); err != nil {
		return err
	}
	if err := r.parallel(ctx, func(ty int) { f.finishRow(ty, dst) }); err != nil {
		return err
	}
	return nil
}

// RenderRoom draws the room without the figure (a background plate, and a
// picture in which a person detector must find nobody).
func (r *Renderer) RenderRoom(ctx context.Context, dst []byte) error {
	if len(dst) != r.w*r.h*3 {
		return fmt.Errorf("render: destination holds %d bytes, need %d for %dx%d RGB", len(dst), r.w*r.h*3, r.w, r.h)
	}
	f := &frame{r: r, b: &figure{}}
	f.prepare()
	if err := r.parallel(ctx, func(ty int) { f.centreRow(ty) }); err != nil {
		return err
	}
	return r.parallel(ctx, func(ty int) { f.finishRow(ty, dst) })
}

// Pick reports what the camera ray through picture position (px, py) hits
// first when the figure is in pose p: the body part ("right_thigh", "head";
// "floor" or "wall" when it misses the figure) and the 3D point hit.
func (r *Renderer) Pick(p Pose, px, py float64) (part string, at Vec3, err error) {
	if err := p.Check(); err != nil {
		return "", Vec3{}, err
	}
	f := &frame{r: r, b: buildFigure(&p)}
	f.prepare()
	w := new(worker)
	o, d := r.eye, r.ray(px, py)
	tx, ty := int(px)/tileSize, int(py)/tileSize
	var mask uint64
	if px >= 0 && py >= 0 && tx < r.tw && ty < len(r.tiles)/r.tw {
		mask = r.tiles[ty*r.tw+tx]
	}
	if t, ok := f.march(o, d, mask, &w.ray); ok {
		q := o.Add(d.Scale(t))
		return f.b.solids[f.surfaceSolid(q, &w.ray)].name(), q, nil
	}
	h := f.background(o, d)
	tf := -o.Z / d.Z
	switch h.id {
	case 0:
		return "floor", o.Add(d.Scale(tf)), nil
	case 1:
		tw := (-r.wallD - o.Dot(r.toCam)) / d.Dot(r.toCam)
		return "wall", o.Add(d.Scale(tw)), nil
	}
	return "nothing", Vec3{}, nil
}

// parallel runs fn for every row of tiles, spread over the goroutines.
func (r *Renderer) parallel(ctx context.Context, fn func(ty int)) error {
	rows := (r.h + tileSize - 1) / tileSize
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(r.threads, rows) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ty := int(next.Add(1) - 1)
				if ty >= rows || ctx.Err() != nil {
					return
				}
				fn(ty)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

// frame is the per-frame state shared (read-only) by the workers.
type frame struct {
	r *Renderer
	b *figure
	// Floor and wall rectangles (in room coordinates) outside which the
	// figure casts no shadow and no occlusion.
	floorBox, wallBox box2
	lowSolids         uint64 // solids near the floor (for its occlusion)
}

type box2 struct{ x0, y0, x1, y1 float64 }

func emptyBox() box2 { return box2{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }
func (b *box2) add(x, y, r float64) {
	b.x0, b.y0 = math.Min(b.x0, x-r), math.Min(b.y0, y-r)
	b.x1, b.y1 = math.Max(b.x1, x+r), math.Max(b.y1, y+r)
}
func (b box2) has(x, y float64) bool { return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 }

// shadowSpread is the tangent of the key light's angular radius: how fast
// penumbrae widen with distance from the occluder.
const shadowSpread = 0.05

// aoReach is how far (metres) from a solid's surface the floor still feels
// its occlusion.
const aoReach = 0.35

func (f *frame) prepare() {
	r := f.r
	// Tiles: the screen rectangle of each solid's swept sphere.
	clear(r.tiles)
	th := (r.h + tileSize - 1) / tileSize
	for i := range f.b.solids {
		s := &f.b.solids[i]
		x0, y0, x1, y1, all := r.screenBox(s)
		if all {
			for t := range r.tiles {
				r.tiles[t] |= 1 << i
			}
			continue
		}
		tx0, ty0 := max(int(x0)/tileSize, 0), max(int(y0)/tileSize, 0)
		tx1, ty1 := min(int(x1)/tileSize, r.tw-1), min(int(y1)/tileSize, th-1)
		if x1 < 0 || y1 < 0 {
			continue
		}
		for ty := ty0; ty <= ty1; ty++ {
			for tx := tx0; tx <= tx1; tx++ {
				r.tiles[ty*r.tw+tx] |= 1 << i
			}
		}
	}
	// Where shadows can fall: each bounding sphere pushed along the light
	// onto the floor and onto the wall, widened by its penumbra.
	f.floorBox, f.wallBox = emptyBox(), emptyBox()
	L := r.light
	for i := range f.b.solids {
		s := &f.b.solids[i]
		c := s.centre
		if L.Z > 1e-3 {
			t := c.Z / L.Z
			q := c.Sub(L.Scale(t))
			f.floorBox.add(q.Dot(r.side), q.Dot(r.toCam), s.bound/L.Z+t*shadowSpread+0.01)
		}
		// Wall plane: q·toCam = −wallD. The light comes from the camera's
		// side, so shadows move away from it.
		if lc := L.Dot(r.toCam); lc > 1e-3 {
			t := (c.Dot(r.toCam) + r.wallD) / lc
			q := c.Sub(L.Scale(t))
			f.wallBox.add(q.Dot(r.side), q.Z, s.bound/lc+t*shadowSpread+0.01)
		}
		if c.Z-s.bound < aoReach {
			f.lowSolids |= 1 << i
			f.floorBox.add(c.Dot(r.side), c.Dot(r.toCam), s.bound+aoReach)
		}
	}
}

// screenBox returns a conservative picture rectangle around solid s, or all
// when it reaches behind the camera.
func (r *Renderer) screenBox(s *solid) (x0, y0, x1, y1 float64, all bool) {
	rad := s.rmax + blendMargin
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	zmin := math.Inf(1)
	for _, p := range [2]Vec3{s.a, s.b} {
		d := p.Sub(r.eye)
		z := d.Dot(r.zAx)
		zmin = math.Min(zmin, z)
		if z-rad < 0.05 {
			return 0, 0, 0, 0, true
		}
		x, y, _ := r.Project(p)
		x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
	}
	// Off-axis spheres project to ellipses stretched away from the centre:
	// pad generously (1.6x) plus two pixels.
	pad := 1.6*r.focal*rad/(zmin-rad) + 2
	return x0 - pad, y0 - pad, x1 + pad, y1 + pad, false
}

// hit describes what a camera ray found.
type hit struct {
	col rgb
	id  uint32 // 0 floor, 1 wall, 2 sky/nothing, else 16 + solid·32 + material
}

// centreRow shades the centre sample of every pixel in tile row ty.
func (f *frame) centreRow(ty int) {
	r := f.r
	w := new(worker)
	for y := ty * tileSize; y < min((ty+1)*tileSize, r.h); y++ {
		for x := 0; x < r.w; x++ {
			mask := r.tiles[ty*r.tw+x/tileSize]
			h := f.trace(float64(x)+0.5, float64(y)+0.5, mask, w)
			o := y*r.w + x
			r.lin[3*o], r.lin[3*o+1], r.lin[3*o+2] = float32(h.col.r), float32(h.col.g), float32(h.col.b)
			r.ids[o] = h.id
		}
	}
}

// finishRow adds samples on edges, then writes tile row ty's bytes.
func (f *frame) finishRow(ty int, dst []byte) {
	r := f.r
	w := new(worker)
	// Rotated-grid offsets within the pixel.
	offs := [4][2]float64{{-0.375, -0.125}, {0.125, -0.375}, {0.375, 0.125}, {-0.125, 0.375}}
	for y := ty * tileSize; y < min((ty+1)*tileSize, r.h); y++ {
		for x := 0; x < r.w; x++ {
			o := y*r.w + x
			c := rgb{float64(r.lin[3*o]), float64(r.lin[3*o+1]), float64(r.lin[3*o+2])}
			if !r.opts.NoAntiAlias && f.isEdge(x, y) {
				mask := r.tiles[ty*r.tw+x/tileSize]
				for _, d := range offs {
					h := f.trace(float64(x)+0.5+d[0], float64(y)+0.5+d[1], mask, w)
					c = c.add(h.col)
				}
				c = c.scale(1.0 / 5)
			}
			c = c.scale(vignette(float64(x)+0.5, float64(y)+0.5, r.w, r.h))
			dst[3*o], dst[3*o+1], dst[3*o+2] = toSRGB(c.r), toSRGB(c.g), toSRGB(c.b)
		}
	}
}

// isEdge reports whether pixel (x, y) sees something different from one of
// its four neighbours.
func (f *frame) isEdge(x, y int) bool {
	r := f.r
	id := r.ids[y*r.w+x]
	if x > 0 && r.ids[y*r.w+x-1] != id || x+1 < r.w && r.ids[y*r.w+x+1] != id {
		return true
	}
	return y > 0 && r.ids[(y-1)*r.w+x] != id || y+1 < r.h && r.ids[(y+1)*r.w+x] != id
}

func vignette(x, y float64, w, h int) float64 {
	dx, dy := (x-float64(w)/2)/float64(w), (y-float64(h)/2)/float64(w)
	return 1 - 0.35*(dx*dx+dy*dy)
}

// rayScratch holds one ray's candidate solids.
type rayScratch struct {
	cand   [64]int
	n      int
	blends [128]blend // in candidate slots
	nb     int
	slot   [64]int // solid index → candidate slot (valid for candidates)
	d      [64]float64
}

// worker is one goroutine's scratch space: the camera ray's candidate
// solids and those near a shaded point.
type worker struct{ ray, near rayScratch }

func trailingZeros(m uint64) int { return bits.TrailingZeros64(m) }

// trace follows the ray through picture position (px, py).
func (f *frame) trace(px, py float64, mask uint64, w *worker) hit {
	r := f.r
	o := r.eye
	d := r.ray(px, py)
	if mask != 0 {
		if t, ok := f.march(o, d, mask, &w.ray); ok {
			p := o.Add(d.Scale(t))
			return f.shadeFigure(p, d, w)
		}
	}
	return f.background(o, d)
}

// march sphere-traces the figure's distance field along o + t·d, using only
// the solids whose volumes the ray passes close to.
func (f *frame) march(o, d Vec3, mask uint64, rs *rayScratch) (float64, bool) {
	rs.n = 0
	t0, t1 := math.Inf(1), 0.0
	var cmask uint64
	for m := mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		s := &f.b.solids[i]
		dist, _, _ := raySegment(o, d, s.a, s.b)
		if dist > s.rmax+blendMargin {
			continue
		}
		rs.slot[i] = rs.n
		rs.cand[rs.n] = i
		rs.n++
		cmask |= 1 << i
		dc := s.centre.Sub(o).Norm()
		t0 = math.Min(t0, math.Max(dc-s.bound, 0))
		t1 = math.Max(t1, dc+s.bound)
	}
	if rs.n == 0 {
		return 0, false
	}
	rs.nb = 0
	for _, bl := range f.b.blends {
		if cmask&(1<<bl.i) != 0 && cmask&(1<<bl.j) != 0 {
			rs.blends[rs.nb] = blend{rs.slot[bl.i], rs.slot[bl.j], bl.k}
			rs.nb++
		}
	}
	pix := 1 / f.r.focal
	t := t0
	for range 96 {
		p := o.Add(d.Scale(t))
		dd := f.sdf(p, rs)
		if dd < 0.0002+0.4*pix*t {
			return t, true
		}
		t += dd
		if t > t1 {
			return 0, false
		}
	}
	return 0, false
}

// sdf is the figure's distance at p over the candidate solids in rs (their
// individual distances are left in rs.d).
func (f *frame) sdf(p Vec3, rs *rayScratch) float64 {
	d := math.Inf(1)
	for k := 0; k < rs.n; k++ {
		v := f.b.solids[rs.cand[k]].dist(p)
		rs.d[k] = v
		d = fmin(d, v)
	}
	for k := 0; k < rs.nb; k++ {
		bl := &rs.blends[k]
		d = fmin(d, smin(rs.d[bl.i], rs.d[bl.j], bl.k))
	}
	return d
}

// surfaceSolid returns the candidate solid whose surface p lies on (the
// nearest).
func (f *frame) surfaceSolid(p Vec3, rs *rayScratch) int {
	f.sdf(p, rs)
	best, bi := math.Inf(1), 0
	for k := 0; k < rs.n; k++ {
		if rs.d[k] < best {
			best, bi = rs.d[k], rs.cand[k]
		}
	}
	return bi
}

// nearby fills rs with every solid whose bounding sphere lies within reach
// of p, and their blends.
func (f *frame) nearby(p Vec3, reach float64, rs *rayScratch) {
	rs.n = 0
	var cmask uint64
	for i := range f.b.solids {
		s := &f.b.solids[i]
		if s.centre.Sub(p).Norm() > s.bound+reach {
			continue
		}
		rs.slot[i] = rs.n
		rs.cand[rs.n] = i
		rs.n++
		cmask |= 1 << i
	}
	rs.nb = 0
	for _, bl := range f.b.blends {
		if cmask&(1<<bl.i) != 0 && cmask&(1<<bl.j) != 0 {
			rs.blends[rs.nb] = blend{rs.slot[bl.i], rs.slot[bl.j], bl.k}
			rs.nb++
		}
	}
}

// softShadow returns how much of the key light reaches p (0..1), treating
// each solid as its capsule: the ray towards the light is shadowed where it
// passes within the solid's radius, with a penumbra that widens with
// distance. skip is a solid to ignore (the one p lies on) or −1.
func (f *frame) softShadow(p Vec3, skip int) float64 {
	L := f.r.light
	vis := 1.0
	for i := range f.b.solids {
		if i == skip {
			continue
		}
		s := &f.b.solids[i]
		v := s.centre.Sub(p)
		tc := v.Dot(L)
		if tc < -s.bound {
			continue
		}
		perp2 := v.Dot(v) - tc*tc
		lim := s.bound + math.Max(tc, 0)*shadowSpread
		if perp2 > lim*lim {
			continue
		}
		dist, t, u := raySegment(p, L, s.a, s.b)
		w := math.Max(t*shadowSpread, 1e-4)
		vis *= smoothstep(-w, w, dist-s.radiusAt(u))
		if vis < 1e-3 {
			return 0
		}
	}
	return vis
}

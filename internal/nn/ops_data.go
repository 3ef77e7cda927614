package nn

import (
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/nn/kernel"
)

// This file holds the ops that move or select data rather than compute it:
// ResizeBilinear, DepthToSpace, ConcatV2, Pack, Unpack, StridedSlice,
// GatherNd and ArgMax.

// resizeOp is ResizeBilinear with half-pixel centres (align_corners=false,
// half_pixel_centers=true), the only variant the pose models use. The
// source rows/columns and weights are tabulated at plan time; the
// interpolation is evaluated in float64 and rounded once, as TF.js's cpu
// backend does.
type resizeOp struct {
	opBase
	inH, inW, c int
	outH, outW  int
	y0, y1      []int
	fy          []float64
	x0, x1      []int
	fx          []float64
	// res is a residual added to the result (a fused AddV2, see
	// fuseResiduals), -1 for none; act is applied after it.
	res int
	act kernel.Act
}

func (p *planner) buildResize(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("T", "align_corners", "half_pixel_centers"); err != nil {
		return err
	}
	if err := a.checkType("T", f32); err != nil {
		return err
	}
	ac, err := a.boolOr("align_corners", false)
	if err != nil {
		return err
	}
	hpc, err := a.boolOr("half_pixel_centers", false)
	if err != nil {
		return err
	}
	if ac || !hpc {
		return fmt.Errorf("align_corners=%v half_pixel_centers=%v is not supported (only false/true)", ac, hpc)
	}
	x := p.values[in[0]]
	if x.dt != f32 || len(x.shape) != 4 || x.shape[0] != 1 {
		return fmt.Errorf("input must be float32 NHWC with batch 1, got %s %v", x.dt, x.shape)
	}
	size, err := p.constInts(in[1], "the size")
	if err != nil {
		return err
	}
	if len(size) != 2 || size[0] <= 0 || size[1] <= 0 || size[0] > maxDim || size[1] > maxDim {
		return fmt.Errorf("size %v is not a valid [height, width]", size)
	}
	o := &resizeOp{opBase: newBase(n), inH: x.shape[1], inW: x.shape[2], c: x.shape[3], outH: size[0], outW: size[1], res: -1}
	out, err := p.newValue(n.Name, 0, f32, []int{1, o.outH, o.outW, o.c})
	if err != nil {
		return err
	}
	o.y0, o.y1, o.fy = resizeTable(o.inH, o.outH)
	o.x0, o.x1, o.fx = resizeTable(o.inW, o.outW)
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

// resizeTable maps each output index to its two source indices and the
// weight of the second, with half-pixel centres and edge clamping.
func resizeTable(in, out int) (lo, hi []int, frac []float64) {
	lo, hi, frac = make([]int, out), make([]int, out), make([]float64, out)
	ratio := float64(in) / float64(out)
	for i := range out {
		src := ratio*(float64(i)+0.5) - 0.5
		f := math.Max(0, math.Floor(src))
		lo[i] = int(f)
		hi[i] = min(in-1, int(math.Ceil(src)))
		if hi[i] < 0 {
			hi[i] = 0
		}
		frac[i] = src - f
	}
	return lo, hi, frac
}

func (o *resizeOp) bind(b binder) step {
	s := &resizeStep{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0]), xo: make([]int, 2*o.outW)}
	for x := range o.outW {
		s.xo[2*x], s.xo[2*x+1] = o.x0[x]*o.c, o.x1[x]*o.c
	}
	if o.res >= 0 {
		s.res = b.f32(o.res)
	}
	return s
}

type resizeStep struct {
	o        *resizeOp
	src, dst []float32
	res      []float32 // fused residual, or nil
	xo       []int     // per output column: element offsets of its two source columns
}

func (s *resizeStep) run(p *pool) error {
	o := s.o
	p.parallel(o.outH, max(1, elemMinBlocks*elemBlock/(o.outW*o.c)), s)
	return nil
}

// chunk computes output rows [lo, hi).
func (s *resizeStep) chunk(_, lo, hi int) {
	o := s.o
	rowIn, rowOut := o.inW*o.c, o.outW*o.c
	for y := lo; y < hi; y++ {
		top := s.src[o.y0[y]*rowIn : (o.y0[y]+1)*rowIn]
		bot := s.src[o.y1[y]*rowIn : (o.y1[y]+1)*rowIn]
		var res []float32
		if s.res != nil {
			res = s.res[y*rowOut : (y+1)*rowOut]
		}
		kernel.ResizeRow(s.dst[y*rowOut:(y+1)*rowOut], top, bot, s.xo, o.fx, o.c, o.fy[y], res, o.act)
	}
}

// depthToSpaceOp rearranges NHWC channel blocks into spatial blocks
// (TensorFlow's DCR order: input channel (i·b + j)·Cout + c goes to output
// pixel (h·b + i, w·b + j), channel c).
type depthToSpaceOp struct {
	opBase
	dt         dtype
	h, w, c, b int
}

func (p *planner) buildDepthToSpace(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T", "block_size", "data_format"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	df, err := a.strOr("data_format", "NHWC")
	if err != nil {
		return err
	}
	if df != "NHWC" {
		return fmt.Errorf("data_format %q is not supported (only NHWC)", df)
	}
	bs, err := a.int("block_size")
	if err != nil {
		return err
	}
	if len(x.shape) != 4 || x.shape[0] != 1 {
		return fmt.Errorf("input must be NHWC with batch 1, got %v", x.shape)
	}
	if bs < 2 || bs > 64 || x.shape[3]%(bs*bs) != 0 {
		return fmt.Errorf("block_size %d does not divide the %d channels into blocks", bs, x.shape[3])
	}
	o := &depthToSpaceOp{opBase: newBase(n), dt: x.dt, h: x.shape[1], w: x.shape[2], c: x.shape[3], b: bs}
	out, err := p.newValue(n.Name, 0, x.dt, []int{1, o.h * bs, o.w * bs, o.c / (bs * bs)})
	if err != nil {
		return err
	}
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *depthToSpaceOp) bind(b binder) step {
	if o.dt == f32 {
		return &depthToSpaceStep[float32]{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
	}
	return &depthToSpaceStep[int32]{o: o, src: b.i32(o.in[0]), dst: b.i32(o.out[0])}
}

type depthToSpaceStep[T float32 | int32] struct {
	o        *depthToSpaceOp
	src, dst []T
}

func (s *depthToSpaceStep[T]) run(*pool) error {
	o := s.o
	oc := o.c / (o.b * o.b)
	k := 0
	for y := 0; y < o.h*o.b; y++ {
		iy, i := y/o.b, y%o.b
		for x := 0; x < o.w*o.b; x++ {
			ix, j := x/o.b, x%o.b
			off := (iy*o.w+ix)*o.c + (i*o.b+j)*oc
			copy(s.dst[k:k+oc], s.src[off:off+oc])
			k += oc
		}
	}
	return nil
}

// concatOp joins tensors along an axis: the output is outer blocks, each the
// inputs' blocks (dim[axis]·inner elements) one after another. Pack is the
// same with every input given a new axis of size 1.
type concatOp struct {
	opBase
	dt     dtype
	outer  int
	blocks []int // elements per outer block, per input
}

func (p *planner) buildConcat(n *nodeDef, a attrs, in []int) error {
	if err := a.only("T", "N", "Tidx"); err != nil {
		return err
	}
	if err := a.checkType("Tidx", i32); err != nil {
		return err
	}
	cnt, err := a.int("N")
	if err != nil {
		return err
	}
	if cnt < 1 || len(in) != cnt+1 {
		return fmt.Errorf("attribute N=%d does not match %d inputs (N tensors and an axis)", cnt, len(in))
	}
	axis, err := p.constScalar(in[cnt], "the axis")
	if err != nil {
		return err
	}
	first := p.values[in[0]]
	if err := a.checkType("T", first.dt); err != nil {
		return err
	}
	axis, err = normAxis(axis, len(first.shape))
	if err != nil {
		return err
	}
	shape := cloneShape(first.shape)
	shape[axis] = 0
	for _, v := range in[:cnt] {
		x := p.values[v]
		if x.dt != first.dt || len(x.shape) != len(first.shape) {
			return fmt.Errorf("inputs %v %v and %v %v cannot be concatenated", first.dt, first.shape, x.dt, x.shape)
		}
		for d := range x.shape {
			if d != axis && x.shape[d] != first.shape[d] {
				return fmt.Errorf("inputs %v and %v differ outside axis %d", first.shape, x.shape, axis)
			}
		}
		shape[axis] += x.shape[axis]
		if shape[axis] > maxDim {
			return fmt.Errorf("concatenated dimension is too large")
		}
	}
	return p.emitConcat(n, in[:cnt], shape, axis, false)
}

func (p *planner) buildPack(n *nodeDef, a attrs, in []int) error {
	if err := a.only("T", "N", "axis"); err != nil {
		return err
	}
	cnt, err := a.int("N")
	if err != nil {
		return err
	}
	if cnt < 1 || len(in) != cnt {
		return fmt.Errorf("attribute N=%d does not match %d inputs", cnt, len(in))
	}
	first := p.values[in[0]]
	if err := a.checkType("T", first.dt); err != nil {
		return err
	}
	axis, err := a.intOr("axis", 0)
	if err != nil {
		return err
	}
	axis, err = normAxis(axis, len(first.shape)+1)
	if err != nil {
		return err
	}
	for _, v := range in {
		x := p.values[v]
		if x.dt != first.dt || !equalShape(x.shape, first.shape) {
			return fmt.Errorf("inputs %v %v and %v %v cannot be stacked", first.dt, first.shape, x.dt, x.shape)
		}
	}
	shape := make([]int, 0, len(first.shape)+1)
	shape = append(shape, first.shape[:axis]...)
	shape = append(shape, cnt)
	shape = append(shape, first.shape[axis:]...)
	return p.emitConcat(n, in, shape, axis, true)
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// emitConcat plans the concatenation of ins along axis of the output shape
// (for Pack each input contributes one slice of that axis).
func (p *planner) emitConcat(n *nodeDef, ins []int, shape []int, axis int, pack bool) error {
	dt := p.values[ins[0]].dt
	out, err := p.newValue(n.Name, 0, dt, shape)
	if err != nil {
		return err
	}
	o := &concatOp{opBase: newBase(n), dt: dt, outer: prod(shape[:axis])}
	inner := prod(shape[axis+1:])
	for _, v := range ins {
		d := 1
		if !pack {
			d = p.values[v].shape[axis]
		}
		o.blocks = append(o.blocks, d*inner)
	}
	o.reads(ins...)
	o.writes(out)
	return p.emit(o)
}

func (o *concatOp) bind(b binder) step {
	if o.dt == f32 {
		s := &concatStep[float32]{o: o, dst: b.f32(o.out[0])}
		for _, v := range o.in {
			s.srcs = append(s.srcs, b.f32(v))
		}
		return s
	}
	s := &concatStep[int32]{o: o, dst: b.i32(o.out[0])}
	for _, v := range o.in {
		s.srcs = append(s.srcs, b.i32(v))
	}
	return s
}

type concatStep[T float32 | int32] struct {
	o    *concatOp
	srcs [][]T
	dst  []T
}

func (s *concatStep[T]) run(*pool) error {
	k := 0
	for i := 0; i < s.o.outer; i++ {
		for j, src := range s.srcs {
			blk := s.o.blocks[j]
			copy(s.dst[k:k+blk], src[i*blk:(i+1)*blk])
			k += blk
		}
	}
	return nil
}

// unpackOp splits a tensor along an axis into num tensors of one rank less.
type unpackOp struct {
	opBase
	dt           dtype
	outer, inner int
	num          int
}

func (p *planner) buildUnpack(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T", "num", "axis"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if len(x.shape) == 0 {
		return fmt.Errorf("cannot unpack a scalar")
	}
	axis, err := a.intOr("axis", 0)
	if err != nil {
		return err
	}
	axis, err = normAxis(axis, len(x.shape))
	if err != nil {
		return err
	}
	num, err := a.int("num")
	if err != nil {
		return err
	}
	if num > maxOutputs {
		return fmt.Errorf("num=%d outputs is more than the supported %d", num, maxOutputs)
	}
	if num != x.shape[axis] {
		return fmt.Errorf("num=%d does not match dimension %d of shape %v", num, axis, x.shape)
	}
	shape := make([]int, 0, len(x.shape)-1)
	shape = append(shape, x.shape[:axis]...)
	shape = append(shape, x.shape[axis+1:]...)
	o := &unpackOp{opBase: newBase(n), dt: x.dt, outer: prod(x.shape[:axis]), inner: prod(x.shape[axis+1:]), num: num}
	for i := 0; i < num; i++ {
		out, err := p.newValue(n.Name, i, x.dt, cloneShape(shape))
		if err != nil {
			return err
		}
		o.writes(out)
	}
	o.reads(in[0])
	return p.emit(o)
}

func (o *unpackOp) bind(b binder) step {
	if o.dt == f32 {
		s := &unpackStep[float32]{o: o, src: b.f32(o.in[0])}
		for _, v := range o.out {
			s.dsts = append(s.dsts, b.f32(v))
		}
		return s
	}
	s := &unpackStep[int32]{o: o, src: b.i32(o.in[0])}
	for _, v := range o.out {
		s.dsts = append(s.dsts, b.i32(v))
	}
	return s
}

type unpackStep[T float32 | int32] struct {
	o    *unpackOp
	src  []T
	dsts [][]T
}

func (s *unpackStep[T]) run(*pool) error {
	o := s.o
	k := 0
	for i := 0; i < o.outer; i++ {
		for _, dst := range s.dsts {
			copy(dst[i*o.inner:(i+1)*o.inner], s.src[k:k+o.inner])
			k += o.inner
		}
	}
	return nil
}

// sliceOp is StridedSlice with constant begin/end/strides: per input
// dimension a start, a step and a count.
type sliceOp struct {
	opBase
	dt        dtype
	inStrides []int
	start     []int
	step      []int
	count     []int
}

func (p *planner) buildStridedSlice(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 4); err != nil {
		return err
	}
	if err := a.only("T", "Index", "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if err := a.checkType("Index", i32); err != nil {
		return err
	}
	masks := map[string]int{}
	for _, k := range []string{"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"} {
		v, err := a.intOr(k, 0)
		if err != nil {
			return err
		}
		masks[k] = v
	}
	if masks["ellipsis_mask"] != 0 || masks["new_axis_mask"] != 0 {
		return fmt.Errorf("ellipsis_mask and new_axis_mask are not supported")
	}
	begin, err := p.constInts(in[1], "begin")
	if err != nil {
		return err
	}
	end, err := p.constInts(in[2], "end")
	if err != nil {
		return err
	}
	strides, err := p.constInts(in[3], "strides")
	if err != nil {
		return err
	}
	r := len(x.shape)
	if len(begin) != len(end) || len(begin) != len(strides) || len(begin) > r {
		return fmt.Errorf("begin %v, end %v and strides %v do not fit rank %d", begin, end, strides, r)
	}
	o := &sliceOp{opBase: newBase(n), dt: x.dt, inStrides: stridesOf(x.shape),
		start: make([]int, r), step: make([]int, r), count: make([]int, r)}
	var shape []int
	for d := 0; d < r; d++ {
		dim := x.shape[d]
		if d >= len(begin) {
			o.start[d], o.step[d], o.count[d] = 0, 1, dim
			shape = append(shape, dim)
			continue
		}
		b, e, s := begin[d], end[d], strides[d]
		if s == 0 {
			return fmt.Errorf("stride 0 in dimension %d", d)
		}
		if masks["shrink_axis_mask"]&(1<<d) != 0 {
			if b < 0 {
				b += dim
			}
			if b < 0 || b >= dim {
				return fmt.Errorf("index %d is out of range for dimension %d of shape %v", begin[d], d, x.shape)
			}
			o.start[d], o.step[d], o.count[d] = b, 1, 1
			continue
		}
		lo, hi := 0, dim // clamp range for positive strides
		if s < 0 {
			lo, hi = -1, dim-1
		}
		if masks["begin_mask"]&(1<<d) != 0 {
			if s > 0 {
				b = 0
			} else {
				b = dim - 1
			}
		} else {
			if b < 0 {
				b += dim
			}
			b = min(max(b, lo), hi)
		}
		if masks["end_mask"]&(1<<d) != 0 {
			if s > 0 {
				e = dim
			} else {
				e = -1
			}
		} else {
			if e < 0 {
				e += dim
			}
			e = min(max(e, lo), hi)
		}
		cnt := 0
		if s > 0 && e > b {
			cnt = (e - b + s - 1) / s
		} else if s < 0 && b > e {
			cnt = (b - e - s - 1) / -s
		}
		if cnt == 0 {
			return fmt.Errorf("slice of dimension %d is empty", d)
		}
		o.start[d], o.step[d], o.count[d] = b, s, cnt
		shape = append(shape, cnt)
	}
	out, err := p.newValue(n.Name, 0, x.dt, shape)
	if err != nil {
		return err
	}
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *sliceOp) bind(b binder) step {
	if o.dt == f32 {
		return &sliceStep[float32]{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
	}
	return &sliceStep[int32]{o: o, src: b.i32(o.in[0]), dst: b.i32(o.out[0])}
}

type sliceStep[T float32 | int32] struct {
	o        *sliceOp
	src, dst []T
}

func (s *sliceStep[T]) run(*pool) error {
	o := s.o
	r := len(o.count)
	var idx [maxRank]int
	for k := range s.dst {
		off := 0
		for d := 0; d < r; d++ {
			off += (o.start[d] + idx[d]*o.step[d]) * o.inStrides[d]
		}
		s.dst[k] = s.src[off]
		for d := r - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < o.count[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}

// gatherNdOp is GatherNd: each innermost vector of the int32 indices picks a
// slice of params. Indices may be computed at run time (MoveNet's ArgMax), so
// they are bounds-checked on every run and a bad index is an error.
type gatherNdOp struct {
	opBase
	dt            dtype
	nIdx, k       int
	slice         int
	paramsShape   []int
	paramsStrides []int
}

func (p *planner) buildGatherNd(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("Tparams", "Tindices"); err != nil {
		return err
	}
	params, idx := p.values[in[0]], p.values[in[1]]
	if err := a.checkType("Tparams", params.dt); err != nil {
		return err
	}
	if err := a.checkType("Tindices", i32); err != nil {
		return err
	}
	if idx.dt != i32 || len(idx.shape) == 0 {
		return fmt.Errorf("indices must be an int32 tensor of rank >= 1, got %v %v", idx.dt, idx.shape)
	}
	k := idx.shape[len(idx.shape)-1]
	if k < 1 || k > len(params.shape) {
		return fmt.Errorf("index depth %d does not fit params of shape %v", k, params.shape)
	}
	shape := append(cloneShape(idx.shape[:len(idx.shape)-1]), params.shape[k:]...)
	out, err := p.newValue(n.Name, 0, params.dt, shape)
	if err != nil {
		return err
	}
	o := &gatherNdOp{opBase: newBase(n), dt: params.dt, nIdx: idx.n / k, k: k, slice: prod(params.shape[k:]),
		paramsShape: params.shape, paramsStrides: stridesOf(params.shape)}
	o.reads(in[0], in[1])
	o.writes(out)
	return p.emit(o)
}

func (o *gatherNdOp) bind(b binder) step {
	if o.dt == f32 {
		return &gatherNdStep[float32]{o: o, params: b.f32(o.in[0]), idx: b.i32(o.in[1]), dst: b.f32(o.out[0])}
	}
	return &gatherNdStep[int32]{o: o, params: b.i32(o.in[0]), idx: b.i32(o.in[1]), dst: b.i32(o.out[0])}
}

type gatherNdStep[T float32 | int32] struct {
	o           *gatherNdOp
	params, dst []T
	idx         []int32
}

func (s *gatherNdStep[T]) run(*pool) error {
	o := s.o
	for i := 0; i < o.nIdx; i++ {
		off := 0
		for d := 0; d < o.k; d++ {
			v := int(s.idx[i*o.k+d])
			if v < 0 || v >= o.paramsShape[d] {
				return fmt.Errorf("%s %q: index %d is out of range for dimension %d of shape %v", o.kind, o.node, v, d, o.paramsShape)
			}
			off += v * o.paramsStrides[d]
		}
		copy(s.dst[i*o.slice:(i+1)*o.slice], s.params[off:off+o.slice])
	}
	return nil
}

// argMaxOp is ArgMax along one axis with int32 output; ties resolve to the
// first (lowest) index, as in TF.js.
type argMaxOp struct {
	opBase
	dt                dtype
	outer, dim, inner int
}

func (p *planner) buildArgMax(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("T", "Tidx", "output_type"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if err := a.checkType("Tidx", i32); err != nil {
		return err
	}
	ot, err := a.dtype("output_type")
	if err != nil {
		return err
	}
	if ot != i32 {
		return fmt.Errorf("output_type must be int32")
	}
	axis, err := p.constScalar(in[1], "the axis")
	if err != nil {
		return err
	}
	axis, err = normAxis(axis, len(x.shape))
	if err != nil {
		return err
	}
	shape := append(cloneShape(x.shape[:axis]), x.shape[axis+1:]...)
	out, err := p.newValue(n.Name, 0, i32, shape)
	if err != nil {
		return err
	}
	o := &argMaxOp{opBase: newBase(n), dt: x.dt, outer: prod(x.shape[:axis]), dim: x.shape[axis], inner: prod(x.shape[axis+1:])}
	o.reads(in[0], in[1])
	o.in = o.in[:1] // the axis is a constant
	o.writes(out)
	return p.emit(o)
}

func (o *argMaxOp) bind(b binder) step {
	if o.dt == f32 {
		return &argMaxStep[float32]{o: o, src: b.f32(o.in[0]), dst: b.i32(o.out[0])}
	}
	return &argMaxStep[int32]{o: o, src: b.i32(o.in[0]), dst: b.i32(o.out[0])}
}

type argMaxStep[T float32 | int32] struct {
	o   *argMaxOp
	src []T
	dst []int32
}

func (s *argMaxStep[T]) run(*pool) error {
	o := s.o
	for i := 0; i < o.outer; i++ {
		base := i * o.dim * o.inner
		for j := 0; j < o.inner; j++ {
			best, bi := s.src[base+j], 0
			for d := 1; d < o.dim; d++ {
				if v := s.src[base+d*o.inner+j]; v > best {
					best, bi = v, d
				}
			}
			s.dst[i*o.inner+j] = int32(bi)
		}
	}
	return nil
}

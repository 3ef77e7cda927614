package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/nn/kernel"
)

// convOp is a 2-D convolution (regular or depthwise) over a batch-1 NHWC
// tensor, with optional bias and fused activation. All arithmetic goes
// through package kernel: a 1×1 stride-1 convolution is one Gemm on the
// activation buffer itself, any other regular convolution is im2col + Gemm
// (the HWIO filter, flattened, is exactly the [KH·KW·Cin, Cout] B matrix), and
// a depthwise convolution is kernel.Depthwise.
type convOp struct {
	opBase
	depthwise        bool
	inH, inW, inC    int
	outH, outW, outC int
	kh, kw, sh, sw   int
	padT, padL       int // implicit zero padding before the first row/column
	filter, bias     []float32
	packed           *kernel.PackedB // filter as a GEMM B matrix (regular convolutions)
	act              kernel.Act
	// res is a residual added to the result (a fused AddV2, see
	// fuseResiduals), -1 for none; act2 is applied after it.
	res  int
	act2 kernel.Act
}

// direct reports whether the convolution is a plain matrix product on the
// input buffer (1×1 kernel, stride 1, no padding).
func (o *convOp) direct() bool {
	return !o.depthwise && o.kh == 1 && o.kw == 1 && o.sh == 1 && o.sw == 1 &&
		o.padT == 0 && o.padL == 0 && o.inH == o.outH && o.inW == o.outW
}

func (o *convOp) macs() int64 {
	m := int64(o.outH) * int64(o.outW) * int64(o.outC) * int64(o.kh) * int64(o.kw)
	if !o.depthwise {
		m *= int64(o.inC)
	}
	return m
}

// single reports whether the convolution produces one channel at stride 1
// (BlazePose's segmentation output, 3×3 over 256×256×8). Such a
// convolution runs as kernel.TapConv over a channel-planar, zero-padded
// copy of the input, vectorised over output columns: as a GEMM it would
// use one lane of each vector.
func (o *convOp) single() bool {
	return !o.depthwise && o.outC == 1 && o.sh == 1 && o.sw == 1 && !o.direct()
}

// planarDims are the rows and columns of the padded input of a single()
// convolution: every output row y reads planar rows y .. y+KH-1.
func (o *convOp) planarDims() (rows, cols int) {
	return o.outH + o.kh - 1, o.outW + o.kw - 1
}

// im2colBlock is the number of pixels whose patch rows an im2col
// convolution builds and multiplies at a time, in one worker's part of the
// scratch: about im2colBytes, a whole number of GEMM row blocks, at most
// the image.
func (o *convOp) im2colBlock() int {
	k := o.kh * o.kw * o.inC
	return min(o.outH*o.outW, max(gemmRows, im2colBytes/(4*k)/gemmRows*gemmRows))
}

func (o *convOp) scratchElems(threads int) int {
	switch {
	case o.depthwise || o.direct():
		return 0
	case o.single():
		rows, cols := o.planarDims()
		return rows * o.inC * cols
	}
	return max(1, threads) * o.im2colBlock() * o.kh * o.kw * o.inC
}

// convSpec holds the attributes shared by the four convolution ops.
type convSpec struct {
	sh, sw  int
	padding string
	act     kernel.Act
	bias    bool
}

// parseConvAttrs validates the attributes of Conv2D, _FusedConv2D,
// DepthwiseConv2dNative and FusedDepthwiseConv2dNative. Anything other than
// NHWC, dilation 1, SAME/VALID padding and the fused ops BiasAdd[+Relu|Relu6]
// is rejected.
func parseConvAttrs(n *nodeDef, a attrs) (convSpec, error) {
	var cs convSpec
	fused := n.Op == "_FusedConv2D" || n.Op == "FusedDepthwiseConv2dNative"
	allowed := []string{"T", "strides", "padding", "data_format", "dilations", "explicit_paddings"}
	if n.Op == "Conv2D" || n.Op == "_FusedConv2D" {
		allowed = append(allowed, "use_cudnn_on_gpu")
	}
	if fused {
		// epsilon only matters for a fused batch norm, which is rejected below.
		allowed = append(allowed, "fused_ops", "num_args", "epsilon")
	}
	if err := a.only(allowed...); err != nil {
		return cs, err
	}
	if err := a.checkType("T", f32); err != nil {
		return cs, err
	}
	df, err := a.strOr("data_format", "NHWC")
	if err != nil {
		return cs, err
	}
	if df != "NHWC" {
		return cs, fmt.Errorf("data_format %q is not supported (only NHWC)", df)
	}
	st, err := a.ints("strides")
	if err != nil {
		return cs, err
	}
	if len(st) != 4 || st[0] != 1 || st[3] != 1 || st[1] < 1 || st[2] < 1 || st[1] > 64 || st[2] > 64 {
		return cs, fmt.Errorf("strides %v are not supported (want [1, sh, sw, 1])", st)
	}
	cs.sh, cs.sw = st[1], st[2]
	dil, err := a.ints("dilations")
	if err != nil {
		return cs, err
	}
	if dil != nil && !slices.Equal(dil, []int{1, 1, 1, 1}) {
		return cs, fmt.Errorf("dilations %v are not supported (only 1)", dil)
	}
	if err := a.emptyList("explicit_paddings"); err != nil {
		return cs, err
	}
	cs.padding, err = a.str("padding")
	if err != nil {
		return cs, err
	}
	if cs.padding != "SAME" && cs.padding != "VALID" {
		return cs, fmt.Errorf("padding %q is not supported (only SAME and VALID)", cs.padding)
	}
	if fused {
		fo, err := a.strs("fused_ops")
		if err != nil {
			return cs, err
		}
		switch {
		case slices.Equal(fo, []string{"BiasAdd"}):
			cs.act = kernel.ActNone
		case slices.Equal(fo, []string{"BiasAdd", "Relu"}):
			cs.act = kernel.ActRelu
		case slices.Equal(fo, []string{"BiasAdd", "Relu6"}):
			cs.act = kernel.ActRelu6
		default:
			return cs, fmt.Errorf("fused_ops %q are not supported (only BiasAdd, optionally followed by Relu or Relu6)", fo)
		}
		na, err := a.int("num_args")
		if err != nil {
			return cs, err
		}
		if na != 1 {
			return cs, fmt.Errorf("num_args %d is not supported (only 1, the bias)", na)
		}
		cs.bias = true
	}
	return cs, nil
}

// outSize computes TensorFlow's output size and leading padding.
func outSize(in, k, s int, padding string) (out, padBefore int, err error) {
	if padding == "VALID" {
		if in < k {
			return 0, 0, fmt.Errorf("input size %d is smaller than the kernel size %d", in, k)
		}
		return (in-k)/s + 1, 0, nil
	}
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2, nil
}

// buildConvLike plans a regular or depthwise convolution.
func (p *planner) buildConvLike(n *nodeDef, a attrs, in []int, depthwise bool) error {
	cs, err := parseConvAttrs(n, a)
	if err != nil {
		return err
	}
	want := 2
	if cs.bias {
		want = 3
	}
	if err := wantInputs(in, want); err != nil {
		return err
	}
	x := p.values[in[0]]
	if x.dt != f32 || len(x.shape) != 4 || x.shape[0] != 1 {
		return fmt.Errorf("input must be float32 NHWC with batch 1, got %s %v", x.dt, x.shape)
	}
	filter, err := p.constF32(in[1], "the filter")
	if err != nil {
		return err
	}
	fs := p.values[in[1]].shape
	if len(fs) != 4 {
		return fmt.Errorf("filter shape %v is not [KH, KW, Cin, Cout]", fs)
	}
	o := &convOp{opBase: newBase(n), depthwise: depthwise, act: cs.act, filter: filter, res: -1,
		inH: x.shape[1], inW: x.shape[2], inC: x.shape[3], kh: fs[0], kw: fs[1], sh: cs.sh, sw: cs.sw}
	if fs[2] != o.inC {
		return fmt.Errorf("filter %v expects %d input channels, the input %v has %d", fs, fs[2], x.shape, o.inC)
	}
	if depthwise {
		if fs[3] != 1 {
			return fmt.Errorf("depthwise channel multiplier %d is not supported (only 1)", fs[3])
		}
		o.outC = o.inC
	} else {
		o.outC = fs[3]
	}
	if o.outH, o.padT, err = outSize(o.inH, o.kh, o.sh, cs.padding); err != nil {
		return err
	}
	if o.outW, o.padL, err = outSize(o.inW, o.kw, o.sw, cs.padding); err != nil {
		return err
	}
	if cs.bias {
		if o.bias, err = p.constF32(in[2], "the bias"); err != nil {
			return err
		}
		if len(o.bias) != o.outC {
			return fmt.Errorf("bias has %d elements, the output has %d channels", len(o.bias), o.outC)
		}
	}
	if int64(o.outH)*int64(o.outW)*int64(o.kh)*int64(o.kw)*int64(o.inC) > maxScratchElems {
		return fmt.Errorf("convolution needs more than %d scratch elements", maxScratchElems)
	}
	out, err := p.newValue(n.Name, 0, f32, []int{1, o.outH, o.outW, o.outC})
	if err != nil {
		return err
	}
	if !depthwise {
		o.packed = kernel.PackB(o.kh*o.kw*o.inC, o.outC, filter)
	}
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *opBase) reads(v ...int)  { o.in = append(o.in, v...) }
func (o *opBase) writes(v ...int) { o.out = append(o.out, v...) }

func (p *planner) buildConv(n *nodeDef, a attrs, in []int) error {
	return p.buildConvLike(n, a, in, false)
}

func (p *planner) buildDepthwise(n *nodeDef, a attrs, in []int) error {
	return p.buildConvLike(n, a, in, true)
}

func (o *convOp) bind(b binder) step {
	s := &convStep{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
	if o.res >= 0 {
		s.res = b.f32(o.res)
	}
	if o.single() {
		s.col = b.scratch()[:o.scratchElems(1)]
	} else if !o.depthwise && !o.direct() {
		s.col = b.scratch() // a block of patch rows per worker
	}
	if o.single() {
		// Tap (ky, kx, ci), in filter order, reads planar row y+ky,
		// channel ci, from column x+kx.
		_, cols := o.planarDims()
		s.offs = make([]int, 0, o.kh*o.kw*o.inC)
		for ky := 0; ky < o.kh; ky++ {
			for kx := 0; kx < o.kw; kx++ {
				for ci := 0; ci < o.inC; ci++ {
					s.offs = append(s.offs, (ky*o.inC+ci)*cols+kx)
				}
			}
		}
	}
	if o.depthwise {
		s.dw = kernel.DepthwiseParams{InH: o.inH, InW: o.inW, C: o.inC, OutH: o.outH, OutW: o.outW,
			KH: o.kh, KW: o.kw, StrideH: o.sh, StrideW: o.sw, PadTop: o.padT, PadLeft: o.padL, Filter: o.filter,
			Bias: o.bias, Act: o.act}
	}
	return s
}

// convStep runs a convolution; its chunk method is called for disjoint row
// ranges, possibly in parallel, once per phase.
type convStep struct {
	o        *convOp
	src, dst []float32
	res      []float32 // the fused residual, or nil
	col      []float32 // scratch: im2col blocks, one per worker, or single()'s planar input
	phase    int
	dw       kernel.DepthwiseParams
	offs     []int // single(): tap offsets in the planar input
}

const (
	phaseGemm      = iota // direct GEMM, in blocks of gemmRows rows
	phaseGemmCols         // direct GEMM, in blocks of kernel.ColBlock columns
	phaseIm2col           // im2col and GEMM, by output rows
	phaseDepthwise        // by output rows
	phasePlanar           // single(): planar input rows
	phaseTaps             // single(): output rows
)

// Parallel pieces of a convolution are at least this many multiply-adds
// (a few microseconds), so handing one to another goroutine costs far less
// than the piece, and layers smaller than two pieces stay on one goroutine.
// Depthwise convolutions run at about half the rate per multiply-add.
const (
	minPieceMACs   = 1 << 18
	minPieceDWMACs = 1 << 17
)

// gemmRows is the row granularity of a split direct GEMM: a multiple of
// every kernel's tile height (12 and 6 rows), so pieces add no partial
// tiles.
const gemmRows = 24

func (s *convStep) run(p *pool) error {
	o := s.o
	k := o.kh * o.kw * o.inC
	switch {
	case o.depthwise:
		s.phase = phaseDepthwise
		perRow := o.outW * o.outC * o.kh * o.kw
		p.parallel(o.outH, ceilDiv(minPieceDWMACs, perRow), s)
	case o.single():
		rows, cols := o.planarDims()
		s.phase = phasePlanar
		p.parallel(rows, ceilDiv(minPieceDWMACs, cols*o.inC), s)
		s.phase = phaseTaps
		p.parallel(o.outH, ceilDiv(minPieceMACs, o.outW*k), s)
	case o.direct():
		m := o.outH * o.outW
		if o.outC > m && o.outC >= 2*kernel.ColBlock {
			// More columns than rows (the 8×8 and 16×16 layers, whose
			// weights outweigh their activations): split by columns, so
			// that each goroutine reads only its share of the weights.
			s.phase = phaseGemmCols
			p.parallel(ceilDiv(o.outC, kernel.ColBlock), ceilDiv(minPieceMACs, m*kernel.ColBlock*k), s)
			break
		}
		s.phase = phaseGemm
		p.parallel(ceilDiv(m, gemmRows), ceilDiv(minPieceMACs, gemmRows*o.outC*k), s)
	default:
		// Each piece writes the im2col rows of its output rows and
		// multiplies them at once, while they are in cache.
		s.phase = phaseIm2col
		p.parallel(o.outH, ceilDiv(minPieceMACs, o.outW*o.outC*k), s)
	}
	return nil
}

// ceilDiv is ⌈a/b⌉ for positive b.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

func (s *convStep) chunk(w, lo, hi int) {
	o := s.o
	switch s.phase {
	case phaseGemm:
		s.gemm(lo*gemmRows, min(hi*gemmRows, o.outH*o.outW), s.src)
	case phaseGemmCols:
		k := o.kh * o.kw * o.inC
		kernel.GemmPackedCols(o.outH*o.outW, s.src, k, o.packed, lo*kernel.ColBlock, min(hi*kernel.ColBlock, o.outC),
			s.dst, o.outC, o.bias, o.act, s.res, o.act2)
	case phaseIm2col:
		// The piece's patch rows go, a block at a time, to the worker's
		// part of the scratch, which stays in cache for the GEMM.
		k := o.kh * o.kw * o.inC
		block := o.im2colBlock()
		slot := s.col[w*block*k : (w+1)*block*k]
		for px, end := lo*o.outW, hi*o.outW; px < end; px += block {
			n := min(block, end-px)
			s.im2col(slot[:n*k], px, px+n)
			s.gemmFrom(px, px+n, slot)
		}
	case phaseDepthwise:
		kernel.DepthwiseRows(s.dst, s.src, &s.dw, lo, hi)
	case phasePlanar:
		s.planar(lo, hi)
	case phaseTaps:
		_, cols := o.planarDims()
		rowLen := o.inC * cols
		var bias float32
		if o.bias != nil {
			bias = o.bias[0]
		}
		for y := lo; y < hi; y++ {
			kernel.TapConv(s.dst[y*o.outW:(y+1)*o.outW], s.col[y*rowLen:], s.offs, o.filter, bias, o.act)
		}
	}
}

// im2colBytes is the size of the block of patch rows an im2col
// convolution builds and multiplies at a time: well inside L2.
const im2colBytes = 64 << 10

// gemm computes output pixels [lo, hi) of a direct convolution. The kernel
// adds the bias after the full sum, then activates, then adds a fused
// residual, as TF.js does.
func (s *convStep) gemm(lo, hi int, a []float32) {
	k := s.o.kh * s.o.kw * s.o.inC
	s.gemmFrom(lo, hi, a[lo*k:])
}

// gemmFrom computes output pixels [lo, hi) from the patch rows in a (the
// first row is pixel lo's).
func (s *convStep) gemmFrom(lo, hi int, a []float32) {
	o := s.o
	k := o.kh * o.kw * o.inC
	var res []float32
	if s.res != nil {
		res = s.res[lo*o.outC:]
	}
	kernel.GemmPackedRes(hi-lo, a, k, o.packed, s.dst[lo*o.outC:], o.outC, o.bias, o.act, res, o.act2)
}

// planar writes rows [lo, hi) of the channel-planar, zero-padded input of a
// single() convolution: planar row r, channel c, column x holds input pixel
// (r − padT, x − padL), channel c, or 0 outside the image.
func (s *convStep) planar(lo, hi int) {
	o := s.o
	_, cols := o.planarDims()
	c := o.inC
	for r := lo; r < hi; r++ {
		row := s.col[r*c*cols : (r+1)*c*cols]
		iy := r - o.padT
		if iy < 0 || iy >= o.inH {
			clear(row)
			continue
		}
		// Columns [x0, x1) of the planar row come from the image.
		x0, x1 := o.padL, min(cols, o.padL+o.inW)
		src := s.src[iy*o.inW*c : (iy+1)*o.inW*c]
		for ci := 0; ci < c; ci++ {
			plane := row[ci*cols : (ci+1)*cols]
			clear(plane[:x0])
			clear(plane[x1:])
		}
		kernel.Deinterleave(row[x0:], cols, src, c, x1-x0)
	}
}

// im2col writes the patch rows of output pixels [lo, hi) to col: for each
// pixel, its KH×KW×Cin input window in filter order, zeros outside the
// image.
func (s *convStep) im2col(col []float32, lo, hi int) {
	o := s.o
	k := o.kh * o.kw * o.inC
	c := o.inC
	span := o.kw * c // one filter row's window, contiguous in the input
	oy, ox := lo/o.outW, lo%o.outW
	for px := lo; px < hi; px, ox = px+1, ox+1 {
		if ox == o.outW {
			oy, ox = oy+1, 0
		}
		row := col[(px-lo)*k : (px-lo+1)*k]
		ix0 := ox*o.sw - o.padL
		inside := ix0 >= 0 && ix0+o.kw <= o.inW
		for ky := 0; ky < o.kh; ky++ {
			dst := row[ky*span : (ky+1)*span]
			iy := oy*o.sh + ky - o.padT
			switch {
			case iy < 0 || iy >= o.inH:
				clear(dst)
			case inside:
				off := (iy*o.inW + ix0) * c
				copy(dst, s.src[off:off+span])
			default:
				for kx := 0; kx < o.kw; kx++ {
					d := dst[kx*c : (kx+1)*c]
					if ix := ix0 + kx; ix < 0 || ix >= o.inW {
						clear(d)
					} else {
						copy(d, s.src[(iy*o.inW+ix)*c:])
					}
				}
			}
		}
	}
}

// poolOp is MaxPool over a batch-1 NHWC tensor.
type poolOp struct {
	opBase
	inH, inW, c    int
	outH, outW     int
	kh, kw, sh, sw int
	padT, padL     int
}

func (p *planner) buildMaxPool(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T", "ksize", "strides", "padding", "data_format", "explicit_paddings"); err != nil {
		return err
	}
	if err := a.checkType("T", f32); err != nil {
		return err
	}
	x := p.values[in[0]]
	if x.dt != f32 || len(x.shape) != 4 || x.shape[0] != 1 {
		return fmt.Errorf("input must be float32 NHWC with batch 1, got %s %v", x.dt, x.shape)
	}
	df, err := a.strOr("data_format", "NHWC")
	if err != nil {
		return err
	}
	if df != "NHWC" {
		return fmt.Errorf("data_format %q is not supported (only NHWC)", df)
	}
	if err := a.emptyList("explicit_paddings"); err != nil {
		return err
	}
	ks, err := a.ints("ksize")
	if err != nil {
		return err
	}
	st, err := a.ints("strides")
	if err != nil {
		return err
	}
	if len(ks) != 4 || ks[0] != 1 || ks[3] != 1 || ks[1] < 1 || ks[2] < 1 || ks[1] > 64 || ks[2] > 64 {
		return fmt.Errorf("ksize %v is not supported (want [1, kh, kw, 1])", ks)
	}
	if len(st) != 4 || st[0] != 1 || st[3] != 1 || st[1] < 1 || st[2] < 1 || st[1] > 64 || st[2] > 64 {
		return fmt.Errorf("strides %v are not supported (want [1, sh, sw, 1])", st)
	}
	pad, err := a.str("padding")
	if err != nil {
		return err
	}
	if pad != "SAME" && pad != "VALID" {
		return fmt.Errorf("padding %q is not supported (only SAME and VALID)", pad)
	}
	o := &poolOp{opBase: newBase(n), inH: x.shape[1], inW: x.shape[2], c: x.shape[3], kh: ks[1], kw: ks[2], sh: st[1], sw: st[2]}
	if o.outH, o.padT, err = outSize(o.inH, o.kh, o.sh, pad); err != nil {
		return err
	}
	if o.outW, o.padL, err = outSize(o.inW, o.kw, o.sw, pad); err != nil {
		return err
	}
	out, err := p.newValue(n.Name, 0, f32, []int{1, o.outH, o.outW, o.c})
	if err != nil {
		return err
	}
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *poolOp) bind(b binder) step {
	return &poolStep{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
}

type poolStep struct {
	o        *poolOp
	src, dst []float32
}

func (s *poolStep) run(p *pool) error {
	o := s.o
	p.parallel(o.outH, max(1, elemMinBlocks*elemBlock/(o.outW*o.c*o.kh*o.kw)), s)
	return nil
}

// chunk computes output rows [lo, hi).
func (s *poolStep) chunk(_, lo, hi int) {
	o := s.o
	c := o.c
	negInf := float32(math.Inf(-1))
	for oy := lo; oy < hi; oy++ {
		for ox := 0; ox < o.outW; ox++ {
			out := s.dst[(oy*o.outW+ox)*c : (oy*o.outW+ox+1)*c]
			for i := range out {
				out[i] = negInf
			}
			for ky := 0; ky < o.kh; ky++ {
				iy := oy*o.sh + ky - o.padT
				if iy < 0 || iy >= o.inH {
					continue
				}
				for kx := 0; kx < o.kw; kx++ {
					ix := ox*o.sw + kx - o.padL
					if ix < 0 || ix >= o.inW {
						continue
					}
					in := s.src[(iy*o.inW+ix)*c : (iy*o.inW+ix+1)*c]
					in = in[:len(out)]
					for i, v := range in {
						if v > out[i] {
							out[i] = v
						}
					}
				}
			}
		}
	}
}

// padOp is Pad with zeros (any rank, either dtype).
type padOp struct {
	opBase
	dt            dtype
	inShape       []int
	before, after []int
	outStrides    []int
}

func (p *planner) buildPad(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("T", "Tpaddings"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if err := a.checkType("Tpaddings", i32); err != nil {
		return err
	}
	pads, err := p.constInts(in[1], "the paddings")
	if err != nil {
		return err
	}
	r := len(x.shape)
	if ps := p.values[in[1]].shape; len(ps) != 2 || ps[0] != r || ps[1] != 2 {
		return fmt.Errorf("paddings shape %v does not match input rank %d", ps, r)
	}
	o := &padOp{opBase: newBase(n), dt: x.dt, inShape: x.shape, before: make([]int, r), after: make([]int, r)}
	outShape := make([]int, r)
	for i := 0; i < r; i++ {
		b, e := pads[2*i], pads[2*i+1]
		if b < 0 || e < 0 || b > maxDim || e > maxDim {
			return fmt.Errorf("paddings %v are not supported (only non-negative)", pads)
		}
		o.before[i], o.after[i] = b, e
		outShape[i] = x.shape[i] + b + e
	}
	out, err := p.newValue(n.Name, 0, x.dt, outShape)
	if err != nil {
		return err
	}
	o.outStrides = stridesOf(outShape)
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *padOp) bind(b binder) step {
	if o.dt == f32 {
		return &padStep[float32]{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
	}
	return &padStep[int32]{o: o, src: b.i32(o.in[0]), dst: b.i32(o.out[0])}
}

type padStep[T float32 | int32] struct {
	o        *padOp
	src, dst []T
}

func (s *padStep[T]) run(*pool) error {
	o := s.o
	clear(s.dst)
	r := len(o.inShape)
	if r == 0 {
		s.dst[0] = s.src[0]
		return nil
	}
	row := o.inShape[r-1]
	var idx [maxRank]int
	for src := 0; src < len(s.src); src += row {
		off := o.before[r-1]
		for d := 0; d < r-1; d++ {
			off += (idx[d] + o.before[d]) * o.outStrides[d]
		}
		copy(s.dst[off:off+row], s.src[src:src+row])
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < o.inShape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}

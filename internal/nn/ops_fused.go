package nn

import "github.com/kneetrack/kneetrack/internal/nn/kernel"

// expandDWOp is a 1×1 convolution (the "expansion" of an inverted residual
// block) whose output only a depthwise convolution reads, run as one op.
// The expanded tensor is the largest of the block: MoveNet-thunder's first
// one is 128×128×192, 12.6 MB, written by the GEMM and read back by the
// depthwise convolution, both limited by memory bandwidth. Fused, the
// expansion is computed a band of rows at a time into a buffer that stays
// in L2 and is consumed by the depthwise convolution at once; the band
// slides down the image, so each expanded row is computed once (rows
// shared by two goroutines' ranges are computed by both). Every value is
// computed by the same kernels in the same order as unfused.
type expandDWOp struct {
	opBase
	ex, dw  *convOp
	bufRows int // rows of the expanded tensor one band buffer holds
}

// A band is bandOverlap times as many output rows as rows shared by
// consecutive bands (kh − sh: 2 for a 3×3 stride-1 filter, 1 at stride 2),
// so that moving the shared rows costs little next to computing the rest,
// but at least bandMinBytes: 0.6–0.9 MB for the pose models' fused
// layers, within L2 (2 MB per core on the machines measured).
const (
	bandOverlap  = 4
	bandMinBytes = 256 << 10
)

// fuseMinBytes is the smallest expanded tensor worth fusing: smaller ones
// largely stay in cache between the two ops anyway, and the measured gain
// vanishes.
const fuseMinBytes = 2 << 20

func (o *expandDWOp) macs() int64 { return o.ex.macs() + o.dw.macs() }

func (o *expandDWOp) scratchElems(threads int) int {
	return max(1, threads) * o.bufRows * o.ex.outW * o.ex.outC
}

// fuseExpandDepthwise replaces each direct (1×1, stride 1) GEMM
// convolution whose output, at least fuseMinBytes, is read only by a
// depthwise convolution with an expandDWOp.
func fuseExpandDepthwise(values []*value, ops []op, outputs []int) []op {
	cnt := consumers(values, ops, outputs)
	byOut := map[int]*convOp{}
	for _, o := range ops {
		if c, ok := o.(*convOp); ok && c.direct() && c.res < 0 {
			byOut[c.out[0]] = c
		}
	}
	fused := map[op]op{} // depthwise op → its replacement; expansion → nil
	for _, o := range ops {
		dw, ok := o.(*convOp)
		if !ok || !dw.depthwise || values[dw.in[0]].alias >= 0 {
			continue
		}
		e := dw.in[0]
		ex := byOut[e]
		if ex == nil || cnt[e] != 1 || 4*values[e].n < fuseMinBytes {
			continue
		}
		rowBytes := 4 * ex.outW * ex.outC
		band := max(1, bandOverlap*(dw.kh-dw.sh))
		f := &expandDWOp{opBase: opBase{node: dw.node, kind: "Conv2D+DepthwiseConv2dNative"}, ex: ex, dw: dw,
			bufRows: max((band-1)*dw.sh+dw.kh, bandMinBytes/rowBytes)}
		f.reads(ex.in[0])
		f.writes(dw.out[0])
		values[e].fusedInto = dw.node
		fused[dw] = f
		fused[ex] = nil
	}
	out := ops[:0:0]
	for _, o := range ops {
		if f, ok := fused[o]; ok {
			if f != nil {
				out = append(out, f)
			}
			continue
		}
		out = append(out, o)
	}
	return out
}

func (o *expandDWOp) bind(b binder) step {
	s := &expandDWStep{o: o, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
	per := o.bufRows * o.ex.outW * o.ex.outC
	scratch := b.scratch()
	for i := 0; i+per <= len(scratch); i += per {
		s.bufs = append(s.bufs, scratch[i:i+per:i+per])
	}
	d := o.dw
	s.dw = kernel.DepthwiseParams{InH: d.inH, InW: d.inW, C: d.inC, OutH: d.outH, OutW: d.outW,
		KH: d.kh, KW: d.kw, StrideH: d.sh, StrideW: d.sw, PadTop: d.padT, PadLeft: d.padL, Filter: d.filter,
		Bias: d.bias, Act: d.act}
	return s
}

type expandDWStep struct {
	o        *expandDWOp
	src, dst []float32
	bufs     [][]float32 // one band buffer per worker
	dw       kernel.DepthwiseParams
}

func (s *expandDWStep) run(p *pool) error {
	ex, dw := s.o.ex, s.o.dw
	perRow := int64(dw.sh)*int64(ex.outW*ex.outC*ex.inC) + int64(dw.outW*dw.outC*dw.kh*dw.kw)
	p.parallel(dw.outH, int(max(1, minPieceMACs/perRow)), s)
	return nil
}

// chunk computes depthwise output rows [lo, hi) on worker w's buffer.
func (s *expandDWStep) chunk(w, lo, hi int) {
	ex, dw := s.o.ex, s.o.dw
	buf := s.bufs[w]
	rowElems := ex.outW * ex.outC
	// Output rows per band: (band−1)·sh + kh input rows fit the buffer.
	band := max(1, (s.o.bufRows-dw.kh)/dw.sh+1)
	have0, have1 := 0, 0 // expanded rows held, from buf[0]
	for oy := lo; oy < hi; oy += band {
		oy1 := min(oy+band, hi)
		n0 := max(0, oy*dw.sh-dw.padT)
		n1 := max(n0, min(dw.inH, (oy1-1)*dw.sh-dw.padT+dw.kh))
		// Keep the rows the previous band computed that this one needs
		// (bands move down, so they are the buffer's last rows).
		start := n0
		if n0 >= have0 && n0 < have1 {
			copy(buf, buf[(n0-have0)*rowElems:(have1-have0)*rowElems])
			start = have1
		}
		if start < n1 {
			kernel.GemmPacked((n1-start)*ex.outW, s.src[start*ex.outW*ex.inC:], ex.inC, ex.packed,
				buf[(start-n0)*rowElems:], ex.outC, ex.bias, ex.act)
		}
		have0, have1 = n0, n1
		// The buffer holds rows [n0, n1) of the expanded image: shift the
		// depthwise convolution's view by n0 rows.
		p := s.dw
		p.InH, p.PadTop = n1-n0, dw.padT+n0
		kernel.DepthwiseRows(s.dst, buf, &p, oy, oy1)
	}
}

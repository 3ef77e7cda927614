package nn

import (
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/nn/kernel"
)

// binKind is an elementwise binary operation.
type binKind uint8

const (
	binAdd binKind = iota
	binSub
	binMul
	binDiv
	binSqDiff
	binFloorDiv
)

var binKinds = map[string]binKind{
	"AddV2": binAdd, "Sub": binSub, "Mul": binMul, "RealDiv": binDiv,
	"SquaredDifference": binSqDiff, "FloorDiv": binFloorDiv,
}

// binaryOp is an elementwise binary op with NumPy broadcasting. At plan time
// the broadcast is reduced to the fewest dimensions: size-1 output
// dimensions are dropped and neighbours that step through both operands in
// the same way are merged, so the innermost loop runs over a contiguous (or
// constant) stretch of each operand.
type binaryOp struct {
	opBase
	kind   binKind
	dt     dtype
	act    kernel.Act // a Relu or Relu6 that followed the op, fused in
	dims   []int      // collapsed output dimensions (at least one)
	sa, sb []int      // element strides of a and b per collapsed dimension (0 = broadcast)
}

func (p *planner) buildBinary(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("T"); err != nil {
		return err
	}
	x, y := p.values[in[0]], p.values[in[1]]
	if x.dt != y.dt {
		return fmt.Errorf("input types differ: %v and %v", x.dt, y.dt)
	}
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	kind := binKinds[n.Op]
	if x.dt == i32 && (kind == binDiv || kind == binSqDiff) {
		return fmt.Errorf("%s on int32 is not supported", n.Op)
	}
	shape, err := broadcastShape(x.shape, y.shape)
	if err != nil {
		return err
	}
	out, err := p.newValue(n.Name, 0, x.dt, shape)
	if err != nil {
		return err
	}
	o := &binaryOp{opBase: newBase(n), kind: kind, dt: x.dt}
	o.dims, o.sa, o.sb = collapseBroadcast(shape, x.shape, y.shape)
	o.reads(in[0], in[1])
	o.writes(out)
	return p.emit(o)
}

// collapseBroadcast computes the reduced iteration space of a broadcast.
func collapseBroadcast(out, a, b []int) (dims, sa, sb []int) {
	stridesIn := func(s []int) []int {
		st := make([]int, len(out))
		full := stridesOf(s)
		for i := range out {
			j := len(s) - len(out) + i
			if j >= 0 && s[j] != 1 {
				st[i] = full[j]
			}
		}
		return st
	}
	fa, fb := stridesIn(a), stridesIn(b)
	for i, d := range out {
		if d == 1 {
			continue
		}
		k := len(dims) - 1
		if k >= 0 && sa[k] == fa[i]*d && sb[k] == fb[i]*d {
			dims[k] *= d
			sa[k], sb[k] = fa[i], fb[i]
			continue
		}
		dims = append(dims, d)
		sa = append(sa, fa[i])
		sb = append(sb, fb[i])
	}
	if len(dims) == 0 {
		return []int{1}, []int{0}, []int{0}
	}
	return dims, sa, sb
}

func (o *binaryOp) bind(b binder) step {
	if o.dt == f32 {
		dst := b.f32(o.out[0])
		s := &binaryStep[float32]{o: o, a: b.f32(o.in[0]), b: b.f32(o.in[1]), dst: dst, fdst: dst}
		s.plan()
		return s
	}
	s := &binaryStep[int32]{o: o, a: b.i32(o.in[0]), b: b.i32(o.in[1]), dst: b.i32(o.out[0])}
	s.plan()
	return s
}

// How a binary op walks its operands.
const (
	binGeneral  = iota // any broadcast: nested loops over the collapsed dimensions
	binFlat            // each operand dense or a single value
	binPeriodic        // one operand dense, the other a vector repeated along it
)

// elemBlock is the number of elements one piece of a parallel elementwise
// op covers; elemMinBlocks pieces' worth of work stay on one goroutine.
const (
	elemBlock     = 4096
	elemMinBlocks = 4
)

type binaryStep[T float32 | int32] struct {
	o    *binaryOp
	a, b []T
	dst  []T
	fdst []float32 // dst again when T is float32, for the fused activation

	mode   int
	ia, ib int // binFlat: element steps of a and b (0 or 1)
	// binPeriodic: the repeated vector (period elements of a or of b,
	// which tiledA says) is copied into tile until it is about elemBlock
	// long, so that pieces run long contiguous loops.
	period int
	tiledA bool
	tile   []T
}

// plan picks the walking mode (at bind time; it may allocate).
func (s *binaryStep[T]) plan() {
	o := s.o
	d, sa, sb := o.dims, o.sa, o.sb
	switch {
	case len(d) == 1 && sa[0] <= 1 && sb[0] <= 1:
		s.mode, s.ia, s.ib = binFlat, sa[0], sb[0]
	case len(d) == 2 && sa[1] == 1 && sb[1] == 1 && (sa[0] == d[1] && sb[0] == 0 || sa[0] == 0 && sb[0] == d[1]):
		s.mode, s.period, s.tiledA = binPeriodic, d[1], sa[0] == 0
		s.tile = make([]T, max(1, elemBlock/s.period)*s.period)
	default:
		s.mode = binGeneral
	}
}

func (s *binaryStep[T]) run(p *pool) error {
	switch s.mode {
	case binFlat:
		n := len(s.dst)
		p.parallel((n+elemBlock-1)/elemBlock, elemMinBlocks, s)
		return nil
	case binPeriodic:
		small := s.b
		if s.tiledA {
			small = s.a
		}
		for i := 0; i < len(s.tile); i += s.period {
			copy(s.tile[i:i+s.period], small[:s.period])
		}
		n := len(s.dst)
		p.parallel((n+len(s.tile)-1)/len(s.tile), max(1, elemMinBlocks*elemBlock/len(s.tile)), s)
		return nil
	}
	inner := s.o.dims[len(s.o.dims)-1]
	rows := len(s.dst) / inner
	p.parallel(rows, max(1, elemMinBlocks*elemBlock/inner), s)
	return nil
}

// general computes rows [lo, hi) of the innermost dimension of a general
// broadcast.
func (s *binaryStep[T]) general(lo, hi int) {
	o := s.o
	r := len(o.dims)
	inner := o.dims[r-1]
	ia, ib := o.sa[r-1], o.sb[r-1]
	// The multi-index of row lo.
	var idx [maxRank]int
	for d, rest := r-2, lo; d >= 0; d-- {
		idx[d], rest = rest%o.dims[d], rest/o.dims[d]
	}
	for off := lo * inner; off < hi*inner; off += inner {
		offA, offB := 0, 0
		for d := 0; d < r-1; d++ {
			offA += idx[d] * o.sa[d]
			offB += idx[d] * o.sb[d]
		}
		binRun(o.kind, s.dst[off:off+inner], s.a[offA:], s.b[offB:], ia, ib)
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < o.dims[d] {
				break
			}
			idx[d] = 0
		}
	}
	if s.fdst != nil {
		applyAct(s.fdst[lo*inner:hi*inner], o.act)
	}
}

// chunk computes blocks [lo, hi) of a flat or periodic op, rows of a
// general one.
func (s *binaryStep[T]) chunk(_, lo, hi int) {
	if s.mode == binGeneral {
		s.general(lo, hi)
		return
	}
	kind := s.o.kind
	block := elemBlock
	if s.mode == binPeriodic {
		block = len(s.tile)
	}
	n := len(s.dst)
	start, end := lo*block, min(hi*block, n)
	switch s.mode {
	case binFlat:
		binRun(kind, s.dst[start:end], s.a[start*s.ia:], s.b[start*s.ib:], s.ia, s.ib)
	case binPeriodic:
		for i := start; i < end; i += block {
			j := min(i+block, end)
			if s.tiledA {
				binRun(kind, s.dst[i:j], s.tile, s.b[i:], 1, 1)
			} else {
				binRun(kind, s.dst[i:j], s.a[i:], s.tile, 1, 1)
			}
		}
	}
	if s.fdst != nil {
		applyAct(s.fdst[start:end], s.o.act)
	}
}

// applyAct applies a fused activation in place.
func applyAct(x []float32, act kernel.Act) {
	switch act {
	case kernel.ActRelu:
		for i, v := range x {
			x[i] = max(v, 0)
		}
	case kernel.ActRelu6:
		for i, v := range x {
			x[i] = min(max(v, 0), 6)
		}
	}
}

// binRun applies kind to a stretch: dst[j] = a[j·ia] ∘ b[j·ib], with ia and
// ib each 0 or 1. Float32 Add/Sub/Mul/Div have dedicated loops; the rest go
// through binElem.
func binRun[T float32 | int32](kind binKind, dst, a, b []T, ia, ib int) {
	switch {
	case ia == 1 && ib == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		switch kind {
		case binAdd:
			for j := range dst {
				dst[j] = a[j] + b[j]
			}
			return
		case binSub:
			for j := range dst {
				dst[j] = a[j] - b[j]
			}
			return
		case binMul:
			for j := range dst {
				dst[j] = a[j] * b[j]
			}
			return
		case binDiv:
			for j := range dst {
				dst[j] = a[j] / b[j]
			}
			return
		}
	case ia == 1 && ib == 0:
		a = a[:len(dst)]
		y := b[0]
		switch kind {
		case binAdd:
			for j := range dst {
				dst[j] = a[j] + y
			}
			return
		case binSub:
			for j := range dst {
				dst[j] = a[j] - y
			}
			return
		case binMul:
			for j := range dst {
				dst[j] = a[j] * y
			}
			return
		}
	}
	if kind == binSqDiff { // float32 only (int32 is rejected at load)
		for j := range dst {
			d := float64(a[j*ia]) - float64(b[j*ib])
			dst[j] = T(d * d)
		}
		return
	}
	for j := range dst {
		dst[j] = binElem(kind, a[j*ia], b[j*ib])
	}
}

// binElem computes one element the way TF.js's cpu backend does: in float64
// arithmetic rounded once to float32 (identical to float32 arithmetic for a
// single +, −, ×, ÷), and for int32 floor division with a zero divisor
// giving 0 instead of a fault.
func binElem[T float32 | int32](kind binKind, x, y T) T {
	switch kind {
	case binAdd:
		return x + y
	case binSub:
		return x - y
	case binMul:
		return x * y
	case binDiv:
		return x / y
	case binSqDiff:
		d := float64(x) - float64(y)
		return T(d * d)
	case binFloorDiv:
		isInt := T(1)/T(2) == 0
		if isInt && y == 0 {
			return 0
		}
		q := math.Floor(float64(x) / float64(y))
		if isInt && q > math.MaxInt32 {
			return T(math.MinInt32) // only MinInt32 / -1 gets here: wrap like int32 arithmetic
		}
		return T(q)
	}
	return 0
}

// unaryOp is an elementwise float32 function.
type unaryOp struct {
	opBase
	fn string
}

func (p *planner) buildUnary(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if x.dt != f32 {
		return fmt.Errorf("%s on %v is not supported (only float32)", n.Op, x.dt)
	}
	if err := a.checkType("T", f32); err != nil {
		return err
	}
	out, err := p.newValue(n.Name, 0, f32, cloneShape(x.shape))
	if err != nil {
		return err
	}
	o := &unaryOp{opBase: newBase(n), fn: n.Op}
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *unaryOp) bind(b binder) step {
	return &unaryStep{fn: o.fn, src: b.f32(o.in[0]), dst: b.f32(o.out[0])}
}

type unaryStep struct {
	fn       string
	src, dst []float32
}

func (s *unaryStep) run(p *pool) error {
	grain := elemMinBlocks
	if s.fn == "Sqrt" {
		grain = 1 // several times the work per element
	}
	p.parallel((len(s.dst)+elemBlock-1)/elemBlock, grain, s)
	return nil
}

func (s *unaryStep) chunk(_, lo, hi int) {
	start, end := lo*elemBlock, min(hi*elemBlock, len(s.dst))
	dst, src := s.dst[start:end], s.src[start:end]
	switch s.fn {
	case "Relu":
		for i, v := range src {
			dst[i] = max(v, 0)
		}
	case "Relu6":
		for i, v := range src {
			dst[i] = min(max(v, 0), 6)
		}
	case "Sigmoid":
		kernel.Sigmoid(dst, src)
	case "Sqrt":
		for i, v := range src {
			dst[i] = float32(math.Sqrt(float64(v)))
		}
	}
}

// castOp converts between int32 and float32.
type castOp struct {
	opBase
	from, to dtype
}

func (p *planner) buildCast(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("SrcT", "DstT", "Truncate"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("SrcT", x.dt); err != nil {
		return err
	}
	to, err := a.dtype("DstT")
	if err != nil {
		return err
	}
	if to == dtInvalid {
		return fmt.Errorf("attribute \"DstT\" is missing")
	}
	if to == x.dt {
		return p.newAlias(n.Name, in[0], cloneShape(x.shape))
	}
	out, err := p.newValue(n.Name, 0, to, cloneShape(x.shape))
	if err != nil {
		return err
	}
	o := &castOp{opBase: newBase(n), from: x.dt, to: to}
	o.reads(in[0])
	o.writes(out)
	return p.emit(o)
}

func (o *castOp) bind(b binder) step {
	if o.from == i32 {
		return &castStep{fromI: b.i32(o.in[0]), toF: b.f32(o.out[0])}
	}
	return &castStep{fromF: b.f32(o.in[0]), toI: b.i32(o.out[0])}
}

type castStep struct {
	fromI []int32
	fromF []float32
	toI   []int32
	toF   []float32
}

func (s *castStep) run(p *pool) error {
	n := len(s.toF) + len(s.toI)
	p.parallel((n+elemBlock-1)/elemBlock, elemMinBlocks, s)
	return nil
}

func (s *castStep) chunk(_, lo, hi int) {
	if s.toF != nil {
		start, end := lo*elemBlock, min(hi*elemBlock, len(s.toF))
		dst := s.toF[start:end]
		for i, v := range s.fromI[start:end] {
			dst[i] = float32(v)
		}
		return
	}
	start, end := lo*elemBlock, min(hi*elemBlock, len(s.toI))
	dst := s.toI[start:end]
	for i, v := range s.fromF[start:end] {
		dst[i] = truncInt32(v)
	}
}

// truncInt32 converts toward zero, saturating out-of-range values and
// mapping NaN to 0, so no input has implementation-defined behaviour.
func truncInt32(v float32) int32 {
	switch {
	case v != v:
		return 0
	case v >= math.MaxInt32:
		return math.MaxInt32
	case v <= math.MinInt32:
		return math.MinInt32
	}
	return int32(v)
}

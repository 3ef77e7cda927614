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
		return &binaryStep[float32]{o: o, a: b.f32(o.in[0]), b: b.f32(o.in[1]), dst: dst, fdst: dst}
	}
	return &binaryStep[int32]{o: o, a: b.i32(o.in[0]), b: b.i32(o.in[1]), dst: b.i32(o.out[0])}
}

type binaryStep[T float32 | int32] struct {
	o       *binaryOp
	a, b    []T
	dst     []T
	fdst    []float32 // dst again when T is float32, for the fused activation
	counter [maxRank]int
}

func (s *binaryStep[T]) run(*pool) error {
	o := s.o
	r := len(o.dims)
	inner := o.dims[r-1]
	ia, ib := o.sa[r-1], o.sb[r-1]
	idx := &s.counter
	clear(idx[:])
	for off := 0; off < len(s.dst); off += inner {
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
	if s.fdst != nil && o.act != kernel.ActNone {
		kernel.BiasAct(s.fdst, nil, o.act)
	}
	return nil
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

func (s *unaryStep) run(*pool) error {
	src := s.src[:len(s.dst)]
	switch s.fn {
	case "Relu":
		for i, v := range src {
			s.dst[i] = max(v, 0)
		}
	case "Relu6":
		for i, v := range src {
			s.dst[i] = min(max(v, 0), 6)
		}
	case "Sigmoid":
		for i, v := range src {
			s.dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case "Sqrt":
		for i, v := range src {
			s.dst[i] = float32(math.Sqrt(float64(v)))
		}
	}
	return nil
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

func (s *castStep) run(*pool) error {
	if s.toF != nil {
		for i, v := range s.fromI[:len(s.toF)] {
			s.toF[i] = float32(v)
		}
		return nil
	}
	for i, v := range s.fromF[:len(s.toI)] {
		s.toI[i] = truncInt32(v)
	}
	return nil
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

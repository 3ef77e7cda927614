package nn

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// value is one tensor of the planned graph: a node's output. Its data is
// either known at load time (a weight, or folded from constants) or lives in
// a Runner's arena.
type value struct {
	name  string // "node" for output 0, "node:i" for output i > 0
	node  string
	dt    dtype
	shape []int
	n     int // element count

	konst bool
	cf    []float32 // constant data (dt == f32)
	ci    []int32   // constant data (dt == i32)

	// alias is the value whose storage this one shares (Reshape, Identity,
	// ExpandDims, Squeeze are views), always a root (alias == -1 there).
	alias int
	// fusedInto names the node this value's producer was merged into, when
	// the value no longer exists at run time.
	fusedInto string
}

// op is a planned operation: it reads values in and writes values out.
type op interface {
	base() *opBase
	// bind attaches the op to concrete buffers and returns its runnable form.
	bind(b binder) step
	// macs counts multiply-accumulates per run (0 for non-arithmetic ops).
	macs() int64
	// scratchElems is the float32 scratch the op needs (im2col, band
	// buffers) when it runs on up to threads goroutines.
	scratchElems(threads int) int
}

// opBase holds what every op shares.
type opBase struct {
	node string
	kind string
	in   []int
	out  []int
}

func (o *opBase) base() *opBase        { return o }
func (o *opBase) macs() int64          { return 0 }
func (o *opBase) scratchElems(int) int { return 0 }

// newBase starts the opBase of node n.
func newBase(n *nodeDef) opBase { return opBase{node: n.Name, kind: n.Op} }

// step is an op bound to buffers; run executes it once.
type step interface {
	run(p *pool) error
}

// binder resolves value ids to buffers while binding ops.
type binder interface {
	f32(v int) []float32
	i32(v int) []int32
	scratch() []float32
}

// planner turns the validated node list into values and ops.
type planner struct {
	values   []*value
	byName   map[string]int // "node" and "node:i" -> value id
	ops      []op
	weights  map[string]*constant
	folded   int64 // bytes of constants computed while planning
	foldWork int64 // arithmetic spent on them
}

// valueName is the canonical name of output idx of node.
func valueName(node string, idx int) string {
	if idx == 0 {
		return node
	}
	return node + ":" + strconv.Itoa(idx)
}

// newValue registers output idx of node.
func (p *planner) newValue(node string, idx int, dt dtype, shape []int) (int, error) {
	n, err := numElems(shape)
	if err != nil {
		return 0, err
	}
	id := len(p.values)
	p.values = append(p.values, &value{name: valueName(node, idx), node: node, dt: dt, shape: shape, n: n, alias: -1})
	p.byName[valueName(node, idx)] = id
	if idx == 0 {
		p.byName[node+":0"] = id
	}
	return id, nil
}

// newConst registers a constant output 0 of node.
func (p *planner) newConst(node string, c *constant) (int, error) {
	id, err := p.newValue(node, 0, c.dt, c.shape)
	if err != nil {
		return 0, err
	}
	v := p.values[id]
	v.konst, v.cf, v.ci = true, c.f, c.i
	return id, nil
}

// newAlias registers output 0 of node as a view of src with another shape.
func (p *planner) newAlias(node string, src int, shape []int) error {
	s := p.values[src]
	id, err := p.newValue(node, 0, s.dt, shape)
	if err != nil {
		return err
	}
	v := p.values[id]
	if v.n != s.n {
		return fmt.Errorf("cannot view %v (%d elements) as %v (%d elements)", s.shape, s.n, shape, v.n)
	}
	if s.konst {
		v.konst, v.cf, v.ci = true, s.cf, s.ci
		return nil
	}
	v.alias = src
	if s.alias >= 0 {
		v.alias = s.alias
	}
	return nil
}

// emit adds an op to the schedule, or runs it at once when all its inputs
// are constants (constant folding: the int32 shape arithmetic of the
// detector, and anything else that does not depend on the model input).
func (p *planner) emit(o op) error {
	b := o.base()
	for _, v := range b.in {
		if !p.values[v].konst {
			p.ops = append(p.ops, o)
			return nil
		}
	}
	p.foldWork += opWork(o, p.values)
	if p.foldWork > maxFoldWork {
		return fmt.Errorf("constant folding would take more than %d operations", int64(maxFoldWork))
	}
	fb := &foldBinder{p: p, f: map[int][]float32{}, i: map[int][]int32{}}
	for _, v := range b.out {
		val := p.values[v]
		p.folded += int64(val.n) * 4
		if p.folded > maxFoldedBytes {
			return fmt.Errorf("constant folding would need more than %d bytes", maxFoldedBytes)
		}
		if val.dt == f32 {
			fb.f[v] = make([]float32, val.n)
		} else {
			fb.i[v] = make([]int32, val.n)
		}
	}
	if n := o.scratchElems(1); n > 0 {
		fb.s = make([]float32, n)
	}
	if err := o.bind(fb).run(nil); err != nil {
		return fmt.Errorf("folding constants: %w", err)
	}
	for _, v := range b.out {
		val := p.values[v]
		val.konst, val.cf, val.ci = true, fb.f[v], fb.i[v]
	}
	return nil
}

// opWork estimates the arithmetic one run of o costs: multiply-accumulates
// for convolutions, window visits for pooling, and elements touched for the
// rest. It bounds the work of constant folding (and of fuzzing).
func opWork(o op, values []*value) int64 {
	switch o := o.(type) {
	case *convOp:
		return o.macs()
	case *poolOp:
		return int64(o.outH) * int64(o.outW) * int64(o.c) * int64(o.kh) * int64(o.kw)
	}
	w := int64(0)
	for _, v := range o.base().in {
		w += int64(values[v].n)
	}
	for _, v := range o.base().out {
		w += int64(values[v].n)
	}
	return w
}

// foldBinder serves constant inputs and fresh outputs to an op folded at
// load time.
type foldBinder struct {
	p *planner
	f map[int][]float32
	i map[int][]int32
	s []float32
}

func (b *foldBinder) f32(v int) []float32 {
	if d, ok := b.f[v]; ok {
		return d
	}
	return b.p.values[v].cf
}

func (b *foldBinder) i32(v int) []int32 {
	if d, ok := b.i[v]; ok {
		return d
	}
	return b.p.values[v].ci
}

func (b *foldBinder) scratch() []float32 { return b.s }

// constInts returns the int32 constant v as ints, or an error naming what
// it is for when v is not a load-time constant.
func (p *planner) constInts(v int, what string) ([]int, error) {
	val := p.values[v]
	if !val.konst || val.dt != i32 {
		return nil, fmt.Errorf("%s must be an int32 constant (computable at load time), got %s %v", what, val.dt, val.shape)
	}
	out := make([]int, len(val.ci))
	for i, x := range val.ci {
		out[i] = int(x)
	}
	return out, nil
}

// constScalar returns the int32 constant v, which must hold one element.
func (p *planner) constScalar(v int, what string) (int, error) {
	xs, err := p.constInts(v, what)
	if err != nil {
		return 0, err
	}
	if len(xs) != 1 {
		return 0, fmt.Errorf("%s must be a single integer, got shape %v", what, p.values[v].shape)
	}
	return xs[0], nil
}

// constF32 returns the float32 constant v.
func (p *planner) constF32(v int, what string) ([]float32, error) {
	val := p.values[v]
	if !val.konst || val.dt != f32 {
		return nil, fmt.Errorf("%s must be a float32 constant, got %s %v", what, val.dt, val.shape)
	}
	return val.cf, nil
}

// parsedInput is one entry of a node's input list.
type parsedInput struct {
	node    string
	idx     int
	control bool
}

func parseInput(s string) (parsedInput, error) {
	if s == "" {
		return parsedInput{}, fmt.Errorf("empty input name")
	}
	if strings.HasPrefix(s, "^") {
		return parsedInput{node: s[1:], control: true}, nil
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		k, err := strconv.Atoi(s[i+1:])
		if err == nil {
			if k < 0 || k > 1<<16 {
				return parsedInput{}, fmt.Errorf("input %q: output index out of range", s)
			}
			return parsedInput{node: s[:i], idx: k}, nil
		}
	}
	return parsedInput{node: s}, nil
}

// topoSort orders nodes so every node follows its data inputs. It rejects
// duplicate names, inputs naming no node, and cycles.
func topoSort(nodes []nodeDef) ([]*nodeDef, [][]parsedInput, error) {
	if len(nodes) > maxNodes {
		return nil, nil, fmt.Errorf("graph has %d nodes, more than the supported %d", len(nodes), maxNodes)
	}
	index := make(map[string]int, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		if n.Name == "" {
			return nil, nil, fmt.Errorf("node %d has no name", i)
		}
		if strings.ContainsAny(n.Name, ":^") {
			return nil, nil, fmt.Errorf("node name %q contains ':' or '^'", n.Name)
		}
		if _, dup := index[n.Name]; dup {
			return nil, nil, fmt.Errorf("node %q is defined twice", n.Name)
		}
		index[n.Name] = i
	}
	ins := make([][]parsedInput, len(nodes))
	indeg := make([]int, len(nodes))
	users := make([][]int, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		for _, s := range n.Input {
			in, err := parseInput(s)
			if err != nil {
				return nil, nil, fmt.Errorf("node %q (%s): %w", n.Name, n.Op, err)
			}
			j, ok := index[in.node]
			if !ok {
				return nil, nil, fmt.Errorf("node %q (%s): input %q refers to a node that does not exist", n.Name, n.Op, s)
			}
			if in.control {
				continue // ordering only; the runtime executes in data order
			}
			ins[i] = append(ins[i], in)
			indeg[i]++
			users[j] = append(users[j], i)
		}
	}
	order := make([]*nodeDef, 0, len(nodes))
	orderIns := make([][]parsedInput, 0, len(nodes))
	queue := make([]int, 0, len(nodes))
	for i := range nodes {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order = append(order, &nodes[i])
		orderIns = append(orderIns, ins[i])
		for _, u := range users[i] {
			indeg[u]--
			if indeg[u] == 0 {
				queue = append(queue, u)
			}
		}
	}
	if len(order) != len(nodes) {
		var stuck []string
		for i := range nodes {
			if indeg[i] > 0 {
				stuck = append(stuck, nodes[i].Name)
			}
		}
		sort.Strings(stuck)
		if len(stuck) > 3 {
			stuck = append(stuck[:3], "...")
		}
		return nil, nil, fmt.Errorf("graph has a cycle through node(s) %s", strings.Join(stuck, ", "))
	}
	return order, orderIns, nil
}

// addNode plans one node whose inputs are already planned.
func (p *planner) addNode(n *nodeDef, pins []parsedInput) error {
	in := make([]int, len(pins))
	for k, pi := range pins {
		id, ok := p.byName[valueName(pi.node, pi.idx)]
		if !ok {
			return fmt.Errorf("input %d: node %q has no output %d", k, pi.node, pi.idx)
		}
		in[k] = id
	}
	a := attrs(n.Attr)
	switch n.Op {
	case "Const":
		return p.buildConst(n, a, in)
	case "Placeholder":
		return p.buildPlaceholder(n, a, in)
	case "Identity":
		return p.buildIdentity(n, a, in)
	case "Reshape":
		return p.buildReshape(n, a, in)
	case "ExpandDims":
		return p.buildExpandDims(n, a, in)
	case "Squeeze":
		return p.buildSqueeze(n, a, in)
	case "Shape":
		return p.buildShape(n, a, in)
	case "Conv2D", "_FusedConv2D":
		return p.buildConv(n, a, in)
	case "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative":
		return p.buildDepthwise(n, a, in)
	case "MaxPool":
		return p.buildMaxPool(n, a, in)
	case "Pad":
		return p.buildPad(n, a, in)
	case "ResizeBilinear":
		return p.buildResize(n, a, in)
	case "DepthToSpace":
		return p.buildDepthToSpace(n, a, in)
	case "AddV2", "Sub", "Mul", "RealDiv", "SquaredDifference", "FloorDiv":
		return p.buildBinary(n, a, in)
	case "Relu", "Relu6", "Sigmoid", "Sqrt":
		return p.buildUnary(n, a, in)
	case "Cast":
		return p.buildCast(n, a, in)
	case "ConcatV2":
		return p.buildConcat(n, a, in)
	case "Pack":
		return p.buildPack(n, a, in)
	case "Unpack":
		return p.buildUnpack(n, a, in)
	case "StridedSlice":
		return p.buildStridedSlice(n, a, in)
	case "GatherNd":
		return p.buildGatherNd(n, a, in)
	case "ArgMax":
		return p.buildArgMax(n, a, in)
	}
	return fmt.Errorf("op %q is not supported by the runtime", n.Op)
}

// wantInputs checks the number of data inputs.
func wantInputs(in []int, n int) error {
	if len(in) != n {
		return fmt.Errorf("expects %d inputs, has %d", n, len(in))
	}
	return nil
}

func (p *planner) buildConst(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 0); err != nil {
		return err
	}
	if err := a.only("dtype", "value"); err != nil {
		return err
	}
	c, ok := p.weights[n.Name]
	if !ok {
		return fmt.Errorf("constant has no entry in the weights manifest")
	}
	if v, ok := a["value"]; ok && v.Tensor != nil {
		if v.Tensor.Dtype != "" {
			dt, err := parseDType(v.Tensor.Dtype)
			if err != nil {
				return err
			}
			if dt != c.dt {
				return fmt.Errorf("graph says %v but the manifest says %v", dt, c.dt)
			}
		}
		if ts := v.Tensor.TensorShape; ts != nil && !ts.UnknownRank {
			if len(ts.Dim) != len(c.shape) {
				return fmt.Errorf("graph shape has rank %d but the manifest shape is %v", len(ts.Dim), c.shape)
			}
			for i, d := range ts.Dim {
				if int64(d.Size) != int64(c.shape[i]) {
					return fmt.Errorf("graph shape dimension %d is %d but the manifest shape is %v", i, int64(d.Size), c.shape)
				}
			}
		}
	}
	_, err := p.newConst(n.Name, c)
	return err
}

func (p *planner) buildPlaceholder(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 0); err != nil {
		return err
	}
	if err := a.only("dtype", "shape"); err != nil {
		return err
	}
	dt, err := a.dtype("dtype")
	if err != nil {
		return err
	}
	if dt == dtInvalid {
		return fmt.Errorf("attribute \"dtype\" is missing")
	}
	sv, ok := a["shape"]
	if !ok || sv.Shape == nil || sv.Shape.UnknownRank {
		return fmt.Errorf("the input shape must be given (attribute \"shape\")")
	}
	shape := make([]int, len(sv.Shape.Dim))
	for i, d := range sv.Shape.Dim {
		switch {
		case d.Size == -1 && i == 0:
			shape[i] = 1 // batch fixed to 1
		case d.Size <= 0 || d.Size > maxDim:
			return fmt.Errorf("input dimension %d is %d; only the batch dimension may be dynamic", i, int64(d.Size))
		default:
			shape[i] = int(d.Size)
		}
	}
	_, err = p.newValue(n.Name, 0, dt, shape)
	return err
}

func (p *planner) buildIdentity(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T"); err != nil {
		return err
	}
	if err := a.checkType("T", p.values[in[0]].dt); err != nil {
		return err
	}
	return p.newAlias(n.Name, in[0], cloneShape(p.values[in[0]].shape))
}

func (p *planner) buildReshape(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("T", "Tshape"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if err := a.checkType("Tshape", i32); err != nil {
		return err
	}
	dims, err := p.constInts(in[1], "the target shape")
	if err != nil {
		return err
	}
	if len(p.values[in[1]].shape) > 1 {
		return fmt.Errorf("the target shape must be a vector, got shape %v", p.values[in[1]].shape)
	}
	shape := make([]int, len(dims))
	infer := -1
	known := 1
	for i, d := range dims {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d <= 0 || d > maxDim:
			return fmt.Errorf("target shape %v has an invalid dimension", dims)
		default:
			shape[i] = d
			known *= d
			if known > maxTensorElems {
				return fmt.Errorf("target shape %v is too large", dims)
			}
		}
	}
	if infer >= 0 {
		if x.n%known != 0 {
			return fmt.Errorf("cannot reshape %v into %v", x.shape, dims)
		}
		shape[infer] = x.n / known
	}
	return p.newAlias(n.Name, in[0], shape)
}

func (p *planner) buildExpandDims(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	if err := a.only("T", "Tdim"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if err := a.checkType("Tdim", i32); err != nil {
		return err
	}
	axis, err := p.constScalar(in[1], "the axis")
	if err != nil {
		return err
	}
	axis, err = normAxis(axis, len(x.shape)+1)
	if err != nil {
		return err
	}
	shape := make([]int, 0, len(x.shape)+1)
	shape = append(shape, x.shape[:axis]...)
	shape = append(shape, 1)
	shape = append(shape, x.shape[axis:]...)
	return p.newAlias(n.Name, in[0], shape)
}

func (p *planner) buildSqueeze(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T", "squeeze_dims"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	dims, err := a.ints("squeeze_dims")
	if err != nil {
		return err
	}
	drop := make([]bool, len(x.shape))
	if len(dims) == 0 {
		for i, d := range x.shape {
			drop[i] = d == 1
		}
	}
	for _, d := range dims {
		ax, err := normAxis(d, len(x.shape))
		if err != nil {
			return err
		}
		if x.shape[ax] != 1 {
			return fmt.Errorf("cannot squeeze dimension %d of shape %v", d, x.shape)
		}
		drop[ax] = true
	}
	var shape []int
	for i, d := range x.shape {
		if !drop[i] {
			shape = append(shape, d)
		}
	}
	return p.newAlias(n.Name, in[0], shape)
}

func (p *planner) buildShape(n *nodeDef, a attrs, in []int) error {
	if err := wantInputs(in, 1); err != nil {
		return err
	}
	if err := a.only("T", "out_type"); err != nil {
		return err
	}
	x := p.values[in[0]]
	if err := a.checkType("T", x.dt); err != nil {
		return err
	}
	if err := a.checkType("out_type", i32); err != nil {
		return err
	}
	c := &constant{dt: i32, shape: []int{len(x.shape)}, i: make([]int32, len(x.shape))}
	if len(x.shape) == 0 {
		return fmt.Errorf("the shape of a scalar is not supported")
	}
	for i, d := range x.shape {
		c.i[i] = int32(d)
	}
	_, err := p.newConst(n.Name, c)
	return err
}

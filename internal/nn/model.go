// Package nn is kneetrack's pure-Go runtime for TensorFlow.js graph models:
// it loads model.json and its weights, validates and plans the graph once,
// and runs inferences in float32 NHWC with no allocation after set-up.
//
// Loading does all the checking: every node's op and attributes must be
// supported, every shape must be known (the batch is fixed to 1), weights
// must match their manifest, and memory is bounded before it is allocated.
// Anything unsupported is an error naming the node, never a panic or a
// silently different answer at run time. Planning folds every computation
// that does not depend on the input into constants, fuses explicit Pad into
// the following convolution, drops nodes that feed no output, and counts
// multiply-accumulates. A Runner then lays the remaining tensors out in one
// arena, reusing memory whose value is dead, and owns all buffers.
//
// The numeric inner loops live in package kernel; see docs/runtime.md for
// the format, the op set, numerics and tolerances, and how to add an op.
package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/kneetrack/kneetrack/internal/nn/kernel"
)

// TensorInfo describes a model input or output.
type TensorInfo struct {
	Name  string // signature key (e.g. "ld_3d"), or node name without a signature
	Shape []int  // static shape, batch fixed to 1
	DType string // "float32" or "int32"
}

// Model is a loaded, validated and planned graph. It is immutable and may be
// shared by any number of Runners.
type Model struct {
	values  []*value
	ops     []op // the schedule: what a Runner executes, in order
	byName  map[string]int
	input   int
	inInfo  TensorInfo
	outputs []outputSlot
	macs    int64
}

type outputSlot struct {
	info  TensorInfo
	value int
}

// LoadFiles reads model.json and its weights file and loads them. The
// weights file holds the manifest's shards concatenated in order (the pose
// models have a single shard).
func LoadFiles(jsonPath, binPath string) (*Model, error) {
	js, err := os.ReadFile(jsonPath)
	if err != nil {
		return nil, fmt.Errorf("reading model graph: %w", err)
	}
	bin, err := os.ReadFile(binPath)
	if err != nil {
		return nil, fmt.Errorf("reading model weights: %w", err)
	}
	m, err := Load(js, bin)
	if err != nil {
		return nil, fmt.Errorf("loading model %s: %w (for the cached pose models, 'kneetrack models verify' checks the files and 'kneetrack models pull' restores them)", jsonPath, err)
	}
	return m, nil
}

// Load parses, validates and plans a graph model from the bytes of its
// model.json and of its weights.
func Load(modelJSON, weights []byte) (*Model, error) {
	var mf modelFile
	dec := json.NewDecoder(bytes.NewReader(modelJSON))
	if err := dec.Decode(&mf); err != nil {
		return nil, fmt.Errorf("model.json is not a valid TF.js model file: %w", err)
	}
	if mf.Format != "" && mf.Format != "graph-model" {
		return nil, fmt.Errorf("model format %q is not supported (only graph-model)", mf.Format)
	}
	if len(mf.ModelTopology.Node) == 0 {
		return nil, fmt.Errorf("model.json has no graph nodes (modelTopology.node)")
	}
	consts, err := decodeWeights(mf.WeightsManifest, weights)
	if err != nil {
		return nil, err
	}
	order, ins, err := topoSort(mf.ModelTopology.Node)
	if err != nil {
		return nil, err
	}
	p := &planner{byName: map[string]int{}, weights: consts}
	for i, n := range order {
		if err := p.addNode(n, ins[i]); err != nil {
			return nil, fmt.Errorf("node %q (%s): %w", n.Name, n.Op, err)
		}
	}
	m := &Model{values: p.values, byName: p.byName}
	if err := m.findInput(order); err != nil {
		return nil, err
	}
	if err := m.findOutputs(&mf, order); err != nil {
		return nil, err
	}
	m.ops = fusePads(p.values, p.ops, m.outputValues())
	m.ops = fuseActivations(p.values, m.ops, m.outputValues())
	m.ops = fuseResiduals(p.values, m.ops, m.outputValues())
	m.ops = fuseExpandDepthwise(p.values, m.ops, m.outputValues())
	m.ops = liveOps(p.values, m.ops, m.outputValues())
	for _, o := range m.ops {
		m.macs += o.macs()
	}
	return m, nil
}

// findInput locates the single Placeholder.
func (m *Model) findInput(order []*nodeDef) error {
	var phs []string
	for _, n := range order {
		if n.Op == "Placeholder" {
			phs = append(phs, n.Name)
		}
	}
	if len(phs) != 1 {
		return fmt.Errorf("model has %d inputs (Placeholder nodes); the runtime supports exactly one", len(phs))
	}
	m.input = m.byName[phs[0]]
	v := m.values[m.input]
	m.inInfo = TensorInfo{Name: phs[0], Shape: cloneShape(v.shape), DType: v.dt.String()}
	return nil
}

// findOutputs takes the outputs from the signature, or, without one, every
// node no other node reads.
func (m *Model) findOutputs(mf *modelFile, order []*nodeDef) error {
	if sig := mf.Signature; sig != nil && len(sig.Outputs) > 0 {
		for key, ti := range sig.Inputs {
			if strings.TrimSuffix(ti.Name, ":0") == m.inInfo.Name {
				m.inInfo.Name = key
			}
		}
		keys := make([]string, 0, len(sig.Outputs))
		for k := range sig.Outputs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := sig.Outputs[k].Name
			id, ok := m.byName[name]
			if !ok {
				return fmt.Errorf("signature output %q names %q, which is not a node output", k, name)
			}
			m.addOutput(k, id)
		}
		return nil
	}
	used := map[string]bool{}
	for _, n := range order {
		for _, s := range n.Input {
			if in, err := parseInput(s); err == nil {
				used[in.node] = true
			}
		}
	}
	for _, n := range order {
		if !used[n.Name] && n.Op != "Const" && n.Op != "Placeholder" {
			m.addOutput(n.Name, m.byName[n.Name])
		}
	}
	if len(m.outputs) == 0 {
		return fmt.Errorf("model has no outputs")
	}
	return nil
}

func (m *Model) addOutput(key string, id int) {
	v := m.values[id]
	m.outputs = append(m.outputs, outputSlot{
		info:  TensorInfo{Name: key, Shape: cloneShape(v.shape), DType: v.dt.String()},
		value: id,
	})
}

func (m *Model) outputValues() []int {
	out := make([]int, len(m.outputs))
	for i, o := range m.outputs {
		out[i] = o.value
	}
	return out
}

// Inputs describes the model's input (one).
func (m *Model) Inputs() []TensorInfo {
	t := m.inInfo
	t.Shape = cloneShape(t.Shape)
	return []TensorInfo{t}
}

// Outputs describes the model's outputs, sorted by name.
func (m *Model) Outputs() []TensorInfo {
	out := make([]TensorInfo, len(m.outputs))
	for i, o := range m.outputs {
		out[i] = o.info
		out[i].Shape = cloneShape(o.info.Shape)
	}
	return out
}

// GMACs is the number of multiply-accumulates per inference, in billions,
// counted from the plan: regular and depthwise convolutions (the only
// matrix-like ops the pose models have).
func (m *Model) GMACs() float64 { return float64(m.macs) / 1e9 }

// consumers counts, per storage root, how many scheduled ops read it or any
// view of it, plus one for each model output it backs.
func consumers(values []*value, ops []op, outputs []int) []int {
	cnt := make([]int, len(values))
	root := func(v int) int {
		if a := values[v].alias; a >= 0 {
			return a
		}
		return v
	}
	for _, o := range ops {
		for _, v := range o.base().in {
			cnt[root(v)]++
		}
	}
	for _, v := range outputs {
		cnt[root(v)]++
	}
	return cnt
}

// fusePads merges a zero Pad of H and W into the convolutions that are its
// only readers (the detector feeds one Pad to two depthwise convolutions):
// each convolution then pads implicitly, saving a copy.
func fusePads(values []*value, ops []op, outputs []int) []op {
	users := map[int][]*convOp{}
	for _, o := range ops {
		if c, ok := o.(*convOp); ok {
			users[c.in[0]] = append(users[c.in[0]], c)
		}
	}
	cnt := consumers(values, ops, outputs)
	fused := map[*padOp]bool{}
	for _, o := range ops {
		pd, ok := o.(*padOp)
		if !ok || pd.dt != f32 || len(pd.before) != 4 {
			continue
		}
		if pd.before[0] != 0 || pd.after[0] != 0 || pd.before[3] != 0 || pd.after[3] != 0 {
			continue // batch or channel padding
		}
		convs := users[pd.out[0]]
		if len(convs) == 0 || len(convs) != cnt[pd.out[0]] {
			continue // something else reads the padded tensor
		}
		for _, c := range convs {
			c.in[0] = pd.in[0]
			c.inH, c.inW = pd.inShape[1], pd.inShape[2]
			c.padT += pd.before[1]
			c.padL += pd.before[2]
		}
		values[pd.out[0]].fusedInto = convs[0].node
		fused[pd] = true
	}
	out := ops[:0:0]
	for _, o := range ops {
		if pd, ok := o.(*padOp); ok && fused[pd] {
			continue
		}
		out = append(out, o)
	}
	return out
}

// liveOps drops ops whose outputs reach no model output.
func liveOps(values []*value, ops []op, outputs []int) []op {
	need := make([]bool, len(values))
	mark := func(v int) {
		need[v] = true
		if a := values[v].alias; a >= 0 {
			need[a] = true
		}
	}
	for _, v := range outputs {
		mark(v)
	}
	keep := make([]bool, len(ops))
	for i := len(ops) - 1; i >= 0; i-- {
		b := ops[i].base()
		for _, v := range b.out {
			if need[v] {
				keep[i] = true
			}
		}
		if keep[i] {
			for _, v := range b.in {
				mark(v)
			}
		}
	}
	var out []op
	for i, o := range ops {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}

// fuseActivations merges a Relu or Relu6 into the float32 elementwise op
// that is its only input's only reader (BlazePose's residual Add → Relu6),
// saving a pass over the tensor. The result is the same: TF.js also rounds
// the sum to float32 before clamping it.
func fuseActivations(values []*value, ops []op, outputs []int) []op {
	producer := map[int]*binaryOp{}
	for _, o := range ops {
		if b, ok := o.(*binaryOp); ok && b.dt == f32 {
			producer[b.out[0]] = b
		}
	}
	cnt := consumers(values, ops, outputs)
	fused := map[*unaryOp]bool{}
	for _, o := range ops {
		u, ok := o.(*unaryOp)
		if !ok || (u.fn != "Relu" && u.fn != "Relu6") {
			continue
		}
		b := producer[u.in[0]]
		if b == nil || b.act != kernel.ActNone || cnt[b.out[0]] != 1 {
			continue
		}
		b.act = kernel.ActRelu
		if u.fn == "Relu6" {
			b.act = kernel.ActRelu6
		}
		values[b.out[0]].fusedInto = u.node
		b.out[0] = u.out[0]
		fused[u] = true
	}
	out := ops[:0:0]
	for _, o := range ops {
		if u, ok := o.(*unaryOp); ok && fused[u] {
			continue
		}
		out = append(out, o)
	}
	return out
}

// fuseResiduals merges a float32 AddV2 (with its fused Relu, if any) into
// the op computing one of its operands, when the add is that op's only
// reader and the other operand, of the same shape, exists before the op
// runs. The op is a GEMM convolution (BlazePose's and MoveNet's residual
// connections, projection → Add [→ Relu6]) or a ResizeBilinear (the
// feature pyramids' upsample → Add with a skip connection). The op then
// adds the residual as it stores each result (kernel.GemmPackedRes,
// kernel.ResizeRow), so the sum is written once instead of written, read
// and written again. The arithmetic is unchanged: the op's result is
// rounded to float32 before the addition, as in TF.js.
func fuseResiduals(values []*value, ops []op, outputs []int) []op {
	root := func(v int) int {
		if a := values[v].alias; a >= 0 {
			return a
		}
		return v
	}
	fusable := map[int]int{} // output value -> index of the op that can add a residual to it
	madeAt := map[int]int{}  // output value -> index of the op writing it
	for i, o := range ops {
		for _, v := range o.base().out {
			madeAt[v] = i
		}
		switch o := o.(type) {
		case *convOp:
			if !o.depthwise && !o.single() {
				fusable[o.out[0]] = i
			}
		case *resizeOp:
			fusable[o.out[0]] = i
		}
	}
	cnt := consumers(values, ops, outputs)
	fused := map[*binaryOp]bool{}
	for _, o := range ops {
		add, ok := o.(*binaryOp)
		if !ok || add.kind != binAdd || add.dt != f32 {
			continue
		}
		n := values[add.out[0]].n
		for k := 0; k < 2; k++ {
			x, r := root(add.in[k]), root(add.in[1-k])
			at, ok := fusable[x]
			if !ok || cnt[x] != 1 || values[x].n != n || values[r].n != n || x == r {
				continue
			}
			// The residual must exist when the producer runs.
			if ri, made := madeAt[r]; made && ri >= at {
				continue
			}
			switch o := ops[at].(type) {
			case *convOp:
				if o.res >= 0 {
					continue
				}
				o.res, o.act2 = r, add.act
			case *resizeOp:
				if o.res >= 0 {
					continue
				}
				o.res, o.act = r, add.act
			}
			b := ops[at].base()
			b.reads(r)
			values[x].fusedInto = add.node
			b.out[0] = add.out[0]
			fused[add] = true
			break
		}
	}
	out := ops[:0:0]
	for _, o := range ops {
		if b, ok := o.(*binaryOp); ok && fused[b] {
			continue
		}
		out = append(out, o)
	}
	return out
}

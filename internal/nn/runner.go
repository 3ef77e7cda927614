package nn

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
)

// Options configure a Runner.
type Options struct {
	// Threads is the number of goroutines that share the work of one
	// inference (convolutions are split by output rows). 0 means
	// runtime.GOMAXPROCS(0); 1 runs everything on the caller's goroutine.
	// Results do not depend on it.
	Threads int
	// Keep names intermediate nodes ("node" or "node:1") whose values must
	// stay readable through Tensor after Run; the planner otherwise reuses
	// their memory.
	Keep []string
}

// Runner executes a Model. It owns every buffer an inference needs, all
// allocated by NewRunner, so Run allocates nothing. A Runner is not safe
// for concurrent use; create one per goroutine (they can share the Model).
type Runner struct {
	m       *Model
	arenaF  []float32
	arenaI  []int32
	offset  []int // per storage root: offset in its arena
	steps   []step
	names   []string // per step: "Op \"node\"" for error messages
	scratch []float32
	pool    *pool
	avail   []bool            // values readable after Run
	asF32   map[int][]float32 // float32 copies of readable int32 values
}

// arenaAlign rounds every buffer to a multiple of 16 elements (64 bytes):
// Go page-aligns large allocations such as the arenas, so every tensor then
// starts on a cache line.
const arenaAlign = 16

// NewRunner lays out memory for m (reusing a buffer once its value is dead)
// and binds every op to its buffers.
func (m *Model) NewRunner(opts Options) (*Runner, error) {
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	r := &Runner{m: m, avail: make([]bool, len(m.values)), asF32: map[int][]float32{}}
	root := func(v int) int {
		if a := m.values[v].alias; a >= 0 {
			return a
		}
		return v
	}

	// Which values exist at run time: the input and op outputs, plus views.
	computed := make([]bool, len(m.values))
	computed[m.input] = true
	for _, o := range m.ops {
		for _, v := range o.base().out {
			computed[v] = true
		}
	}
	for v, val := range m.values {
		if val.alias >= 0 && computed[val.alias] {
			computed[v] = true
		}
	}

	// Values that must survive the whole run: input, outputs, kept nodes.
	end := len(m.ops)
	lastUse := make([]int, len(m.values))
	for i := range lastUse {
		lastUse[i] = -2
	}
	pin := func(v int) { lastUse[root(v)] = end }
	pin(m.input)
	for _, o := range m.outputs {
		pin(o.value)
		r.avail[o.value] = true
	}
	for _, name := range opts.Keep {
		v, err := m.lookup(name)
		if err != nil {
			return nil, fmt.Errorf("keeping %q: %w", name, err)
		}
		if !m.values[v].konst && !computed[v] {
			return nil, fmt.Errorf("keeping %q: the node feeds no model output, so it is not computed", name)
		}
		pin(v)
		r.avail[v] = true
	}
	for v, val := range m.values {
		if val.konst {
			r.avail[v] = true
		}
	}
	for i, o := range m.ops {
		for _, v := range o.base().in {
			if rv := root(v); !m.values[rv].konst && lastUse[rv] != end {
				lastUse[rv] = max(lastUse[rv], i)
			}
		}
	}

	// Lay out the two arenas in schedule order.
	var fa, ia arenaAlloc
	r.offset = make([]int, len(m.values))
	place := func(v int) {
		n := (m.values[v].n + arenaAlign - 1) / arenaAlign * arenaAlign
		if m.values[v].dt == f32 {
			r.offset[v] = fa.alloc(v, n)
		} else {
			r.offset[v] = ia.alloc(v, n)
		}
	}
	release := func(v int) {
		if m.values[v].dt == f32 {
			fa.free(v)
		} else {
			ia.free(v)
		}
	}
	place(m.input)
	scratch := 0
	for i, o := range m.ops {
		b := o.base()
		for _, v := range b.out {
			place(v)
		}
		for _, v := range b.out {
			if lastUse[v] < i { // never read and not needed: free at once
				lastUse[v] = i
			}
		}
		scratch = max(scratch, o.scratchElems(threads))
		for _, v := range b.in {
			if rv := root(v); lastUse[rv] == i {
				release(rv)
				lastUse[rv] = -3 // released
			}
		}
		for _, v := range b.out {
			if lastUse[v] == i {
				release(v)
				lastUse[v] = -3
			}
		}
	}
	total := int64(fa.top)*4 + int64(ia.top)*4 + int64(scratch)*4
	if total > maxArenaBytes {
		return nil, fmt.Errorf("the model needs %d bytes of activations, more than the supported %d", total, int64(maxArenaBytes))
	}
	r.arenaF = make([]float32, fa.top)
	r.arenaI = make([]int32, ia.top)
	r.scratch = make([]float32, scratch)

	// Float32 copies of readable int32 values, so Output/Tensor can return
	// []float32 without allocating.
	for v, ok := range r.avail {
		if ok && m.values[v].dt == i32 {
			r.asF32[v] = make([]float32, m.values[v].n)
		}
	}

	b := &runnerBinder{r: r}
	r.steps = make([]step, len(m.ops))
	r.names = make([]string, len(m.ops))
	for i, o := range m.ops {
		r.steps[i] = o.bind(b)
		r.names[i] = fmt.Sprintf("%s %q", o.base().kind, o.base().node)
	}
	r.pool = newPool(threads)
	if r.pool != nil {
		runtime.AddCleanup(r, func(p *pool) { p.close() }, r.pool)
	}
	return r, nil
}

// runnerBinder hands ops their slices of the Runner's arenas.
type runnerBinder struct{ r *Runner }

func (b *runnerBinder) f32(v int) []float32 {
	m := b.r.m
	val := m.values[v]
	if val.konst {
		return val.cf
	}
	rv := v
	if val.alias >= 0 {
		rv = val.alias
	}
	off := b.r.offset[rv]
	return b.r.arenaF[off : off+val.n : off+val.n]
}

func (b *runnerBinder) i32(v int) []int32 {
	m := b.r.m
	val := m.values[v]
	if val.konst {
		return val.ci
	}
	rv := v
	if val.alias >= 0 {
		rv = val.alias
	}
	off := b.r.offset[rv]
	return b.r.arenaI[off : off+val.n : off+val.n]
}

func (b *runnerBinder) scratch() []float32 { return b.r.scratch }

// arenaAlloc assigns offsets in a growing arena, first fit among the gaps
// left by freed buffers.
type arenaAlloc struct {
	live []span // sorted by offset
	top  int
}

type span struct{ owner, off, n int }

func (a *arenaAlloc) alloc(owner, n int) int {
	prev := 0
	for i, s := range a.live {
		if s.off-prev >= n {
			a.live = slices.Insert(a.live, i, span{owner, prev, n})
			return prev
		}
		prev = s.off + s.n
	}
	a.live = append(a.live, span{owner, prev, n})
	a.top = max(a.top, prev+n)
	return prev
}

func (a *arenaAlloc) free(owner int) {
	for i, s := range a.live {
		if s.owner == owner {
			a.live = slices.Delete(a.live, i, i+1)
			return
		}
	}
}

// Close stops the Runner's worker goroutines. It is optional (an
// unreachable Runner stops them itself); a closed Runner still runs, on the
// caller's goroutine only. Close must not be called during a Run.
func (r *Runner) Close() { r.pool.close() }

// InputFloat32 is the input buffer of a float32 model (nil for an int32
// model): write the NHWC input here before Run. It is never overwritten by
// Run, so one input can be run repeatedly.
func (r *Runner) InputFloat32() []float32 {
	if r.m.values[r.m.input].dt != f32 {
		return nil
	}
	return (&runnerBinder{r}).f32(r.m.input)
}

// InputInt32 is the input buffer of an int32 model such as MoveNet (nil
// for a float32 model).
func (r *Runner) InputInt32() []int32 {
	if r.m.values[r.m.input].dt != i32 {
		return nil
	}
	return (&runnerBinder{r}).i32(r.m.input)
}

// Run performs one inference on the current input. It checks ctx between
// ops and allocates nothing.
func (r *Runner) Run(ctx context.Context) error {
	for i, s := range r.steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("inference stopped before %s: %w", r.names[i], err)
		}
		if err := s.run(r.pool); err != nil {
			return fmt.Errorf("running %s: %w", r.names[i], err)
		}
	}
	return nil
}

// Output returns a model output by signature key ("ld_3d") or node name
// ("Identity_2" or "Identity_2:0"). The data is valid until the next Run and
// must not be modified; int32 outputs are converted to float32.
func (r *Runner) Output(name string) (data []float32, shape []int, err error) {
	for _, o := range r.m.outputs {
		if o.info.Name == name {
			return r.read(o.value)
		}
	}
	v, err := r.m.lookup(name)
	if err != nil {
		return nil, nil, err
	}
	if !r.avail[v] {
		return nil, nil, fmt.Errorf("%q is not a model output; to read an intermediate node use Tensor with Options{Keep: []string{%q}}", name, name)
	}
	return r.read(v)
}

// Tensor returns the value of any node output after Run: model outputs,
// constants, and intermediates named in Options.Keep. int32 values are
// converted to float32 (exactly, for the magnitudes a graph index takes).
func (r *Runner) Tensor(node string) ([]float32, []int, error) {
	v, err := r.m.lookup(node)
	if err != nil {
		return nil, nil, err
	}
	if !r.avail[v] {
		return nil, nil, fmt.Errorf("the value of %q is not kept after Run: create the Runner with Options{Keep: []string{%q}}", node, node)
	}
	return r.read(v)
}

func (r *Runner) read(v int) ([]float32, []int, error) {
	val := r.m.values[v]
	b := &runnerBinder{r}
	if val.dt == f32 {
		return b.f32(v), val.shape, nil
	}
	dst := r.asF32[v]
	for i, x := range b.i32(v) {
		dst[i] = float32(x)
	}
	return dst, val.shape, nil
}

// lookup resolves "node", "node:0" or "node:i" to a value id.
func (m *Model) lookup(name string) (int, error) {
	v, ok := m.byName[name]
	if !ok {
		if base, _, found := strings.Cut(name, ":"); found {
			if _, ok := m.byName[base]; ok {
				return 0, fmt.Errorf("node %q has no output %q", base, name)
			}
		}
		return 0, fmt.Errorf("no node named %q", name)
	}
	if f := m.values[v].fusedInto; f != "" {
		return 0, fmt.Errorf("node %q was fused into %q and has no value of its own", name, f)
	}
	return v, nil
}

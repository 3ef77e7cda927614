package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunker is work split into index ranges that may run concurrently.
type chunker interface {
	chunk(lo, hi int)
}

// pool runs chunked work on a fixed set of goroutines owned by one Runner.
// Workers are woken through channels; pieces are handed out by an atomic
// counter; the caller, after doing pieces itself, waits for the helpers by
// polling an atomic count (yielding the processor) rather than blocking on
// a WaitGroup, whose semaphore occasionally allocates inside the runtime.
// So running work allocates nothing. A nil pool runs everything on the
// caller's goroutine.
type pool struct {
	threads int // including the caller
	wake    []chan struct{}
	pending atomic.Int32 // helpers still working on the current job
	closed  atomic.Bool  // workers stopped: run everything on the caller
	once    sync.Once

	// The current job; written before the workers are woken.
	job   chunker
	total int
	grain int
	next  atomic.Int64
}

// newPool starts threads-1 worker goroutines (none for threads <= 1).
func newPool(threads int) *pool {
	if threads <= 1 {
		return nil
	}
	p := &pool{threads: threads, wake: make([]chan struct{}, threads-1)}
	for i := range p.wake {
		p.wake[i] = make(chan struct{}, 1)
		go p.worker(p.wake[i])
	}
	return p
}

func (p *pool) worker(wake chan struct{}) {
	for range wake {
		p.drain()
		p.pending.Add(-1)
	}
}

// close stops the workers; the pool must be idle.
func (p *pool) close() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		p.closed.Store(true)
		for _, w := range p.wake {
			close(w)
		}
	})
}

// parallel calls job.chunk over [0, total) in pieces of at least minGrain,
// spread over the pool's goroutines, and returns when all are done.
func (p *pool) parallel(total, minGrain int, job chunker) {
	if total <= 0 {
		return
	}
	if p == nil || total <= minGrain || p.closed.Load() {
		job.chunk(0, total)
		return
	}
	// About four pieces per thread balances uneven rows without much overhead.
	grain := max(minGrain, (total+4*p.threads-1)/(4*p.threads))
	pieces := (total + grain - 1) / grain
	if pieces <= 1 {
		job.chunk(0, total)
		return
	}
	p.job, p.total, p.grain = job, total, grain
	p.next.Store(0)
	helpers := min(len(p.wake), pieces-1)
	p.pending.Store(int32(helpers))
	for i := 0; i < helpers; i++ {
		p.wake[i] <- struct{}{}
	}
	p.drain()
	for p.pending.Load() != 0 {
		runtime.Gosched()
	}
	p.job = nil
}

// drain takes pieces until none are left.
func (p *pool) drain() {
	for {
		lo := int(p.next.Add(int64(p.grain))) - p.grain
		if lo >= p.total {
			return
		}
		p.job.chunk(lo, min(lo+p.grain, p.total))
	}
}

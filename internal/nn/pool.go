package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// chunker is work split into index ranges that may run concurrently.
// worker numbers the goroutine running a piece (0 is the caller, helpers
// are 1 .. threads−1), for work that needs scratch memory of its own.
type chunker interface {
	chunk(worker, lo, hi int)
}

// pool runs chunked work on a fixed set of goroutines owned by one Runner.
//
// An inference is about a hundred parallel ops back to back, many of them
// only tens of microseconds long, so handing a job to a helper must cost
// far less than that. Waking a parked goroutine takes about ten
// microseconds (its OS thread sleeps), so helpers that have just finished a
// job spin on the job counter for a while (spinTime) before parking; within
// an inference they are nearly always spinning when the next job arrives.
// Pieces of a job are handed out by an atomic counter, large ones first, so
// a helper that starts late or is descheduled by the OS simply takes fewer.
// The caller works on the job too and then waits for the helpers by polling
// an atomic count. Nothing here allocates. A nil pool runs everything on
// the caller's goroutine.
type pool struct {
	threads int // including the caller
	helpers []*helper
	pending atomic.Int32 // helpers still working on the current job
	gen     atomic.Uint64
	closed  atomic.Bool // workers stopped: run everything on the caller
	once    sync.Once

	// The current job; written before gen is advanced.
	job   chunker
	total int
	grain int
	next  atomic.Int64

	// Back-off when the machine is oversubscribed (see parallel); only
	// the caller's goroutine touches these.
	serialLeft int // jobs still to run on the caller alone
	backoff    int // length of the next serial stretch
	okStreak   int // parallel jobs since the last stall
}

// A helper that holds a piece while the OS has descheduled it (other
// processes want the cores) makes the caller wait for a whole scheduler
// time slice, milliseconds, far longer than the piece. After such a stall
// the pool runs the next jobs on the caller alone (the helper parks and
// leaves its core to the other processes), then tries again; the serial
// stretch doubles with every stall until a long run of jobs goes well.
const (
	stallWait  = 300 * time.Microsecond // a wait at least this long (and longer than the caller's own share) is a stall
	minBackoff = 64                     // jobs (an inference has about 100)
	maxBackoff = 8192
	okReset    = 4096 // stall-free parallel jobs that reset the stretch
)

// helper is one worker goroutine's parking place.
type helper struct {
	parked atomic.Bool   // true while the worker is (about to be) blocked on wake
	wake   chan struct{} // one token wakes a parked worker
}

// spinTime is how long an idle helper polls for a new job before it
// parks: longer than the gap between two parallel ops of an inference
// (small ops run on the caller alone), short enough not to burn a core
// between inferences.
const spinTime = 50 * time.Microsecond

// newPool starts threads-1 worker goroutines (none for threads <= 1).
func newPool(threads int) *pool {
	if threads <= 1 {
		return nil
	}
	p := &pool{threads: threads, helpers: make([]*helper, threads-1), backoff: minBackoff}
	for i := range p.helpers {
		h := &helper{wake: make(chan struct{}, 1)}
		p.helpers[i] = h
		go p.worker(h, i+1, 0) // no job yet: generation 0
	}
	return p
}

// worker runs pieces of every job after generation seen, as worker id.
func (p *pool) worker(h *helper, id int, seen uint64) {
	for {
		// Wait for a new job: spin, then park.
		var since time.Time
		for spins := 0; ; spins++ {
			if g := p.gen.Load(); g != seen {
				seen = g
				break
			}
			if spins%256 != 255 {
				continue
			}
			if p.closed.Load() {
				return
			}
			if since.IsZero() {
				since = time.Now()
			}
			if time.Since(since) < spinTime {
				continue
			}
			h.parked.Store(true)
			if g := p.gen.Load(); g != seen || p.closed.Load() {
				// A job (or close) arrived while parking. If the caller
				// already took the parked flag it has sent or will send a
				// token: consume it.
				if !h.parked.CompareAndSwap(true, false) {
					<-h.wake
				}
				continue
			}
			<-h.wake
			since = time.Time{}
		}
		p.drain(id)
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
		for _, h := range p.helpers {
			if h.parked.CompareAndSwap(true, false) {
				h.wake <- struct{}{}
			}
		}
	})
}

// parallel calls job.chunk over [0, total) in pieces of at least minGrain,
// spread over the pool's goroutines, and returns when all are done. Work
// of at most minGrain stays on the caller.
func (p *pool) parallel(total, minGrain int, job chunker) {
	if total <= 0 {
		return
	}
	if p == nil || total <= minGrain || p.closed.Load() {
		job.chunk(0, 0, total)
		return
	}
	if p.serialLeft > 0 {
		p.serialLeft--
		job.chunk(0, 0, total)
		return
	}
	p.job, p.total, p.grain = job, total, max(1, minGrain)
	p.next.Store(0)
	// Every helper sees the new job and reports back, even one that finds
	// no piece left.
	p.pending.Store(int32(len(p.helpers)))
	p.gen.Add(1)
	for _, h := range p.helpers {
		if h.parked.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
	start := time.Now()
	p.drain(0)
	var own, wait time.Duration
	if p.pending.Load() != 0 {
		drained := time.Now()
		for spins := 0; p.pending.Load() != 0; spins++ {
			if spins > 64 {
				runtime.Gosched()
			}
		}
		own, wait = drained.Sub(start), time.Since(drained)
	}
	p.job = nil
	p.noteWait(own, wait)
}

// noteWait updates the back-off after a parallel job in which the caller
// worked for own and then waited for the helpers for wait.
func (p *pool) noteWait(own, wait time.Duration) {
	if wait > stallWait && wait > own {
		p.serialLeft = p.backoff
		p.backoff = min(2*p.backoff, maxBackoff)
		p.okStreak = 0
		return
	}
	if p.okStreak++; p.okStreak >= okReset {
		p.backoff = minBackoff
	}
}

// drain takes pieces until none are left. Each piece is a share of what
// is left (guided scheduling): large pieces first, for little overhead,
// then smaller and smaller ones, so that the goroutines finish together
// and the caller seldom waits long for a helper's last piece.
func (p *pool) drain(worker int) {
	share := 2 * p.threads
	for {
		lo := p.next.Load()
		left := p.total - int(lo)
		if left <= 0 {
			return
		}
		n := min(left, max(p.grain, left/share))
		if !p.next.CompareAndSwap(lo, lo+int64(n)) {
			continue
		}
		p.job.chunk(worker, int(lo), int(lo)+n)
	}
}

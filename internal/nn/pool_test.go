package nn

import (
	"sync/atomic"
	"testing"
	"time"
)

// countChunks records how often each index is visited, and the largest
// worker number seen.
type countChunks struct {
	seen   []atomic.Int32
	worker atomic.Int32
}

func (c *countChunks) chunk(w, lo, hi int) {
	for i := lo; i < hi; i++ {
		c.seen[i].Add(1)
	}
	for {
		old := c.worker.Load()
		if int32(w) <= old || c.worker.CompareAndSwap(old, int32(w)) {
			return
		}
	}
}

// TestPoolCoversEveryIndexOnce: for every thread count, job size and
// minimum piece size, parallel visits each index exactly once, numbering
// workers below the thread count, also when jobs follow each other without
// pause (helpers still spinning) and after the pool was closed.
func TestPoolCoversEveryIndexOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 4} {
		p := newPool(threads)
		for _, total := range []int{1, 2, 7, 64, 1000, 4097} {
			for _, grain := range []int{0, 1, 3, 64, 5000} {
				c := &countChunks{seen: make([]atomic.Int32, total)}
				for range 3 {
					p.parallel(total, grain, c)
				}
				for i := range c.seen {
					if n := c.seen[i].Load(); n != 3 {
						t.Fatalf("threads %d, total %d, grain %d: index %d visited %d times in 3 jobs", threads, total, grain, i, n)
					}
				}
				if w := int(c.worker.Load()); w >= threads {
					t.Fatalf("threads %d: worker number %d", threads, w)
				}
			}
		}
		p.close()
		c := &countChunks{seen: make([]atomic.Int32, 100)}
		p.parallel(100, 1, c)
		for i := range c.seen {
			if c.seen[i].Load() != 1 {
				t.Fatalf("threads %d, closed pool: index %d visited %d times", threads, i, c.seen[i].Load())
			}
		}
	}
}

// TestPoolBackOff: a wait for the helpers longer than stallWait and than
// the caller's own share is a stall: the next minBackoff jobs run on the
// caller alone, the stretch doubles with each further stall up to
// maxBackoff, and okReset stall-free jobs bring it back to minBackoff.
// Ordinary waits change nothing.
func TestPoolBackOff(t *testing.T) {
	p := newPool(2)
	defer p.close()
	p.noteWait(time.Millisecond, stallWait+time.Microsecond) // the caller's share was longer: not a stall
	p.noteWait(0, stallWait/2)
	if p.serialLeft != 0 || p.backoff != minBackoff {
		t.Fatalf("after ordinary waits: serialLeft %d, backoff %d", p.serialLeft, p.backoff)
	}
	want := minBackoff
	for range 10 {
		p.noteWait(10*time.Microsecond, 2*stallWait)
		if p.serialLeft != want {
			t.Fatalf("after a stall: serialLeft %d, want %d", p.serialLeft, want)
		}
		want = min(2*want, maxBackoff)
	}
	c := &countChunks{seen: make([]atomic.Int32, 64)}
	for range p.serialLeft {
		p.parallel(64, 1, c)
	}
	if p.serialLeft != 0 {
		t.Fatalf("serialLeft %d after the serial stretch, want 0", p.serialLeft)
	}
	for range okReset {
		p.noteWait(time.Millisecond, time.Microsecond)
	}
	if p.backoff != minBackoff {
		t.Fatalf("backoff %d after %d good jobs, want %d", p.backoff, okReset, minBackoff)
	}
}

package nn

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"testing"
	"time"
)

type zzBinder struct {
	m   map[int][]float32
	scr []float32
}

func (b *zzBinder) f32(v int) []float32 { return b.m[v] }
func (b *zzBinder) i32(v int) []int32   { return nil }
func (b *zzBinder) scratch() []float32  { return b.scr }

func TestZZFuse(t *testing.T) {
	name := os.Getenv("ZZFUSE")
	if name == "" {
		t.Skip()
	}
	runtime.LockOSThread()
	m := loadModel(t, name)
	for _, o := range m.ops {
		f, ok := o.(*expandDWOp)
		if !ok {
			continue
		}
		src := make([]float32, m.values[f.in[0]].n)
		for i := range src {
			src[i] = float32(i%7) * 0.1
		}
		E := make([]float32, f.ex.outH*f.ex.outW*f.ex.outC)
		dst := make([]float32, m.values[f.out[0]].n)
		b := &zzBinder{m: map[int][]float32{f.ex.in[0]: src, f.ex.out[0]: E, f.dw.out[0]: dst}, scr: make([]float32, f.scratchElems(1))}
		sEx := f.ex.bind(b)
		b.m[f.dw.in[0]] = E
		sDW := f.dw.bind(b)
		sF := f.bind(b)
		med := func(fn func()) float64 {
			var ts []float64
			for range 15 {
				c0 := threadCPUz()
				fn()
				ts = append(ts, float64(threadCPUz()-c0)/1e6)
			}
			sort.Float64s(ts)
			return ts[7]
		}
		var tEx, tDW, tF float64
		for range 3 {
			tEx = med(func() { sEx.run(nil) })
			tDW = med(func() { sDW.run(nil) })
			tF = med(func() { sF.run(nil) })
		}
		_ = time.Now
		fmt.Printf("%-70s ex %.3f dw %.3f sum %.3f fused %.3f\n", describeOp(f, m.values), tEx, tDW, tEx+tDW, tF)
	}
}

package nn

import (
	"context"
	"runtime"
	"testing"
)

// BenchmarkRun times one inference per model on the golden "lcg" input,
// with the default thread count. Sub-benchmark names are the model names,
// so `go test -bench Run -count 10 | benchstat` compares runs.
func BenchmarkRun(b *testing.B) {
	for _, name := range allModels {
		b.Run(name, func(b *testing.B) {
			m := loadModel(b, name)
			r, err := m.NewRunner(Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			fillLCG(r, 20240601)
			ctx := context.Background()
			if err := r.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := r.Run(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.GMACs()*float64(b.N)/b.Elapsed().Seconds(), "GMAC/s")
		})
	}
}

// BenchmarkRunThreads1 is BenchmarkRun on a single goroutine, locked to
// its OS thread. Besides wall-clock ns/op it reports cpu-ns/op, the
// thread's CPU time per inference (Linux), which time spent waiting for
// a core on a busy machine does not inflate.
func BenchmarkRunThreads1(b *testing.B) {
	for _, name := range allModels {
		b.Run(name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			m := loadModel(b, name)
			r, err := m.NewRunner(Options{Threads: 1})
			if err != nil {
				b.Fatal(err)
			}
			fillLCG(r, 20240601)
			ctx := context.Background()
			if err := r.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, ok := threadCPU()
			for b.Loop() {
				if err := r.Run(ctx); err != nil {
					b.Fatal(err)
				}
			}
			if cpu1, ok1 := threadCPU(); ok && ok1 {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// fillLCG writes the golden "lcg" input (see lcgBytes) into r's input:
// int32(byte) for int32 models, float32(byte)/255 for float models.
func fillLCG(r *Runner, seed uint32) {
	if in := r.InputInt32(); in != nil {
		for i, v := range lcgBytes(seed, len(in)) {
			in[i] = int32(v)
		}
		return
	}
	in := r.InputFloat32()
	for i, v := range lcgBytes(seed, len(in)) {
		in[i] = float32(v) / 255
	}
}

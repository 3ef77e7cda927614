package overlay

import (
	"image"
	"runtime"
	"testing"

	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
)

// BenchmarkVideoFrame measures the per-frame work RenderVideo adds to
// decoding and encoding: copying the decoded pixels in, building the scene
// at the frame's time, drawing it and copying the pixels out, on portrait
// frames of the sizes phones film at (after video.WorkingMaxSide). It runs
// on one goroutine locked to its OS thread and reports cpu-ns/op, that
// thread's CPU time per frame (Linux), besides wall-clock ns/op.
func BenchmarkVideoFrame(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"720x1280", 720, 1280}, {"1080x1920", 1080, 1920}} {
		b.Run(size.name, func(b *testing.B) {
			tr := overlaytest.Track(b, sim.StickSet{Reps: 3, RightValgusDeg: []float64{30}}, size.w, size.h)
			set := analyse(b, tr)
			ann, err := NewAnnotator(set)
			if err != nil {
				b.Fatal(err)
			}
			r, err := NewRenderer()
			if err != nil {
				b.Fatal(err)
			}
			img := image.NewRGBA(image.Rect(0, 0, size.w, size.h))
			rgb := make([]byte, size.w*size.h*3)
			for i := range rgb {
				rgb[i] = byte(i * 7)
			}
			times := ann.times
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, ok := threadCPU()
			for i := 0; i < b.N; i++ {
				RGBToRGBA(rgb, img)
				if sc, ok := ann.SceneAt(times[i%len(times)]); ok {
					r.Draw(img, sc, Style{})
				}
				RGBAToRGB(img, rgb)
			}
			if cpu1, ok1 := threadCPU(); ok && ok1 {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

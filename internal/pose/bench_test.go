package pose

import (
	"context"
	"fmt"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// BenchmarkStages times each stage of one tracked frame on a real 1280x720
// frame: the crop alone, the detector (letterbox crop + model + decode),
// and a landmark step (crop + model) per model, and blazepose-full's with
// mirror averaging (crop + model on the crop and on its mirror image).
func BenchmarkStages(b *testing.B) {
	path := testenv.SharedFile(b, "media/goblet-squat-front.mp4")
	im := decodeFrame(b, path, 100)
	ctx := context.Background()
	roi := ROI{CX: 650, CY: 520, W: 590, H: 590, Rotation: 0.05}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("crop256/threads=%d", threads), func(b *testing.B) {
			dst := make([]float32, 256*256*3)
			m := roi.ToImage(256, 256)
			for b.Loop() {
				crop(im, m, 256, 256, dst, threads)
			}
		})
	}
	b.Run("detector", func(b *testing.B) {
		testenv.ModelFiles(b, detectorModel)
		det, err := newDetector(modelsDir(b), 0)
		if err != nil {
			b.Fatal(err)
		}
		defer det.Close()
		for b.Loop() {
			if _, err := det.Detect(ctx, im); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, name := range ModelNames() {
		b.Run(name, func(b *testing.B) {
			testenv.ModelFiles(b, name)
			est, err := newEstimator(modelsDir(b), name, 0, false)
			if err != nil {
				b.Fatal(err)
			}
			defer est.Close()
			for b.Loop() {
				if _, err := est.Estimate(ctx, im, roi); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run(ModelBlazePoseFull+"/mirror-average", func(b *testing.B) {
		testenv.ModelFiles(b, ModelBlazePoseFull)
		est, err := newEstimator(modelsDir(b), ModelBlazePoseFull, 0, true)
		if err != nil {
			b.Fatal(err)
		}
		defer est.Close()
		for b.Loop() {
			if _, err := est.Estimate(ctx, im, roi); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRun tracks the first 4 seconds (121 frames) of the goblet clip
// end to end (probe, people scan, decode, tracking, cleaning) and reports
// video frames per second.
func BenchmarkRun(b *testing.B) {
	path := testenv.SharedFile(b, "media/goblet-squat-front.mp4")
	testenv.ModelFiles(b, ModelBlazePoseFull)
	frames := 0
	for b.Loop() {
		res, err := Run(context.Background(), path, Options{MaxTime: 4})
		if err != nil {
			b.Fatal(err)
		}
		frames += res.Stats.Frames
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

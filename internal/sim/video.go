package sim

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kneetrack/kneetrack/internal/sim/render"
	"github.com/kneetrack/kneetrack/internal/video"
)

// VideoOptions adjust RenderVideo. Zero fields take the defaults noted.
type VideoOptions struct {
	Look    render.Look
	Threads int // goroutines per frame (default: all CPUs)
	// WallDistanceM is how far behind the lifter the wall stands (default
	// 2.5 m).
	WallDistanceM float64
	NoAntiAlias   bool
	// Progress, when set, is called after each frame with the frames done
	// and the total.
	Progress func(done, total int)
	Logger   *slog.Logger
}

// VideoStats reports how long the frames took.
type VideoStats struct {
	Frames int
	// RenderMS is the mean time to draw one frame, in milliseconds
	// (encoding excluded).
	RenderMS float64
	Elapsed  time.Duration
}

// Renderer returns a renderer for the result's camera.
func (r *Result) Renderer(o VideoOptions) (*render.Renderer, error) {
	return render.New(render.Options{Camera: r.Camera, Look: o.Look, Threads: o.Threads,
		WallDistanceM: o.WallDistanceM, NoAntiAlias: o.NoAntiAlias})
}

// RenderVideo draws every frame of the set and encodes them as an H.264
// MP4 at the set's frame rate (package video; needs ffmpeg).
func (r *Result) RenderVideo(ctx context.Context, path string, o VideoOptions) (VideoStats, error) {
	start := time.Now()
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rd, err := r.Renderer(o)
	if err != nil {
		return VideoStats{}, fmt.Errorf("rendering the simulated set: %w", err)
	}
	w, h := rd.Size()
	enc, err := video.Encode(ctx, path, w, h, video.EncodeOptions{FrameRate: r.Set.FPS,
		Duration: float64(len(r.Frames)) / r.Set.FPS, Logger: log})
	if err != nil {
		return VideoStats{}, err
	}
	buf := make([]byte, w*h*3)
	var drawing time.Duration
	for i, f := range r.Frames {
		t0 := time.Now()
		if err := rd.Render(ctx, f.Pose, buf); err != nil {
			enc.Abort()
			return VideoStats{}, fmt.Errorf("rendering frame %d of the simulated set: %w", i, err)
		}
		drawing += time.Since(t0)
		if err := enc.WriteFrame(buf, f.Time); err != nil {
			enc.Abort()
			return VideoStats{}, err
		}
		if o.Progress != nil {
			o.Progress(i+1, len(r.Frames))
		}
	}
	if err := enc.Close(); err != nil {
		return VideoStats{}, err
	}
	st := VideoStats{Frames: len(r.Frames), Elapsed: time.Since(start)}
	if st.Frames > 0 {
		st.RenderMS = float64(drawing.Microseconds()) / 1000 / float64(st.Frames)
	}
	log.Debug("rendered simulated set", "path", path, "frames", st.Frames, "ms_per_frame", st.RenderMS)
	return st, nil
}

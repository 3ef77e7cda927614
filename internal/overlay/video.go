package overlay

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"math"

	"github.com/kneetrack/kneetrack/internal/video"
)

// Match checks that a video is the one the annotator's keypoints were made
// from, as far as its metadata can tell: the same picture shape and a
// duration that covers the track. It returns the transform from the
// keypoints' pixels to the video's (an identity unless the track was made
// at another resolution).
func (a *Annotator) Match(info *video.Info) (Transform, error) {
	id := Transform{Scale: 1}
	tw, th := a.Size()
	if tw > 0 && th > 0 {
		sx, sy := float64(info.Width)/float64(tw), float64(info.Height)/float64(th)
		if math.Abs(sx-sy) > 0.02*math.Max(sx, sy) {
			return id, fmt.Errorf("the keypoints were made from a %dx%d picture, but %s is %dx%d: not the same video",
				tw, th, info.Path, info.Width, info.Height)
		}
		id.Scale = (sx + sy) / 2
	}
	_, last := a.Span()
	if info.Duration > 0 && last > info.Duration+0.5 {
		return id, fmt.Errorf("the keypoints run to %.1f s, but %s lasts %.1f s: not the same video", last, info.Path, info.Duration)
	}
	return id, nil
}

// MatchFrames is Match for frames of the video decoded at w x h, smaller
// than its displayed size when Decode scaled them down (DecodeOptions.
// MaxSide): the transform goes from the keypoints' pixels to the frames'.
func (a *Annotator) MatchFrames(info *video.Info, w, h int) (Transform, error) {
	tr, err := a.Match(info)
	if err != nil || info.Width <= 0 || info.Height <= 0 {
		return tr, err
	}
	// The scaled size is rounded to whole pixels, so the two ratios differ
	// by less than a pixel over the frame; their mean serves both axes.
	s := (float64(w)/float64(info.Width) + float64(h)/float64(info.Height)) / 2
	return Transform{Scale: tr.Scale * s, DX: tr.DX * s, DY: tr.DY * s}, nil
}

// VideoOptions adjusts RenderVideo.
type VideoOptions struct {
	// CRF is passed to the encoder (0: its default).
	CRF int
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Caption, when set, is written at the bottom right of every frame,
	// those without keypoints too (as Scene.Note), so that the video says
	// what it shows wherever it ends up (e.g. that the athlete is
	// simulated).
	Caption string
	// Progress, when set, is called after each frame written with the
	// frames done and the total the video's header gives.
	Progress func(done, total int)
}

// RenderVideo writes the video at in to out with the annotator's scene drawn
// on every frame: H.264 at the input's displayed size (scaled down to
// video.WorkingMaxSide on the longer side when larger, which bounds the
// memory of decoding, drawing and encoding), each frame at its own
// timestamp, lasting as long as the input (see video.Encode; the sound is
// not copied). The output appears only when complete; a failure leaves any
// existing file at out untouched. It returns the input's metadata.
func RenderVideo(ctx context.Context, in, out string, a *Annotator, opt VideoOptions) (*video.Info, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	info, err := video.Probe(ctx, in)
	if err != nil {
		return nil, err
	}
	w, h := video.ScaledSize(info.Width, info.Height, video.WorkingMaxSide)
	tr, err := a.MatchFrames(info, w, h)
	if err != nil {
		return nil, fmt.Errorf("annotating %s: %w", in, err)
	}
	r, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	dec, err := video.Decode(ctx, in, video.DecodeOptions{MaxSide: video.WorkingMaxSide, Info: info, Logger: log})
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	enc, err := video.Encode(ctx, out, w, h, video.EncodeOptions{FrameRate: info.AvgFrameRate, Duration: info.Duration,
		Source: in, CRF: opt.CRF, Logger: log})
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rgb := make([]byte, w*h*3)
	n := 0
	for f, err := range dec.All() {
		if err != nil {
			enc.Abort()
			return nil, err
		}
		RGBToRGBA(f.Pix, img)
		sc, ok := a.SceneAt(f.Time)
		if ok {
			sc = sc.Transformed(tr)
		}
		if opt.Caption != "" {
			sc.Note = opt.Caption
		}
		if ok || opt.Caption != "" {
			r.Draw(img, sc, Style{})
		}
		RGBAToRGB(img, rgb)
		if err := enc.WriteFrame(rgb, f.Time); err != nil {
			enc.Abort()
			return nil, err
		}
		n++
		if opt.Progress != nil {
			opt.Progress(n, info.FrameCount)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	log.Debug("annotated video written", "in", in, "out", out, "frames", n)
	return info, nil
}

// GrabFrames decodes the video at path and returns, for each of the given
// times (seconds from its start), the frame nearest to it, upright at the
// video's displayed size or, when larger, scaled down to
// video.WorkingMaxSide on the longer side (see MatchFrames), with the
// video's metadata. It stops decoding once past the last time.
func GrabFrames(ctx context.Context, path string, times []float64) ([]*image.RGBA, *video.Info, error) {
	if len(times) == 0 {
		return nil, nil, errors.New("overlay: no frame times to grab")
	}
	dec, err := video.Decode(ctx, path, video.DecodeOptions{MaxSide: video.WorkingMaxSide})
	if err != nil {
		return nil, nil, err
	}
	defer dec.Close()
	info := dec.Info()
	w, h := dec.Width(), dec.Height()
	best := make([][]byte, len(times))
	dist := make([]float64, len(times))
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	last := math.Inf(-1)
	for _, t := range times {
		last = math.Max(last, t)
	}
	for {
		f, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		for i, t := range times {
			if d := math.Abs(f.Time - t); d < dist[i] {
				dist[i] = d
				if best[i] == nil {
					best[i] = make([]byte, len(f.Pix))
				}
				copy(best[i], f.Pix)
			}
		}
		if f.Time > last+1 {
			break
		}
	}
	out := make([]*image.RGBA, len(times))
	for i, pix := range best {
		if pix == nil {
			return nil, nil, fmt.Errorf("overlay: %s has no frame near %.2f s", path, times[i])
		}
		out[i] = image.NewRGBA(image.Rect(0, 0, w, h))
		RGBToRGBA(pix, out[i])
	}
	return out, info, nil
}

// RGBToRGBA copies packed RGB24 pixels into img (same size, opaque).
func RGBToRGBA(rgb []byte, img *image.RGBA) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		src := rgb[y*w*3 : (y+1)*w*3]
		dst := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for x, j := 0, 0; x < w*3; x, j = x+3, j+4 {
			dst[j], dst[j+1], dst[j+2], dst[j+3] = src[x], src[x+1], src[x+2], 255
		}
	}
}

// RGBAToRGB copies img's pixels into packed RGB24 (alpha dropped).
func RGBAToRGB(img *image.RGBA, rgb []byte) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+w*4]
		dst := rgb[y*w*3 : (y+1)*w*3]
		for x, j := 0, 0; j < w*3; x, j = x+4, j+3 {
			dst[j], dst[j+1], dst[j+2] = src[x], src[x+1], src[x+2]
		}
	}
}

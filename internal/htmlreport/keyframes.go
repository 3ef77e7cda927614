package htmlreport

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// keyFrame is one key-frame picture with its caption.
type keyFrame struct {
	Title         string // "Worst rep", "Best rep"
	Rep           int    // 1-based
	TimeS         float64
	Src           template.URL // data: URI
	Width, Height int
	Alt           string
	Class         overlay.Class // the rep's class
	Lines         []string      // one per leg
}

// keyFrames draws the worst and best reps' deepest moments. With a video
// they are drawn on its frames; without one (or when it cannot be read) on
// a plain background, and note says so.
func keyFrames(ctx context.Context, set *valgus.SetResult, media SetMedia, in *Input) (frames []keyFrame, note string, err error) {
	if !set.Analysed || len(set.Reps) == 0 {
		return nil, "", nil
	}
	if set.CleanTrack == nil {
		return nil, "The analysis kept no keypoint track, so there are no key frames.", nil
	}
	g := gradedFor(set)
	worst, best, ok := set.KeyReps()
	if !ok {
		return nil, "No rep could be graded reliably, so there are no key frames.", nil
	}
	ann, err := overlay.NewAnnotator(set)
	if err != nil {
		return nil, "", err
	}
	r, err := overlay.NewRenderer()
	if err != nil {
		return nil, "", err
	}
	picks := []int{worst}
	titles := []string{"Worst rep"}
	if best != worst {
		picks = append(picks, best)
		titles = append(titles, "Best rep")
	} else {
		titles[0] = "The rep"
	}
	scenes := make([]overlay.Scene, len(picks))
	times := make([]float64, len(picks))
	for i, k := range picks {
		if scenes[i], err = ann.KeyScene(k); err != nil {
			return nil, "", err
		}
		times[i], _ = ann.KeyTime(k)
	}

	var pics []*image.RGBA
	toVideo := overlay.Transform{Scale: 1}
	w, h := ann.Size()
	if media.Video != "" {
		var perr error
		pics, toVideo, w, h, perr = videoFrames(ctx, media.Video, ann, times)
		if perr != nil {
			in.Logger.Warn("key frames drawn without the video", "video", media.Video, "err", perr)
			note = fmt.Sprintf("The video %s could not be used (%v), so the key frames show the keypoints on a plain background.", media.Video, perr)
			pics = nil
			toVideo = overlay.Transform{Scale: 1}
			w, h = ann.Size()
		}
	} else {
		note = media.VideoNote
		if note == "" {
			note = "The source video is not known for this track, so the key frames show the keypoints on a plain background."
		}
	}
	for i, k := range picks {
		sc := scenes[i].Transformed(toVideo)
		var pic image.Image
		if pics != nil {
			pic = pics[i]
		} else {
			sc.Note = "keypoints only: no video"
		}
		img, _ := r.Still(pic, w, h, sc, overlay.StillOptions{MaxSide: 720})
		src, err := dataURI(img, pics != nil)
		if err != nil {
			return nil, "", err
		}
		rep := set.Reps[k]
		kf := keyFrame{Title: titles[i], Rep: rep.Index, TimeS: times[i], Src: src,
			Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), Class: overlay.ClassOf(rep.Severity)}
		kf.Alt = keyFrameAlt(rep.Index, sc)
		for s := 0; s < 2; s++ {
			kf.Lines = append(kf.Lines, keyLine(rep, s, g))
		}
		frames = append(frames, kf)
	}
	return frames, note, nil
}

// videoFrames grabs the frames at the given times and checks that the video
// matches the keypoints. The frames of a video larger than
// video.WorkingMaxSide come scaled down; the transform and size returned
// are the frames'.
func videoFrames(ctx context.Context, path string, ann *overlay.Annotator, times []float64) ([]*image.RGBA, overlay.Transform, int, int, error) {
	pics, info, err := overlay.GrabFrames(ctx, path, times)
	if err != nil {
		return nil, overlay.Transform{}, 0, 0, err
	}
	w, h := pics[0].Bounds().Dx(), pics[0].Bounds().Dy()
	tr, err := ann.MatchFrames(info, w, h)
	if err != nil {
		return nil, overlay.Transform{}, 0, 0, err
	}
	return pics, tr, w, h, nil
}

// keyLine describes one leg in a key frame's caption.
func keyLine(r valgus.RepResult, s int, g graded) string {
	name := [2]string{"Left knee", "Right knee"}[s]
	rs := r.Side[s]
	if !rs.Assessed {
		return name + ": not the working leg"
	}
	line := fmt.Sprintf("%s: %s", name, sevWords(rs.Severity))
	if v := g.repValue(rs); !math.IsNaN(v) {
		if g.bilateral {
			line += fmt.Sprintf("; cave angle %s", sdeg(v))
		} else {
			line += fmt.Sprintf("; valgus angle %s above standing", sdeg(v))
		}
		if rs.PeakPhase != body.PhaseNone {
			line += " " + words.Phase(rs.PeakPhase).Name
		}
	}
	if !math.IsNaN(rs.KneeVsToe) && rs.KneeVsToe > 0 {
		line += fmt.Sprintf("; knee %.0f%% of the shank inside the toes", 100*rs.KneeVsToe)
	}
	return line
}

// dataURI encodes img as a JPEG (video frames) or PNG (flat drawings) data
// URI.
func dataURI(img image.Image, photo bool) (template.URL, error) {
	var buf bytes.Buffer
	mime := "image/png"
	var err error
	if photo {
		mime = "image/jpeg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	}
	if err != nil {
		return "", fmt.Errorf("encoding a key frame: %w", err)
	}
	// The content is our own encoded image, so it is safe as a URL.
	return template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

// keyFrameAlt is a key frame's text alternative: the rep, the moment shown
// (the scene's panel says which) and each graded knee's reading as drawn.
func keyFrameAlt(rep int, sc overlay.Scene) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Rep %d", rep)
	if len(sc.Panel) > 1 {
		fmt.Fprintf(&b, " (%s)", sc.Panel[1].Text)
	}
	b.WriteString(": the lifter with the skeleton drawn on")
	for s, l := range sc.Legs {
		if l == nil || l.Muted || l.Label == "" {
			continue
		}
		fmt.Fprintf(&b, "; %s knee %s, %s", words.Side(body.Side(s)), l.Label, l.Grade)
	}
	b.WriteString(". By each graded knee: the hip-ankle line, the toes line where the toes are seen, and an arrow from the line to the knee in the colour of its class.")
	return b.String()
}

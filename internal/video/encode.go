package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
)

// EncodeOptions adjusts Encode.
type EncodeOptions struct {
	// FrameRate is the nominal frames per second. It sets the duration of
	// the last frame (which no later timestamp bounds) unless Duration is
	// given.
	FrameRate float64
	// Duration, when positive and after the last timestamp, is when the
	// last frame ends: pass the input's Info.Duration to keep its length
	// exactly (for variable-rate video 1/FrameRate is not the last frame's
	// duration). Without Duration or FrameRate the last frame lasts as long
	// as the interval before it (1/30 s for a single frame).
	Duration float64
	// Source is the input video the frames come from. Encode refuses to
	// write over it.
	Source string
	// CRF is libx264's constant rate factor (lower is better quality and
	// larger); 0 means 20, visually close to lossless for annotations.
	CRF int
	// Preset is libx264's speed preset; "" means "veryfast".
	Preset string
	// Logger receives debug messages (the ffmpeg command); nil discards them.
	Logger *slog.Logger
}

// Encoder writes frames to an H.264 MP4 through an ffmpeg process. Use it
// from one goroutine; always Close it (or Abort it).
type Encoder struct {
	path, tmp     string
	ctx           context.Context
	width, height int
	frameRate     float64
	duration      float64

	cmd   *exec.Cmd
	stdin io.WriteCloser
	tail  *tailBuffer
	done  chan struct{}

	pending   []byte // the last frame given, held until its duration is known
	havePend  bool
	pendTS    uint64 // microseconds
	lastDelta uint64 // microseconds between the last two frames
	frames    int
	finished  bool
	err       error
}

// Encode starts writing an MP4 video of width x height pixels to path:
// H.264 (libx264), yuv420p, BT.709 colours, no B-frames, with the index at
// the front (+faststart) so browsers and phones start playing at once.
//
// Frames keep the timestamps given to WriteFrame, so the output has the
// timing of the input, variable frame rate included. ffmpeg writes to a
// temporary file beside path, renamed over path only when Close succeeds:
// a failed or cancelled encode never damages an existing file. Odd sizes
// are padded by one black pixel on the right or bottom, because yuv420p
// needs even dimensions.
func Encode(ctx context.Context, path string, width, height int, opts EncodeOptions) (*Encoder, error) {
	const op = "encode"
	if width <= 0 || height <= 0 {
		return nil, fmt.Errorf("video: encode %s: invalid frame size %dx%d", path, width, height)
	}
	if opts.FrameRate < 0 || math.IsNaN(opts.FrameRate) || math.IsInf(opts.FrameRate, 0) {
		return nil, fmt.Errorf("video: encode %s: invalid frame rate %v", path, opts.FrameRate)
	}
	if math.IsNaN(opts.Duration) || math.IsInf(opts.Duration, 0) {
		return nil, fmt.Errorf("video: encode %s: invalid duration %v", path, opts.Duration)
	}
	if err := checkNotSource(path, opts.Source); err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("video: encode %s: the output path is a directory", path)
	}
	ffmpeg, err := lookTool(op, "ffmpeg")
	if err != nil {
		return nil, err
	}
	tmpf, err := createTemp(path)
	if err != nil {
		return nil, fmt.Errorf("video: encode %s: creating the temporary output: %w", path, err)
	}
	tmp := tmpf.Name()
	_ = tmpf.Close()
	url, err := fileURL(op, tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}

	crf := opts.CRF
	if crf <= 0 {
		crf = 20
	}
	preset := opts.Preset
	if preset == "" {
		preset = "veryfast"
	}
	filter := ""
	if width%2 != 0 || height%2 != 0 {
		filter = "pad=ceil(iw/2)*2:ceil(ih/2)*2,"
	}
	filter += "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"
	args := []string{"-hide_banner", "-nostats", "-loglevel", "error"}
	args = append(args, localOnly...)
	args = append(args,
		"-f", "matroska", "-i", "pipe:0",
		"-map", "0:v:0", "-vf", filter,
		"-c:v", "libx264", "-preset", preset, "-crf", strconv.Itoa(crf),
		"-bf", "0", // no B-frames: decode order = display order, exact VFR timing
		"-pix_fmt", "yuv420p",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
		"-fps_mode", "passthrough", "-enc_time_base", "-1", // keep every frame and its timestamp
		"-video_track_timescale", "90000",
		"-movflags", "+faststart")
	args = append(args, localOnly...)
	args = append(args, "-f", "mp4", "-y", url)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log.Debug("video: starting ffmpeg", "path", path, "args", args)

	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	cmd.WaitDelay = waitDelay
	stdin, err := cmd.StdinPipe()
	if err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("video: encode %s: %w", path, err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("video: encode %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		_ = os.Remove(tmp)
		return nil, &Error{Op: op, Path: path, Kind: ErrFFmpeg, Detail: "cannot start ffmpeg", Hint: installHint, Err: err}
	}
	e := &Encoder{
		path: path, tmp: tmp, ctx: ctx, width: width, height: height, frameRate: opts.FrameRate,
		duration: opts.Duration,
		cmd:      cmd, stdin: stdin, tail: newTailBuffer(20), done: make(chan struct{}),
		pending: make([]byte, width*height*3),
	}
	go func() {
		defer close(e.done)
		readLines(stderr, e.tail.add)
	}()
	if err := writeMKVHeader(stdin, width, height); err != nil {
		return nil, e.fail(fmt.Errorf("writing to ffmpeg: %w", err))
	}
	return e, nil
}

// checkNotSource refuses an output path that names the input file.
func checkNotSource(path, source string) error {
	if source == "" {
		return nil
	}
	same := false
	if a, b := filepath.Clean(path), filepath.Clean(source); a == b {
		same = true
	} else if absA, err1 := filepath.Abs(a); err1 == nil {
		if absB, err2 := filepath.Abs(b); err2 == nil && absA == absB {
			same = true
		}
	}
	if !same {
		if sa, err := os.Stat(path); err == nil {
			if sb, err := os.Stat(source); err == nil && os.SameFile(sa, sb) {
				same = true
			}
		}
	}
	if same {
		return &Error{Op: "encode", Path: path, Kind: ErrSameFile,
			Detail: "the output would replace the video being read", Hint: "choose another output file name"}
	}
	return nil
}

// WriteFrame adds one frame: rgb is packed RGB24 of the encoder's size
// (copied, so the caller may reuse it at once) and ts its presentation time
// in seconds. Timestamps must be at least 0 and strictly increasing at
// microsecond resolution; for a constant rate pass index / fps.
func (e *Encoder) WriteFrame(rgb []byte, ts float64) error {
	if e.err != nil {
		return e.err
	}
	if e.finished {
		return fmt.Errorf("video: encode %s: encoder is closed", e.path)
	}
	if len(rgb) != e.width*e.height*3 {
		return fmt.Errorf("video: encode %s: frame %d has %d bytes, want %d (%dx%d RGB24)",
			e.path, e.frames, len(rgb), e.width*e.height*3, e.width, e.height)
	}
	if math.IsNaN(ts) || math.IsInf(ts, 0) || ts < 0 {
		return fmt.Errorf("video: encode %s: frame %d has invalid timestamp %v", e.path, e.frames, ts)
	}
	us := uint64(math.Round(ts * 1e6))
	if e.havePend && us <= e.pendTS {
		return fmt.Errorf("video: encode %s: frame %d timestamp %.6f s is not after the previous one (%.6f s)",
			e.path, e.frames, ts, float64(e.pendTS)/1e6)
	}
	if e.havePend {
		e.lastDelta = us - e.pendTS
		if err := writeMKVFrame(e.stdin, e.pendTS, e.lastDelta, e.pending); err != nil {
			return e.fail(fmt.Errorf("writing to ffmpeg: %w", err))
		}
	}
	copy(e.pending, rgb)
	e.pendTS = us
	e.havePend = true
	e.frames++
	return nil
}

// Close writes the last frame, waits for ffmpeg to finish the file and moves
// it into place. An encoder given no frame writes nothing and returns an
// error wrapping ErrNoFrames.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	if e.finished {
		return nil
	}
	if !e.havePend {
		return e.fail(&Error{Op: "encode", Path: e.path, Kind: ErrNoFrames,
			Detail: "no frame was written", Hint: "write at least one frame before closing"})
	}
	last := e.lastDelta
	if end := uint64(math.Round(e.duration * 1e6)); e.duration > 0 && end > e.pendTS {
		last = end - e.pendTS
	} else if e.frameRate > 0 {
		last = uint64(math.Round(1e6 / e.frameRate))
	}
	if last == 0 {
		last = uint64(math.Round(1e6 / 30))
	}
	if err := writeMKVFrame(e.stdin, e.pendTS, last, e.pending); err != nil {
		return e.fail(fmt.Errorf("writing to ffmpeg: %w", err))
	}
	if err := e.stdin.Close(); err != nil {
		return e.fail(fmt.Errorf("closing ffmpeg's input: %w", err))
	}
	<-e.done
	waitErr := e.cmd.Wait()
	e.finished = true
	if err := e.ctx.Err(); err != nil {
		_ = os.Remove(e.tmp)
		e.err = fmt.Errorf("video: encode %s: %w", e.path, err)
		return e.err
	}
	if waitErr != nil {
		_ = os.Remove(e.tmp)
		e.err = e.toolError(waitErr)
		return e.err
	}
	// ffmpeg 5.1 drops the last frame's duration (see mp4fix.go): set it.
	if err := setLastDuration(e.tmp, e.pendTS, e.pendTS+last); err != nil {
		_ = os.Remove(e.tmp)
		e.err = fmt.Errorf("video: encode %s: setting the last frame's duration: %w", e.path, err)
		return e.err
	}
	if err := os.Rename(e.tmp, e.path); err != nil {
		_ = os.Remove(e.tmp)
		e.err = fmt.Errorf("video: encode %s: moving the finished file into place: %w", e.path, err)
		return e.err
	}
	return nil
}

// Abort stops ffmpeg and discards the partial output; any existing file at
// the output path is left as it was. It is safe to call after Close.
func (e *Encoder) Abort() {
	if e.finished {
		return
	}
	e.finished = true
	_ = e.cmd.Process.Kill()
	_ = e.stdin.Close()
	<-e.done
	_ = e.cmd.Wait()
	_ = os.Remove(e.tmp)
	if e.err == nil {
		e.err = fmt.Errorf("video: encode %s: aborted", e.path)
	}
}

// fail records why encoding failed, stops ffmpeg, removes the temporary
// output and returns the error to report, preferring the context's error
// and then ffmpeg's own message over a broken-pipe error.
func (e *Encoder) fail(cause error) error {
	if e.finished {
		return e.err
	}
	e.finished = true
	_ = e.stdin.Close()
	_ = e.cmd.Process.Kill()
	<-e.done
	waitErr := e.cmd.Wait()
	_ = os.Remove(e.tmp)
	switch {
	case e.ctx.Err() != nil:
		e.err = fmt.Errorf("video: encode %s: %w", e.path, e.ctx.Err())
	case errors.As(cause, new(*Error)):
		e.err = cause
	case e.tail.String() != "":
		e.err = e.toolError(errors.Join(cause, waitErr))
	default:
		e.err = fmt.Errorf("video: encode %s: %w", e.path, cause)
	}
	return e.err
}

func (e *Encoder) toolError(err error) error {
	tail := e.tail.String()
	if hint, kind := classifyToolOutput(tail); kind != nil {
		return &Error{Op: "encode", Path: e.path, Kind: kind, Detail: shorten(tail, 300), Hint: hint, Err: err}
	}
	return &Error{Op: "encode", Path: e.path, Kind: ErrFFmpeg, Detail: shorten(tail, 300),
		Hint: "check that ffmpeg has libx264 (Debian's ffmpeg package does) and the folder is writable", Err: err}
}

// createTemp creates an empty temporary file beside path with the
// permissions a new file gets (0666 less the umask, like ffmpeg's own
// output; os.CreateTemp would make it 0600).
func createTemp(path string) (*os.File, error) { return atomicfile.CreateTemp(path, 0o666) }

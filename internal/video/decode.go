package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Frame is one decoded picture, upright, as packed RGB24 (3 bytes per pixel,
// rows top to bottom, no padding).
//
// A Frame returned by Decoder.Next, and its Pix, are reused by the next
// call to Next: they are valid until then. Call Clone to keep a frame.
type Frame struct {
	Index int     // 0 for the first frame, counting every frame decoded
	PTS   float64 // presentation timestamp stored in the file, seconds
	// Time is PTS minus the stream's start time (Info.StartTime): the
	// frame's time from the start of the video, seconds. Use it, not
	// Index / frame rate, to time events: it stays true for variable frame
	// rates and dropped frames.
	Time          float64
	Width, Height int
	Pix           []byte // len Width*Height*3
}

// Clone returns a deep copy of f that stays valid after the next Next.
func (f *Frame) Clone() *Frame {
	c := *f
	c.Pix = append([]byte(nil), f.Pix...)
	return &c
}

// WorkingMaxSide is the longest side, in pixels, of the frames kneetrack
// works on: the pose pipeline, the annotated video and the report's key
// frames pass it as DecodeOptions.MaxSide, so that ffmpeg scales larger
// videos down while decoding. 1920 leaves 1080p and smaller videos (either
// way up) untouched, and a person filling a 1080p picture is still several
// times larger than the 256-pixel crops the pose models read; what it saves
// is memory, which for 4K and 8K frames would otherwise grow with the
// resolution in ffmpeg, in the pipe and in every frame buffer.
const WorkingMaxSide = 1920

// DecodeOptions adjusts Decode.
type DecodeOptions struct {
	// MaxSide, when positive, scales frames down (never up) so that their
	// longer side is at most MaxSide pixels, keeping the aspect ratio
	// (ScaledSize gives the size). ffmpeg scales each frame before
	// converting it to RGB, so neither ffmpeg nor the Decoder ever holds a
	// full-size RGB frame. A position x, y in a scaled frame is
	// x * Info.Width / Width(), y * Info.Height / Height() in the video's
	// own pixels (pixel i covering [i, i+1) in both).
	MaxSide int
	// Info is the file's Probe result when the caller already has it;
	// nil makes Decode probe the file itself.
	Info *Info
	// Logger receives debug messages (the ffmpeg command); nil discards them.
	Logger *slog.Logger
}

// Decoder streams the frames of one video from an ffmpeg process. It holds
// one frame in memory whatever the video's length. Use it from one
// goroutine; always Close it.
type Decoder struct {
	info          *Info
	path          string
	ctx           context.Context
	width, height int

	cmd    *exec.Cmd
	stdout io.ReadCloser
	meta   *metaQueue
	tail   *tailBuffer
	done   chan struct{} // closed when stderr has been read to its end

	frame  Frame
	n      int
	err    error // sticky: the error Next returns from now on
	waited bool
}

var errDecoderClosed = errors.New("video: decoder is closed")

// Decode starts decoding the video at path. ffmpeg applies the display
// rotation (autorotation), so frames are upright at Info.Width x
// Info.Height (or scaled per opts.MaxSide), converts them to RGB24 and
// passes every frame through with its own timestamp (-fps_mode passthrough:
// no frame is duplicated or dropped to force a constant rate). Cancelling
// ctx kills ffmpeg; Next then returns the context's error.
func Decode(ctx context.Context, path string, opts DecodeOptions) (*Decoder, error) {
	const op = "decode"
	info := opts.Info
	if info == nil {
		var err error
		if info, err = Probe(ctx, path); err != nil {
			return nil, err
		}
	}
	ffmpeg, err := lookTool(op, "ffmpeg")
	if err != nil {
		return nil, err
	}
	url, err := fileURL(op, path)
	if err != nil {
		return nil, err
	}
	w, h := ScaledSize(info.Width, info.Height, opts.MaxSide)
	// settb=AVTB puts timestamps in microseconds whatever the stream's time
	// base, so the integer pts showinfo prints is exact to the microsecond
	// (its pts_time keeps only 6 significant digits). showinfo logs each
	// frame before ffmpeg writes it out, which is what pairs the two.
	filter := "settb=AVTB,"
	if w != info.Width || h != info.Height {
		filter += fmt.Sprintf("scale=%d:%d:flags=area,", w, h)
	}
	filter += "showinfo=checksum=0"
	args := []string{
		"-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
		"-copyts", // keep the file's own timestamps
	}
	if n := decodeThreads(info, runtime.NumCPU()); n > 0 {
		args = append(args, "-threads", strconv.Itoa(n))
	}
	args = append(args, localOnly...)
	args = append(args, "-i", url,
		"-map", "0:"+strconv.Itoa(info.StreamIndex), "-an", "-sn", "-dn",
		"-fps_mode", "passthrough",
		"-vf", filter,
		"-f", "rawvideo", "-pix_fmt", "rgb24")
	args = append(args, localOnly...)
	args = append(args, "pipe:1")
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log.Debug("video: starting ffmpeg", "path", path, "args", args)

	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	cmd.WaitDelay = waitDelay
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("video: decode %s: %w", path, err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("video: decode %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, &Error{Op: op, Path: path, Kind: ErrFFmpeg, Detail: "cannot start ffmpeg", Hint: installHint, Err: err}
	}
	d := &Decoder{
		info: info, path: path, ctx: ctx, width: w, height: h,
		cmd: cmd, stdout: stdout, meta: newMetaQueue(), tail: newTailBuffer(20),
		done: make(chan struct{}),
	}
	d.frame.Pix = make([]byte, w*h*3)
	go func() {
		defer close(d.done)
		defer d.meta.close()
		readLines(stderr, func(line string) {
			if m, ok := parseShowinfo(line); ok {
				d.meta.push(m)
			} else if !showinfoNoise.MatchString(line) {
				d.tail.add(line)
			}
		})
	}()
	return d, nil
}

// Info returns the probed metadata of the video being decoded.
func (d *Decoder) Info() *Info { return d.info }

// Width and Height return the size of the frames Next returns.
func (d *Decoder) Width() int  { return d.width }
func (d *Decoder) Height() int { return d.height }

// Next returns the next frame, or io.EOF after the last one. The returned
// Frame is reused by the following call (see Frame). A video that yields no
// frame at all returns an error wrapping ErrNoFrames instead of io.EOF.
func (d *Decoder) Next() (*Frame, error) {
	if d.err != nil {
		return nil, d.err
	}
	if _, err := io.ReadFull(d.stdout, d.frame.Pix); err != nil {
		d.err = d.finish(err)
		return nil, d.err
	}
	m, ok := d.meta.pop(metaWait)
	if !ok {
		// showinfo logs each frame before ffmpeg writes it, and with
		// passthrough every frame written is one it logged, so the record
		// is normally there already; if it is not, ffmpeg's output is out
		// of step with its log (or ffmpeg ended), and waiting longer
		// could deadlock on ffmpeg's full output pipe.
		d.err = d.finish(errors.New("ffmpeg gave a frame without its timestamp"))
		return nil, d.err
	}
	if m.n != d.n || m.w != d.width || m.h != d.height {
		d.stop()
		d.err = &Error{Op: "decode", Path: d.path, Kind: ErrFFmpeg,
			Detail: fmt.Sprintf("frame %d: ffmpeg reported frame %d of %dx%d, expected %dx%d",
				d.n, m.n, m.w, m.h, d.width, d.height),
			Hint: "please report this file"}
		return nil, d.err
	}
	pts := m.pts
	if math.IsNaN(pts) { // a frame without timestamp: place it one interval on
		pts = d.frame.PTS + nominalInterval(d.info)
	}
	d.frame.Index = d.n
	d.frame.PTS = pts
	d.frame.Time = pts - d.info.StartTime
	d.frame.Width, d.frame.Height = d.width, d.height
	d.n++
	return &d.frame, nil
}

// All returns an iterator over the remaining frames, for use in a range
// loop. It stops after the last frame; on a failure it yields the error
// once, with a nil frame. The frame yielded is reused as with Next.
func (d *Decoder) All() iter.Seq2[*Frame, error] {
	return func(yield func(*Frame, error) bool) {
		for {
			f, err := d.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

// Close stops ffmpeg if it is still running and waits for it to exit, so no
// process is left behind. It returns the error that ended decoding, if any
// (nil after io.EOF or after stopping early).
func (d *Decoder) Close() error {
	if d.err == nil {
		d.stop()
		d.err = errDecoderClosed
		return nil
	}
	if errors.Is(d.err, io.EOF) || errors.Is(d.err, errDecoderClosed) {
		return nil
	}
	return d.err
}

// stop kills ffmpeg and reaps it.
func (d *Decoder) stop() {
	if d.waited {
		return
	}
	_ = d.cmd.Process.Kill()
	<-d.done
	_ = d.cmd.Wait()
	d.waited = true
}

// finish reaps ffmpeg after its output ended (readErr) and returns the
// error Next should report.
func (d *Decoder) finish(readErr error) error {
	const op = "decode"
	atEOF := errors.Is(readErr, io.EOF)
	if !atEOF {
		_ = d.cmd.Process.Kill() // our own stop; ffmpeg may already have exited
	}
	<-d.done
	waitErr := d.cmd.Wait()
	d.waited = true
	if err := d.ctx.Err(); err != nil {
		return fmt.Errorf("video: decode %s: %w", d.path, err)
	}
	tail := d.tail.String()
	ws, _ := d.cmd.ProcessState.Sys().(syscall.WaitStatus)
	killedByUs := !atEOF && ws.Signaled() && ws.Signal() == syscall.SIGKILL
	if waitErr != nil && !killedByUs {
		if hint, kind := classifyToolOutput(tail); kind != nil {
			return &Error{Op: op, Path: d.path, Kind: kind, Detail: shorten(tail, 300), Hint: hint, Err: waitErr}
		}
		return &Error{Op: op, Path: d.path, Kind: ErrFFmpeg, Detail: shorten(tail, 300),
			Hint: "check the file plays in a video player", Err: waitErr}
	}
	if !atEOF {
		return &Error{Op: op, Path: d.path, Kind: ErrFFmpeg,
			Detail: fmt.Sprintf("after %d frames: %v", d.n, readErr),
			Hint:   "please report this file with the output of ffmpeg -version", Err: readErr}
	}
	if d.n == 0 {
		return &Error{Op: op, Path: d.path, Kind: ErrNoFrames,
			Detail: "ffmpeg decoded no frame; " + shorten(tail, 200), Hint: "record or export the video again"}
	}
	return io.EOF
}

// ScaledSize returns w x h scaled down so the longer side is at most
// maxSide (no change when maxSide <= 0 or the frame is already small): the
// size of the frames Decode gives with DecodeOptions.MaxSide.
func ScaledSize(w, h, maxSide int) (int, int) {
	long := max(w, h)
	if maxSide <= 0 || long <= maxSide {
		return w, h
	}
	f := float64(maxSide) / float64(long)
	sw := max(1, int(math.Round(float64(w)*f)))
	sh := max(1, int(math.Round(float64(h)*f)))
	return sw, sh
}

// decoderFrameBudget bounds the memory ffmpeg's decoder spends on the
// frames it decodes in parallel. With frame threading, its default, each
// thread holds about two decoded frames: a 2-s 8K clip took 415 MB in
// ffmpeg on a 2-core machine (3 threads) even with the frames scaled down
// after decoding, 221 MB with one thread, and a 16-core machine would run
// 16 threads (ffmpeg's most).
const decoderFrameBudget = 64 << 20

// decodeThreads returns how many threads ffmpeg's decoder may use for the
// video, on a machine with cpus cores: 0 (ffmpeg's own choice, one per core
// plus one) when that many fit decoderFrameBudget, else as many as fit, at
// least one. For 8-bit 4:2:0 video that allows 10 threads at 1080p, 2 at
// 4K and 1 at 8K (on machines with more cores than that).
func decodeThreads(info *Info, cpus int) int {
	perThread := 2 * frameBytes(info.CodedWidth, info.CodedHeight, info.PixelFormat)
	if perThread <= 0 {
		return 0
	}
	n := decoderFrameBudget / perThread
	if n > cpus {
		return 0
	}
	return max(1, n)
}

// highBitDepth matches pixel formats with more than 8 bits a sample
// (yuv420p10le, p010le, yuv444p12be, ...), stored in 2 bytes.
var highBitDepth = regexp.MustCompile(`(p|^p0)(9|1[0-6])(le|be)?$`)

// frameBytes estimates the size of one decoded frame of w x h pixels in the
// pixel format ffprobe named: 1.5 bytes a pixel for 4:2:0, 2 for 4:2:2 and
// 3 for 4:4:4, RGB and anything not recognised; twice as much above 8 bits.
func frameBytes(w, h int, pixFmt string) int {
	perPixel := 3.0
	switch {
	case strings.Contains(pixFmt, "420"), strings.HasPrefix(pixFmt, "nv12"), strings.HasPrefix(pixFmt, "nv21"),
		strings.HasPrefix(pixFmt, "p010"), strings.HasPrefix(pixFmt, "p016"):
		perPixel = 1.5
	case strings.Contains(pixFmt, "422"):
		perPixel = 2
	}
	if highBitDepth.MatchString(pixFmt) {
		perPixel *= 2
	}
	return int(perPixel * float64(w) * float64(h))
}

// nominalInterval is the expected time between frames, seconds.
func nominalInterval(info *Info) float64 {
	switch {
	case info.AvgFrameRate > 0:
		return 1 / info.AvgFrameRate
	case info.RealFrameRate > 0:
		return 1 / info.RealFrameRate
	}
	return 1.0 / 30
}

// frameMeta is what showinfo says about one frame.
type frameMeta struct {
	n    int
	pts  float64 // seconds; NaN when the frame had no timestamp
	w, h int
}

// showinfoLine matches showinfo's per-frame line, e.g.
// "[Parsed_showinfo_2 @ 0x...] n:  12 pts: 400000 pts_time:0.4 ... s:1280x720 ...".
var showinfoLine = regexp.MustCompile(`^\[Parsed_showinfo_\d+ @ [^\]]*\] n:\s*(\d+)\s+pts:\s*(\S+)\s+pts_time:\S+.*\bs:(\d+)x(\d+)`)

// showinfoNoise matches showinfo's other lines (side data, colour info),
// which are dropped rather than kept as possible error context.
var showinfoNoise = regexp.MustCompile(`^\[Parsed_showinfo_\d+ @ `)

func parseShowinfo(line string) (frameMeta, bool) {
	m := showinfoLine.FindStringSubmatch(line)
	if m == nil {
		return frameMeta{}, false
	}
	n, err1 := strconv.Atoi(m[1])
	w, err2 := strconv.Atoi(m[3])
	h, err3 := strconv.Atoi(m[4])
	if err1 != nil || err2 != nil || err3 != nil {
		return frameMeta{}, false
	}
	pts := math.NaN()
	if us, err := strconv.ParseInt(m[2], 10, 64); err == nil {
		pts = float64(us) / 1e6 // microseconds, thanks to settb=AVTB
	}
	return frameMeta{n: n, pts: pts, w: w, h: h}, true
}

// metaQueue hands showinfo's per-frame records from the stderr reader to
// Next. It never blocks the reader (so ffmpeg never stalls on stderr); it
// stays short because showinfo runs only a few frames ahead of the output.
type metaQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []frameMeta
	closed bool
}

func newMetaQueue() *metaQueue {
	q := &metaQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *metaQueue) push(m frameMeta) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *metaQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// metaWait bounds how long Next waits for the record of a frame it has
// already read; the record is written before the frame, so this is only a
// safety net against a hang, never reached in normal operation.
const metaWait = 30 * time.Second

// pop waits for the next record, at most timeout; ok is false when none
// came.
func (q *metaQueue) pop(timeout time.Duration) (frameMeta, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.closed {
		expired := false
		t := time.AfterFunc(timeout, func() {
			q.mu.Lock()
			expired = true
			q.mu.Unlock()
			q.cond.Broadcast()
		})
		defer t.Stop()
		for len(q.items) == 0 && !q.closed && !expired {
			q.cond.Wait()
		}
	}
	if len(q.items) == 0 {
		return frameMeta{}, false
	}
	m := q.items[0]
	q.items = q.items[1:]
	return m, true
}

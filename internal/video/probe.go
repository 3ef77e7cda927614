package video

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// Info is what Probe learns about a file's video stream.
type Info struct {
	Path      string // the file probed
	Container string // ffprobe's format name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "mpegts"

	StreamIndex int    // index of the video stream used (cover pictures are skipped)
	Codec       string // codec name, e.g. "h264", "hevc"
	PixelFormat string // e.g. "yuv420p"
	HasAudio    bool   // the file also holds an audio stream

	// CodedWidth and CodedHeight are the frame size as stored in the stream,
	// before rotation (ffprobe's width and height, not its padded
	// coded_width).
	CodedWidth, CodedHeight int
	// Rotation is how far the stored frames are turned clockwise to be shown
	// upright: 0, 90, 180 or 270 degrees. Phones store portrait video as
	// landscape frames plus this rotation.
	Rotation int
	// Width and Height are the size as displayed, after rotation; decoded
	// frames have this size (unless scaled).
	Width, Height int

	Duration  float64 // seconds: the video stream's, else the container's
	StartTime float64 // presentation time of the first frame, seconds

	AvgFrameRate  float64 // frames divided by duration (ffprobe avg_frame_rate)
	RealFrameRate float64 // the base rate all timestamps fit (ffprobe r_frame_rate)

	// FrameCount is the number of frames in the stream, counted from the
	// packets the container holds (one per frame), so it is exact even
	// when the container records no count (MPEG-TS).
	FrameCount int
	// VariableFrameRate is true when the intervals between frame timestamps
	// vary, beyond rounding and beyond whole missing frames: such video must
	// be timed by each frame's timestamp, never by index / frame rate.
	VariableFrameRate bool
	// MissingFrames counts frames missing from an otherwise constant-rate
	// stream: an interval of k nominal intervals counts k-1 missing frames.
	MissingFrames int
	// MinFrameInterval and MaxFrameInterval are the shortest and longest
	// intervals between consecutive frame timestamps, seconds.
	MinFrameInterval, MaxFrameInterval float64
}

// Probe reads a file's metadata with ffprobe and returns its video stream's
// Info. It runs ffprobe twice: once for the stream and container headers
// (JSON) and once over the packet timestamps of the video stream, which is
// demuxing only (no decoding) and so fast, to count frames exactly, detect a
// variable frame rate and notice a truncated file.
func Probe(ctx context.Context, path string) (*Info, error) {
	const op = "probe"
	if err := checkInput(op, path); err != nil {
		return nil, err
	}
	ffprobe, err := lookTool(op, "ffprobe")
	if err != nil {
		return nil, err
	}
	url, err := fileURL(op, path)
	if err != nil {
		return nil, err
	}
	args := append([]string{"-v", "error"}, localOnly...)
	out, stderr, err := runTool(ctx, ffprobe, append(args, "-print_format", "json",
		"-show_format", "-show_streams", url)...)
	if err != nil {
		err = toolFailure(ctx, op, path, stderr, err)
		var ve *Error
		if errors.As(err, &ve) && ve.Kind == ErrTruncated && !looksLikeMP4(path) {
			// ffprobe guesses MP4 from the name and then misses its index:
			// without MP4 boxes at the start the file was never a video.
			ve.Kind, ve.Hint = ErrNotVideo, notVideoHint
			ve.Detail = "ffmpeg does not recognise its contents"
		}
		return nil, err
	}
	var pj probeJSON
	if err := json.Unmarshal(out, &pj); err != nil {
		return nil, &Error{Op: op, Path: path, Kind: ErrFFmpeg,
			Detail: "cannot parse ffprobe's output", Hint: "check that ffprobe works: ffprobe " + url, Err: err}
	}
	info, err := infoFromJSON(op, path, &pj)
	if err != nil {
		return nil, err
	}
	vs := streamByIndex(&pj, info.StreamIndex)
	if err := scanPackets(ctx, ffprobe, url, info, vs.NbFrames, parseRational(vs.TimeBase)); err != nil {
		return nil, err
	}
	if info.CodedWidth <= 0 || info.CodedHeight <= 0 {
		return nil, &Error{Op: op, Path: path, Kind: ErrUnsupportedCodec,
			Detail: "ffprobe cannot tell the frame size of codec " + info.Codec, Hint: unsupportedHint}
	}
	return info, nil
}

// checkInput gives a clear error for a path that cannot be a readable video
// before any tool runs.
func checkInput(op, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("video: %s %s: %w", op, path, err)
	}
	if st.IsDir() {
		return &Error{Op: op, Path: path, Kind: ErrNotVideo, Detail: "it is a directory", Hint: notVideoHint}
	}
	if st.Size() == 0 {
		return &Error{Op: op, Path: path, Kind: ErrNotVideo, Detail: "the file is empty", Hint: notVideoHint}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("video: %s %s: %w", op, path, err)
	}
	return f.Close()
}

// looksLikeMP4 reports whether a file starts with an MP4/QuickTime box, so
// that a missing index means a truncated video rather than another kind of
// file.
func looksLikeMP4(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [8]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return false
	}
	switch string(head[4:8]) {
	case "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid":
		return true
	}
	return false
}

// runTool runs a tool to completion and returns its stdout and stderr.
func runTool(ctx context.Context, tool string, args ...string) (stdout []byte, stderr string, err error) {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.WaitDelay = waitDelay
	var o, e bytes.Buffer
	cmd.Stdout = &o
	cmd.Stderr = &e
	err = cmd.Run()
	return o.Bytes(), e.String(), err
}

// toolFailure turns a failed tool run into the matching error.
func toolFailure(ctx context.Context, op, path, stderr string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("video: %s %s: %w", op, path, ctx.Err())
	}
	if hint, kind := classifyToolOutput(stderr); kind != nil {
		return &Error{Op: op, Path: path, Kind: kind, Detail: shorten(stderr, 300), Hint: hint, Err: err}
	}
	return &Error{Op: op, Path: path, Kind: ErrFFmpeg, Detail: shorten(stderr, 300),
		Hint: "check the file plays in a video player", Err: err}
}

type probeJSON struct {
	Streams []probeStream `json:"streams"`
	Format  struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		StartTime  string `json:"start_time"`
	} `json:"format"`
}

type probeStream struct {
	Index        int               `json:"index"`
	CodecType    string            `json:"codec_type"`
	CodecName    string            `json:"codec_name"`
	CodecTag     string            `json:"codec_tag_string"`
	Width        int               `json:"width"`
	Height       int               `json:"height"`
	PixFmt       string            `json:"pix_fmt"`
	RFrameRate   string            `json:"r_frame_rate"`
	AvgFrameRate string            `json:"avg_frame_rate"`
	TimeBase     string            `json:"time_base"`
	StartTime    string            `json:"start_time"`
	Duration     string            `json:"duration"`
	NbFrames     string            `json:"nb_frames"`
	Disposition  map[string]int    `json:"disposition"`
	Tags         map[string]string `json:"tags"`
	SideData     []struct {
		Type     string   `json:"side_data_type"`
		Rotation *float64 `json:"rotation"`
	} `json:"side_data_list"`
}

// isStillImageFormat reports whether ffprobe's format name is one of its
// single-image readers, which make a renamed JPEG or PNG look like a
// one-frame video.
func isStillImageFormat(name string) bool {
	return strings.HasSuffix(name, "_pipe") || name == "image2" || name == "image2pipe"
}

// infoFromJSON fills an Info from ffprobe's JSON, choosing the first video
// stream that is not a cover picture.
func infoFromJSON(op, path string, pj *probeJSON) (*Info, error) {
	if isStillImageFormat(pj.Format.FormatName) {
		return nil, &Error{Op: op, Path: path, Kind: ErrNotVideo,
			Detail: "it is a still image (" + pj.Format.FormatName + ")", Hint: notVideoHint}
	}
	var vs *probeStream
	var audio []string
	for i := range pj.Streams {
		s := &pj.Streams[i]
		switch s.CodecType {
		case "audio":
			audio = append(audio, s.CodecName)
		case "video":
			if vs == nil && s.Disposition["attached_pic"] == 0 && s.Disposition["still_image"] == 0 {
				vs = s
			}
		}
	}
	if vs == nil {
		detail := "the file holds no video stream"
		if len(audio) > 0 {
			detail = "audio only: " + strings.Join(audio, ", ")
		}
		return nil, &Error{Op: op, Path: path, Kind: ErrNoVideoStream, Detail: detail,
			Hint: "give the video file itself, not an audio recording or an export without picture"}
	}
	if vs.CodecName == "" || vs.CodecName == "unknown" || vs.CodecName == "none" {
		return nil, &Error{Op: op, Path: path, Kind: ErrUnsupportedCodec,
			Detail: fmt.Sprintf("ffmpeg does not know the codec with tag %q", vs.CodecTag), Hint: unsupportedHint}
	}
	info := &Info{
		Path:          path,
		Container:     pj.Format.FormatName,
		StreamIndex:   vs.Index,
		Codec:         vs.CodecName,
		PixelFormat:   vs.PixFmt,
		HasAudio:      len(audio) > 0,
		CodedWidth:    vs.Width,
		CodedHeight:   vs.Height,
		AvgFrameRate:  parseRational(vs.AvgFrameRate),
		RealFrameRate: parseRational(vs.RFrameRate),
	}
	info.Rotation = streamRotation(vs)
	info.Width, info.Height = vs.Width, vs.Height
	if info.Rotation == 90 || info.Rotation == 270 {
		info.Width, info.Height = vs.Height, vs.Width
	}
	info.Duration = parseSeconds(vs.Duration)
	if math.IsNaN(info.Duration) {
		info.Duration = parseSeconds(pj.Format.Duration)
	}
	info.StartTime = parseSeconds(vs.StartTime)
	if math.IsNaN(info.StartTime) {
		info.StartTime = parseSeconds(pj.Format.StartTime)
	}
	return info, nil
}

// streamRotation returns the clockwise display rotation of a stream. The
// display matrix side data is authoritative; ffprobe reports its angle
// counter-clockwise, so it is negated. Older files and tools carry a
// "rotate" tag instead, which is already clockwise. The result is snapped to
// the nearest quarter turn, as ffmpeg's own autorotation does.
func streamRotation(s *probeStream) int {
	for _, sd := range s.SideData {
		if sd.Rotation != nil && sd.Type == "Display Matrix" {
			return quarterTurn(-*sd.Rotation)
		}
	}
	if v, ok := s.Tags["rotate"]; ok {
		if deg, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return quarterTurn(deg)
		}
	}
	return 0
}

// quarterTurn normalises an angle in degrees to 0, 90, 180 or 270.
func quarterTurn(deg float64) int {
	if math.IsNaN(deg) || math.IsInf(deg, 0) {
		return 0
	}
	q := int(math.Round(deg/90)) % 4
	if q < 0 {
		q += 4
	}
	return q * 90
}

// parseRational parses ffprobe's "num/den" (or a plain number); 0 when
// absent or undefined ("0/0").
func parseRational(s string) float64 {
	num, den, found := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0
	}
	if !found {
		return n
	}
	d, err := strconv.ParseFloat(den, 64)
	if err != nil || d == 0 {
		return 0
	}
	return n / d
}

// parseSeconds parses a time in seconds; NaN when absent ("N/A").
func parseSeconds(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// scanPackets reads the presentation timestamps of every packet of the
// video stream (ffprobe -show_entries packet=pts,dts,flags) and completes
// info with the frame count and frame-interval statistics. It reports a
// truncated file when ffprobe meets the end of the data early. url is the
// file's fileURL.
func scanPackets(ctx context.Context, ffprobe, url string, info *Info, nbFrames string, tb float64) error {
	const op = "probe"
	args := append([]string{"-v", "error"}, localOnly...)
	out, stderr, err := runTool(ctx, ffprobe, append(args,
		"-select_streams", strconv.Itoa(info.StreamIndex),
		"-show_entries", "packet=pts,dts,flags", "-of", "csv=p=0", url)...)
	if err != nil {
		return toolFailure(ctx, op, info.Path, stderr, err)
	}
	var ticks []int64
	total := 0
	for line := range strings.Lines(string(out)) {
		// "pts,dts,flags", sometimes followed by an empty side-data field;
		// side data also adds blank lines.
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 3 {
			continue
		}
		total++
		if strings.Contains(f[2], "D") {
			continue // marked to be discarded (outside the edit list)
		}
		t, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			if t, err = strconv.ParseInt(f[1], 10, 64); err != nil {
				continue
			}
		}
		ticks = append(ticks, t)
	}
	want, _ := strconv.Atoi(nbFrames)
	if strings.Contains(stderr, "partial file") || (want > 0 && total < want) {
		return &Error{Op: op, Path: info.Path, Kind: ErrTruncated,
			Detail: fmt.Sprintf("%d of the %d frames the header lists are present", total, want),
			Hint:   truncatedHint}
	}
	if len(ticks) == 0 {
		return &Error{Op: op, Path: info.Path, Kind: ErrNoFrames,
			Detail: "the video stream holds no frames", Hint: "record or export the video again"}
	}
	info.FrameCount = len(ticks)
	slices.Sort(ticks)
	st := analyseIntervals(ticks)
	info.VariableFrameRate = st.variable
	info.MissingFrames = st.missing
	info.MinFrameInterval = float64(st.min) * tb
	info.MaxFrameInterval = float64(st.max) * tb
	if math.IsNaN(info.StartTime) {
		info.StartTime = float64(ticks[0]) * tb
	}
	if math.IsNaN(info.Duration) {
		info.Duration = float64(ticks[len(ticks)-1]-ticks[0]+st.median) * tb
	}
	return nil
}

// intervalStats summarises the intervals between sorted frame timestamps,
// in time-base ticks.
type intervalStats struct {
	min, max, median int64
	variable         bool
	missing          int
}

// analyseIntervals classifies the intervals between sorted timestamps.
// The typical interval is the median. An interval within max(2 ticks, 2%)
// of it is regular (this absorbs timestamp rounding and camera-clock
// jitter). An interval close to a whole multiple k>=2 of it is a gap of k-1
// missing frames in a constant-rate stream, as long as such gaps are rare
// (at most 2% of the intervals): many of them mean the rate itself changes
// (30 fps falling to 15 fps looks like every other frame missing). Any
// other interval makes the rate variable.
func analyseIntervals(ticks []int64) intervalStats {
	var st intervalStats
	if len(ticks) < 2 {
		return st
	}
	d := make([]int64, 0, len(ticks)-1)
	for i := 1; i < len(ticks); i++ {
		d = append(d, ticks[i]-ticks[i-1])
	}
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	st.min, st.max = sorted[0], sorted[len(sorted)-1]
	m := sorted[len(sorted)/2]
	st.median = m
	tol := max(2, float64(m)*0.02)
	gaps := 0
	for _, v := range d {
		if math.Abs(float64(v-m)) <= tol {
			continue
		}
		k := math.Round(float64(v) / float64(m))
		if m > 0 && k >= 2 && math.Abs(float64(v)-k*float64(m)) <= tol*k {
			gaps++
			st.missing += int(k) - 1
			continue
		}
		st.variable = true
	}
	if float64(gaps) > 0.02*float64(len(d)) {
		st.variable = true
	}
	if st.variable {
		st.missing = 0
	}
	return st
}

// streamByIndex returns the stream with the given index.
func streamByIndex(pj *probeJSON, index int) *probeStream {
	for i := range pj.Streams {
		if pj.Streams[i].Index == index {
			return &pj.Streams[i]
		}
	}
	return &probeStream{}
}

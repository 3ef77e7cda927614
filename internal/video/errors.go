package video

import (
	"errors"
	"strings"
)

// Sentinel errors. Every failure to read or write a video wraps exactly one
// of them inside an *Error, so callers can branch with errors.Is and report
// the *Error's message, which names the file and the fix.
var (
	// ErrToolMissing: ffmpeg or ffprobe is not installed or not on PATH.
	ErrToolMissing = errors.New("ffmpeg/ffprobe not found")
	// ErrToolTooOld: the installed ffmpeg lacks an option this package needs.
	ErrToolTooOld = errors.New("ffmpeg is too old")
	// ErrNotVideo: the file is not a video ffmpeg recognises (text, a still
	// image, random bytes).
	ErrNotVideo = errors.New("not a video file")
	// ErrNoVideoStream: the file is a media file without a video stream,
	// e.g. an audio recording.
	ErrNoVideoStream = errors.New("no video stream")
	// ErrTruncated: the file stops early (an interrupted recording, copy or
	// download).
	ErrTruncated = errors.New("file is truncated")
	// ErrNoFrames: the video stream holds no frames.
	ErrNoFrames = errors.New("video has no frames")
	// ErrUnsupportedCodec: ffmpeg has no decoder for the video's codec.
	ErrUnsupportedCodec = errors.New("unsupported video codec")
	// ErrSameFile: an encode would write over its own input.
	ErrSameFile = errors.New("output is the input file")
	// ErrFFmpeg: ffmpeg or ffprobe failed for another reason; the message
	// carries the tool's own words.
	ErrFFmpeg = errors.New("ffmpeg failed")
)

// installHint is the fix given whenever ffmpeg or ffprobe is missing.
const installHint = "install ffmpeg, which provides both ffmpeg and ffprobe " +
	"(Debian/Ubuntu: sudo apt-get install ffmpeg; or run scripts/setup.sh)"

// Error describes a failure on one file: which operation, which file, which
// kind of problem (one of the sentinel errors), what the tool said, and what
// the user can do about it.
type Error struct {
	Op     string // "probe", "decode" or "encode"
	Path   string // the file concerned (or the missing tool)
	Kind   error  // one of the sentinel errors above
	Detail string // what was found, often the tool's last error lines
	Hint   string // what to do about it
	Err    error  // underlying error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("video: ")
	b.WriteString(e.Op)
	b.WriteString(" ")
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(" (")
		b.WriteString(e.Detail)
		b.WriteString(")")
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap lets errors.Is match both the sentinel kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// classifyToolOutput maps what ffmpeg or ffprobe wrote to stderr when it
// failed to a hint and a sentinel kind; kind is nil when nothing matched.
func classifyToolOutput(stderr string) (hint string, kind error) {
	s := strings.ToLower(stderr)
	switch {
	case strings.Contains(s, "moov atom not found"),
		strings.Contains(s, "partial file"):
		return truncatedHint, ErrTruncated
	case strings.Contains(s, "decoder (codec") && strings.Contains(s, "not found"),
		strings.Contains(s, "unknown codec"):
		return unsupportedHint, ErrUnsupportedCodec
	case strings.Contains(s, "unrecognized option 'fps_mode'"),
		strings.Contains(s, "unrecognized option 'enc_time_base'"):
		return "ffmpeg 5.1 or newer is needed (Debian 12 ships it)", ErrToolTooOld
	case strings.Contains(s, "invalid data found when processing input"):
		return notVideoHint, ErrNotVideo
	}
	return "", nil
}

const (
	truncatedHint = "the file ends early, e.g. an interrupted recording, copy or download; " +
		"copy or export it again from the original"
	notVideoHint    = "give a video file such as an MP4 or MOV straight from the phone or camera"
	unsupportedHint = "convert it to H.264 first, e.g. ffmpeg -i IN -c:v libx264 -pix_fmt yuv420p OUT.mp4"
)

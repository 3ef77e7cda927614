package track

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/video"
)

// LoadOptions controls Load.
type LoadOptions struct {
	// Camera films 3D tracks (motion capture) to give them image positions;
	// the zero value is a phone in front of the lifter at hip height, 3 m away.
	Camera Camera
	// OpenPose fills what OpenPose folders do not record (frame rate, size).
	OpenPose OpenPoseOptions
}

// Load reads a keypoint track from a file or folder, choosing the reader from
// what it finds: a folder of OpenPose JSON files, a .trc file, or a kneetrack
// track JSON file. A 3D track without image positions (motion capture) is
// filmed with opt.Camera so that it can be analysed like a video's track.
//
// It reads only regular files (a device such as /dev/zero or a named pipe
// is refused before it is opened for reading), looks at the first bytes
// before reading the rest, and reads at most 1 GiB; the readers check every
// number and clean every string (docs/track-json.md).
func Load(path string, opt LoadOptions) (*Track, error) {
	shown := CleanText(path)
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("opening track: %w", cleanPathError(err))
	}
	if st.IsDir() {
		o := opt.OpenPose
		if o.Source == "" {
			o.Source = path
		}
		return ReadOpenPose(os.DirFS(path), o)
	}
	isVideo := func() error {
		return fmt.Errorf("%s is a video, not a keypoint track: find the lifter's keypoints first "+
			"(package pose, or `kneetrack pose`; `kneetrack analyze` does it for you)", shown)
	}
	if video.IsName(path) {
		return nil, isVideo()
	}
	if !st.Mode().IsRegular() {
		return nil, notRegularError(shown, st.Mode())
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, fmt.Errorf("opening track: %w", cleanPathError(err))
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("opening track: %w", cleanPathError(err))
	}
	if !st.Mode().IsRegular() { // replaced since the first look
		return nil, notRegularError(shown, st.Mode())
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("reading track %s: %w", shown, cleanPathError(err))
	}
	head = head[:n]
	if video.LooksLike(head) {
		return nil, isVideo()
	}
	if st.Size() > maxTrackBytes {
		return nil, fmt.Errorf("%s is %s, larger than the %s kneetrack reads for one track: it is not a track, or one too long; cut the recording into shorter sets",
			shown, sizeText(st.Size()), sizeText(maxTrackBytes))
	}
	name := CleanText(filepath.Base(path))
	body := io.MultiReader(bytes.NewReader(head), f)
	start := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	isTRC := bytes.HasPrefix(start, []byte("PathFileType"))
	var t *Track
	switch {
	case isTRC || (strings.EqualFold(filepath.Ext(path), ".trc") && len(start) == 0):
		t, err = ReadTRC(body, name)
	case strings.EqualFold(filepath.Ext(path), ".trc"):
		return nil, fmt.Errorf("%s is not a TRC file: a TRC file starts with a PathFileType line, this one looks like %s", shown, describeContent(head))
	case bytes.HasPrefix(start, []byte("{")):
		if IsOpenPoseName(path) {
			return nil, fmt.Errorf("%s is a single OpenPose frame: pass the folder that holds all the *_keypoints.json files", shown)
		}
		t, err = readJSON(body, name)
		if err == nil && t.Video.Source == "" {
			t.Video.Source = name
		}
	default:
		return nil, fmt.Errorf("%s: unknown file type: not a video, a kneetrack track (.json), a .trc file or an OpenPose JSON folder "+
			"(it looks like %s; a kneetrack track starts with {, a TRC file with PathFileType)", shown, describeContent(head))
	}
	if err != nil {
		return nil, err
	}
	if needsProjection(t) {
		t, err = Project(t, opt.Camera)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", shown, err)
		}
	}
	return t, nil
}

// openRegular opens a file for reading without blocking on a named pipe
// that took its place (O_NONBLOCK; it changes nothing for a regular file).
func openRegular(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// notRegularError refuses a device, pipe or socket.
func notRegularError(shown string, mode fs.FileMode) error {
	return fmt.Errorf("%s is %s, not a file: kneetrack reads a track from a regular file (a kneetrack track .json or a .trc file) "+
		"or from an OpenPose JSON folder", shown, atomicfile.KindOf(mode.Type()))
}

// cleanPathError makes the path inside an fs.PathError safe to print,
// keeping the error it wraps (errors.Is(err, fs.ErrNotExist) still holds).
func cleanPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: CleanText(pe.Path), Err: pe.Err}
	}
	return err
}

// describeContent says what a file looks like from its first bytes, for a
// message refusing it.
func describeContent(head []byte) string {
	b := bytes.TrimPrefix(head, utf8BOM)
	switch {
	case len(b) == 0:
		return "an empty file"
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "a PNG image"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "a JPEG image"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "a GIF image"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a ZIP archive (or an office document)"
	case bytes.HasPrefix(b, []byte{0x1F, 0x8B}):
		return "gzip-compressed data"
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		return "a program"
	case bytes.HasPrefix(b, []byte("ID3")), bytes.HasPrefix(b, []byte("OggS")), bytes.HasPrefix(b, []byte("fLaC")),
		len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "an audio file"
	}
	valid := b
	for k := 1; k < utf8.UTFMax && len(valid) > 0 && !utf8.Valid(valid); k++ {
		valid = valid[:len(valid)-1] // the head may end inside a character
	}
	control := func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }
	if !utf8.Valid(valid) || bytes.IndexFunc(b, control) >= 0 {
		return "binary data"
	}
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '[' {
		return "JSON holding a list, not a kneetrack track (a JSON object)"
	}
	line := strings.TrimLeft(string(valid), " \t\r\n")
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 40 {
		line = string(r[:40]) + "..."
	}
	return fmt.Sprintf("text starting %q", CleanText(line))
}

// needsProjection reports whether t has world positions but no image
// positions.
func needsProjection(t *Track) bool {
	if !t.HasWorld() {
		return false
	}
	for _, f := range t.Frames {
		for _, p := range f.Points {
			if p.Valid() {
				return false
			}
		}
	}
	return true
}

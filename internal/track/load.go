package track

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// LoadOptions controls Load.
type LoadOptions struct {
	// Camera films 3D tracks (motion capture) to give them image positions;
	// the zero value is a phone in front of the lifter at hip height, 3 m away.
	Camera Camera
	// OpenPose fills what OpenPose folders do not record (frame rate, size).
	OpenPose OpenPoseOptions
}

// IsVideoName reports whether a file name looks like a video, which needs the
// pose step (package pose) before it can be analysed.
func IsVideoName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp", ".mpg", ".mpeg", ".wmv",
		".ts", ".mts", ".m2ts", ".flv", ".ogv":
		return true
	}
	return false
}

// IsVideoFile reports whether path is a video: by its name (IsVideoName),
// or, for a regular file under another name, by its first bytes (an MP4 or
// QuickTime "ftyp" box, Matroska/WebM, AVI, MPEG transport stream). It
// does not check that the video can be decoded.
func IsVideoFile(path string) bool {
	if IsVideoName(path) {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return false
	}
	var head [376]byte
	n, _ := io.ReadFull(f, head[:])
	return looksLikeVideo(head[:n])
}

// looksLikeVideo recognises the start of common video containers.
func looksLikeVideo(b []byte) bool {
	switch {
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return true // MP4, MOV, 3GP
	case len(b) >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3:
		return true // Matroska, WebM
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "AVI ":
		return true
	case len(b) >= 376 && b[0] == 0x47 && b[188] == 0x47:
		return true // MPEG transport stream: sync bytes every 188 bytes
	}
	return false
}

// Load reads a keypoint track from a file or folder, choosing the reader from
// what it finds: a folder of OpenPose JSON files, a .trc file, or a kneetrack
// track JSON file. A 3D track without image positions (motion capture) is
// filmed with opt.Camera so that it can be analysed like a video's track.
func Load(path string, opt LoadOptions) (*Track, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("opening track: %w", err)
	}
	if st.IsDir() {
		o := opt.OpenPose
		if o.Source == "" {
			o.Source = path
		}
		return ReadOpenPose(os.DirFS(path), o)
	}
	if IsVideoFile(path) {
		return nil, fmt.Errorf("%s is a video, not a keypoint track: find the lifter's keypoints first "+
			"(package pose, or `kneetrack pose`; `kneetrack analyze` does it for you)", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("opening track: %w", err)
	}
	name := filepath.Base(path)
	var t *Track
	trimmed := bytes.TrimSpace(data)
	switch {
	case strings.EqualFold(filepath.Ext(path), ".trc") || bytes.HasPrefix(trimmed, []byte("PathFileType")):
		t, err = ReadTRC(bytes.NewReader(data), name)
	case bytes.HasPrefix(trimmed, []byte("{")):
		if IsOpenPoseName(path) {
			return nil, fmt.Errorf("%s is a single OpenPose frame: pass the folder that holds all the *_keypoints.json files", path)
		}
		t, err = ReadJSON(bytes.NewReader(data))
		if err == nil && t.Video.Source == "" {
			t.Video.Source = name
		}
	default:
		return nil, fmt.Errorf("%s: unknown file type: not a video, a kneetrack track (.json), a .trc file or an OpenPose JSON folder", path)
	}
	if err != nil {
		return nil, err
	}
	if needsProjection(t) {
		t, err = Project(t, opt.Camera)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return t, nil
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

package track

import (
	"bytes"
	"fmt"
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
// pose pipeline before it can be analysed.
func IsVideoName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp", ".mpg", ".mpeg", ".wmv":
		return true
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
	if IsVideoName(path) {
		return nil, fmt.Errorf("%s is a video: video input needs the pose step (`kneetrack pose`, coming soon); "+
			"for now analyse a keypoint track (.json from kneetrack, .trc, or an OpenPose JSON folder)", path)
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
		return nil, fmt.Errorf("%s: unknown file type (expected a kneetrack track .json, a .trc file or an OpenPose JSON folder)", path)
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

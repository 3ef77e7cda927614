package video

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// IsName reports whether a file name looks like a video (or an animated
// GIF), which needs the pose step before it can be analysed.
func IsName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp", ".mpg", ".mpeg", ".wmv",
		".ts", ".mts", ".m2ts", ".flv", ".ogv", ".gif":
		return true
	}
	return false
}

// IsFile reports whether path is a video: by its name (IsName), or, for a
// regular file under another name, by its first bytes (LooksLike). It does
// not check that the video can be decoded. It never opens anything but a
// regular file, and opens without blocking, so a named pipe cannot hold it.
func IsFile(path string) bool {
	if IsName(path) {
		return true
	}
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [SniffLen]byte
	n, _ := io.ReadFull(f, head[:])
	return LooksLike(head[:n])
}

// SniffLen is how many first bytes LooksLike needs to recognise every
// container it knows.
const SniffLen = 376

// LooksLike recognises the start of common video containers: an MP4,
// QuickTime or 3GP "ftyp" box, Matroska/WebM, AVI, an MPEG transport stream
// and GIF.
func LooksLike(b []byte) bool {
	switch {
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return true // MP4, MOV, 3GP
	case len(b) >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3:
		return true // Matroska, WebM
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "AVI ":
		return true
	case len(b) >= 376 && b[0] == 0x47 && b[188] == 0x47:
		return true // MPEG transport stream: sync bytes every 188 bytes
	case len(b) >= 6 && (string(b[:6]) == "GIF87a" || string(b[:6]) == "GIF89a"):
		return true
	}
	return false
}

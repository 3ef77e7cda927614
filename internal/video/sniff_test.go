package video

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestIsFile(t *testing.T) {
	dir := t.TempDir()
	ts := make([]byte, 400)
	ts[0], ts[188], ts[376] = 0x47, 0x47, 0x47
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"a.mp4", []byte("anything"), true}, // by name
		{"b.MOV", nil, true},
		{"anim.gif", nil, true},
		{"c.dat", append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 20)...), true},
		{"d.dat", []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81}, true},
		{"e.dat", []byte("RIFF\x10\x00\x00\x00AVI LIST"), true},
		{"f.dat", ts, true},
		{"gif.dat", []byte("GIF89a\x10\x00\x10\x00"), true},
		{"g.json", []byte(`{"schema": "kneetrack.track/v1"}`), false},
		{"h.trc", []byte("PathFileType\t4\t(X/Y/Z)\tx.trc\n"), false},
		{"i.dat", ts[:200], false}, // one sync byte is not a stream
		{"j.dat", []byte("GIF90a"), false},
		{"empty.dat", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := IsFile(p); got != tc.want {
				t.Errorf("IsFile(%s) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
	if IsFile(dir) || IsFile(filepath.Join(dir, "missing.dat")) {
		t.Error("a folder or a missing file taken for a video")
	}
}

// IsFile, which is asked before anything is opened for reading, neither
// blocks on a named pipe nor takes it for a video.
func TestIsFileNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "clip.dat")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	if IsFile(fifo) {
		t.Error("a named pipe taken for a video")
	}
}

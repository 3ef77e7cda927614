//go:build unix

package track_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/track"
)

// TestLoadRefusesSpecialFiles: a device or a named pipe is refused before
// anything is read from it; before, /dev/zero was read until memory ran
// out and a named pipe blocked for ever.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "track.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("making a named pipe: %v", err)
	}
	zeroLink := filepath.Join(dir, "zero.trc")
	if err := os.Symlink("/dev/zero", zeroLink); err != nil {
		t.Fatal(err)
	}
	poses := filepath.Join(dir, "poses")
	if err := os.Mkdir(poses, 0o755); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < 2; n++ {
		if err := os.WriteFile(filepath.Join(poses, openPoseName(n)), openPoseJSON(openPosePerson(300)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(poses, openPoseName(2)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		want       []string
	}{
		{"/dev/zero", "/dev/zero", []string{"/dev/zero is a character device, not a file: kneetrack reads a track from a regular file"}},
		{"a link to /dev/zero", zeroLink, []string{"zero.trc is a character device, not a file"}},
		{"a named pipe", fifo, []string{"track.json is a named pipe (FIFO), not a file"}},
		{"a named pipe in an OpenPose folder", poses, []string{"clip_000000000002_keypoints.json is a named pipe (FIFO), not a file: remove it from the folder"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := os.Stat(c.path); err != nil {
				t.Skipf("%s: %v", c.path, err)
			}
			var err error
			within(t, 10*time.Second, "Load("+c.name+")", func() { _, err = track.Load(c.path, track.LoadOptions{}) })
			wantErr(t, err, c.want...)
		})
	}
}

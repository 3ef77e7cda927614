package track_test

// Tests for the readers of outside data (issue 13, items 4, 7, 12 and 13):
// broken TRC columns (harden_trc_test.go), files that are not tracks or are
// too large (here), numbers out of range (harden_numbers_test.go), OpenPose
// folders (harden_openpose_test.go), and terminal escape codes in strings
// (harden_strings_test.go). This file also holds the helpers they share.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kneetrack/kneetrack/internal/track"
)

// within fails the test when fn does not return in time (a reader that
// blocks on a pipe or reads without end).
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// wantErr checks that err is an error whose message holds every fragment
// and no control or bidi character.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q\ndoes not say %q", err, f)
		}
	}
	if r, bad := firstUnsafe(err.Error()); bad {
		t.Errorf("error %q holds the unsafe character %U", err, r)
	}
}

// firstUnsafe finds a character a terminal could act on: C0, DEL, C1,
// bidi controls, line/paragraph separators, or invalid UTF-8 (written
// independently of the package's own rule, as the tests' reference).
func firstUnsafe(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x61c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
			return r, true
		}
	}
	return 0, false
}

// ---- files that are not tracks, too large, or not files ----

// endless is a reader that never ends: head, then filler forever. It gives
// up after 64 MiB, so that a reader without a limit fails instead of
// exhausting memory.
type endless struct {
	head   []byte
	filler byte
	n      int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n > 64<<20 {
		return 0, errors.New("the test's endless reader was read past 64 MiB: no size limit")
	}
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.filler
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestReadersLimitSize: a track that grows without end (a reader that
// never stops) is cut off at the size limit with a message saying so.
func TestReadersLimitSize(t *testing.T) {
	defer track.SetLimits(track.Limits{TrackBytes: 1 << 20})()
	cases := []struct {
		name string
		read func(io.Reader) error
		head string
		fill byte
		want string
	}{
		{"track JSON", func(r io.Reader) error { _, err := track.ReadJSON(r); return err },
			`{"schema":"kneetrack.track/v1","skeleton":"`, 'a', "reading track JSON: the file is larger than 1 MiB"},
		{"track JSON of spaces", func(r io.Reader) error { _, err := track.ReadJSON(r); return err },
			`{`, ' ', "reading track JSON: the file is larger than 1 MiB"},
		{"TRC", func(r io.Reader) error { _, err := track.ReadTRC(r, "grows.trc"); return err },
			strings.Join(trcLines()[:6], "\n") + "\n", '\n', "reading TRC grows.trc: the file is larger than 1 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			within(t, 20*time.Second, "reading an endless "+c.name, func() {
				err = c.read(&endless{head: []byte(c.head), filler: c.fill})
			})
			wantErr(t, err, c.want)
		})
	}
}

// sparse makes a file of size bytes that starts with head and costs no
// disk space.
func sparse(t *testing.T, path string, head []byte, size int64) string {
	t.Helper()
	if err := os.WriteFile(path, head, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadSniffs: Load looks at a file's first bytes and its size before
// reading it, and says what a file that is not a track looks like.
func TestLoadSniffs(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		path string
		want []string
	}{
		{"more than 1 GiB", sparse(t, filepath.Join(dir, "big.json"), []byte("{"), 1<<30+1),
			[]string{"big.json is 1024 MiB, larger than the 1 GiB kneetrack reads for one track"}},
		{"100 MiB of zeros", sparse(t, filepath.Join(dir, "zeros.bin"), nil, 100<<20),
			[]string{"zeros.bin: unknown file type", "it looks like binary data", "a kneetrack track starts with {, a TRC file with PathFileType"}},
		{"a PNG image", file("photo.json", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")), []string{"photo.json: unknown file type", "it looks like a PNG image"}},
		// An animated GIF is a video to track (the pose step reads it), also under another name.
		{"a GIF", file("squat.gif", []byte("GIF89a\x10\x00")), []string{"squat.gif is a video, not a keypoint track"}},
		{"a GIF named .json", file("squat.json", []byte("GIF89a\x10\x00")), []string{"squat.json is a video, not a keypoint track"}},
		{"a text file", file("notes.txt", []byte("\n  squats on Monday\nbench on Friday\n")), []string{"notes.txt: unknown file type: not a video", `it looks like text starting "squats on Monday"`}},
		{"a JSON list", file("list.json", []byte(" [1, 2, 3]")), []string{"it looks like JSON holding a list"}},
		{"an empty file", file("empty.json", nil), []string{"it looks like an empty file"}},
		{"a .trc that is not TRC", file("fake.trc", []byte("hello\n")), []string{"fake.trc is not a TRC file", `text starting "hello"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			within(t, 20*time.Second, "Load", func() { _, err = track.Load(c.path, track.LoadOptions{}) })
			wantErr(t, err, c.want...)
		})
	}
	// A track JSON saved with a byte order mark reads.
	var buf bytes.Buffer
	if err := track.WriteJSON(&buf, smallTrack()); err != nil {
		t.Fatal(err)
	}
	bom := file("bom.json", append([]byte("\ufeff"), buf.Bytes()...))
	if tr, err := track.Load(bom, track.LoadOptions{}); err != nil || len(tr.Frames) != 3 {
		t.Fatalf("track JSON with a byte order mark: %v", err)
	}
}

package video

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// connCounter accepts connections on a loopback port and counts them, so a
// test can prove that nothing reached the network.
type connCounter struct {
	ln   net.Listener
	mu   sync.Mutex
	seen []string // remote addresses, in order of arrival
	news chan struct{}
	done chan struct{}
}

func newConnCounter(t *testing.T) *connCounter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	c := &connCounter{ln: ln, news: make(chan struct{}, 100), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			c.seen = append(c.seen, conn.RemoteAddr().String())
			c.mu.Unlock()
			_ = conn.Close() // whoever connected gets nothing
			c.news <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-c.done
	})
	return c
}

func (c *connCounter) port() int { return c.ln.Addr().(*net.TCPAddr).Port }

// others returns the connections that arrived before this call, other than
// its own: it connects once itself and waits for that connection to be
// accepted, which the listener's queue guarantees comes after any earlier
// one.
func (c *connCounter) others(t *testing.T) []string {
	t.Helper()
	conn, err := net.Dial("tcp", c.ln.Addr().String())
	if err != nil {
		t.Fatalf("dial the test listener: %v", err)
	}
	defer conn.Close()
	me := conn.LocalAddr().String()
	for {
		<-c.news
		c.mu.Lock()
		seen := slices.Clone(c.seen)
		c.mu.Unlock()
		if i := slices.Index(seen, me); i >= 0 {
			return seen[:i]
		}
	}
}

// copyFile copies src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// logFiles lists the files in dir that look like ffmpeg's or ffprobe's
// -report log (PROGRAM-YYYYMMDD-HHMMSS.log).
func logFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".log") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestHostileFileNames checks that a local file is read, decoded and
// written as that file whatever its name. Each name is given relative to
// the working directory, as a user types it: ffmpeg and ffprobe would
// otherwise take "-report" for their option that writes a log file,
// "http:HOST:PORT.mp4" for a URL to fetch (the test's listener must see no
// connection), "pipe:0.mp4" for standard input, "file:x.mp4" for x.mp4, and
// ".a:b.mp4" (the encoder's temporary file for a:b.mp4) for a protocol
// called ".a".
func TestHostileFileNames(t *testing.T) {
	requireTools(t)
	src := filepath.Join(t.TempDir(), "src.mp4")
	const w, h, n = 64, 48, 5
	makeTestsrc(t, src, w, h, 10, n)
	listener := newConnCounter(t)
	names := []string{
		fmt.Sprintf("http:127.0.0.1:%d.mp4", listener.port()),
		fmt.Sprintf("http:127.0.0.1:%d", listener.port()),
		"-report.mp4",
		"-report",
		"-leadingdash.mp4",
		"-i",
		"with space.mp4",
		" leading and trailing space .mp4",
		"ünïcødé 動画.mp4",
		"100%.mp4",
		"%d%s%n.mp4",
		"what?.mp4",
		"what?x=1&y=2.mp4",
		"a#b.mp4",
		"a:b.mp4",
		"C:clip.mp4",
		"pipe:0.mp4",
		"file:x.mp4",
		"concat:a.mp4|b.mp4",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			in, out := t.TempDir(), t.TempDir()
			copyFile(t, src, filepath.Join(in, name))
			ctx := context.Background()
			defer func() { // also after a failure
				for _, dir := range []string{in, out} {
					if logs := logFiles(t, dir); len(logs) > 0 {
						t.Errorf("ffmpeg or ffprobe wrote report logs %v in %s", logs, dir)
					}
				}
			}()

			t.Chdir(in)
			info, err := Probe(ctx, name)
			if err != nil {
				t.Fatalf("Probe(%q): %v", name, err)
			}
			if info.Width != w || info.Height != h || info.FrameCount != n {
				t.Fatalf("Probe(%q): %dx%d, %d frames; want %dx%d, %d", name, info.Width, info.Height, info.FrameCount, w, h, n)
			}
			dec, err := Decode(ctx, name, DecodeOptions{Info: info})
			if err != nil {
				t.Fatalf("Decode(%q): %v", name, err)
			}
			var frames []*Frame
			for f, err := range dec.All() {
				if err != nil {
					t.Fatalf("decoding %q: %v", name, err)
				}
				frames = append(frames, f.Clone())
			}
			if err := dec.Close(); err != nil {
				t.Fatal(err)
			}
			if len(frames) != n {
				t.Fatalf("Decode(%q): %d frames, want %d", name, len(frames), n)
			}

			// Write the frames to a file of the same name elsewhere.
			t.Chdir(out)
			enc, err := Encode(ctx, name, w, h, EncodeOptions{FrameRate: 10})
			if err != nil {
				t.Fatalf("Encode(%q): %v", name, err)
			}
			for _, f := range frames {
				if err := enc.WriteFrame(f.Pix, f.Time); err != nil {
					t.Fatalf("Encode(%q): %v", name, err)
				}
			}
			if err := enc.Close(); err != nil {
				t.Fatalf("Encode(%q): %v", name, err)
			}
			if back, err := Probe(ctx, name); err != nil || back.FrameCount != n {
				t.Fatalf("Probe of the encoded %q: %v (%+v)", name, err, back)
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 || entries[0].Name() != name {
				t.Errorf("the output folder holds %v, want only %q", entries, name)
			}
		})
	}
	if got := listener.others(t); len(got) > 0 {
		t.Errorf("ffmpeg or ffprobe connected to the test listener %d times (from %v): a file name was taken for a URL", len(got), got)
	}
}

// TestFileURL checks the form of the names given to ffmpeg: absolute file:
// URLs, whatever the name.
func TestFileURL(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	dir, _ = os.Getwd() // the temporary folder may be behind a symlink
	for _, name := range []string{"-report", "http:x:1.mp4", "a b.mp4", "../up.mp4", "/abs/x.mp4", "//net/x.mp4"} {
		got, err := fileURL("probe", name)
		if err != nil {
			t.Fatal(err)
		}
		want := "file:" + filepath.Join(dir, name)
		if filepath.IsAbs(name) {
			want = "file:" + filepath.Clean(name)
		}
		if got != want {
			t.Errorf("fileURL(%q) = %q, want %q", name, got, want)
		}
		if !strings.HasPrefix(got, "file:/") || strings.HasPrefix(got, "file://") {
			t.Errorf("fileURL(%q) = %q: not an absolute file: URL", name, got)
		}
	}
}

package video

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// waitDelay bounds how long Wait waits for a killed tool's pipes to close.
const waitDelay = 5 * time.Second

// lookTool finds ffmpeg or ffprobe on PATH. It looks each time it is called,
// so a tool installed while the program runs is found.
func lookTool(op, name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", &Error{Op: op, Path: name, Kind: ErrToolMissing,
			Detail: name + " is not on PATH", Hint: installHint, Err: err}
	}
	return p, nil
}

// localOnly limits ffmpeg and ffprobe to local files and pipes. It is
// given before every input and every output: a file name, or a reference
// inside a file (an HLS playlist, an MP4 data reference), can then never
// make either program open a network connection or run another protocol.
var localOnly = []string{"-protocol_whitelist", "file,pipe"}

// fileURL names a local file for ffmpeg and ffprobe as an absolute "file:"
// URL. Given as it is, a name is read as an option when it starts with '-'
// ("-report" turns on ffmpeg's log file) and as a URL when it starts with a
// protocol name and a colon ("http:host:port.mp4", "pipe:0"). ffmpeg's
// file protocol takes everything after "file:" literally (no percent
// decoding, no query or fragment), so no character needs escaping, and the
// absolute path never starts with '-' or "//".
func fileURL(op, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("video: %s %s: %w", op, path, err)
	}
	return "file:" + abs, nil
}

// tailBuffer keeps the last lines a tool wrote to stderr, for error
// messages, in bounded memory whatever the tool prints.
type tailBuffer struct {
	mu    sync.Mutex
	lines []string
	max   int
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) add(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == t.max {
		copy(t.lines, t.lines[1:])
		t.lines = t.lines[:t.max-1]
	}
	t.lines = append(t.lines, line)
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "; ")
}

// readLines calls fn for each line read from r until r ends. Lines are
// bounded by the reader's own limits; a read error ends the loop after
// draining, so the writing process is never blocked on a full pipe.
func readLines(r io.Reader, fn func(string)) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			fn(strings.TrimRight(line, "\r\n"))
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				_, _ = io.Copy(io.Discard, r)
			}
			return
		}
	}
}

// logPrefix matches the "[demuxer @ 0x55d0c0de]" that ffmpeg puts before
// its messages.
var logPrefix = regexp.MustCompile(`\[[^\]]* @ 0x[0-9a-f]+\] *`)

// shorten cleans a tool message (one line, no internal prefixes) and keeps
// its last n bytes for inclusion in an error.
func shorten(s string, n int) string {
	s = logPrefix.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

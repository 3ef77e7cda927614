package video

import (
	"bufio"
	"errors"
	"io"
	"os/exec"
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

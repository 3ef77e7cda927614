package termprogress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestNewDrawsNothingOffATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "pose")
	if b != nil {
		t.Fatalf("New on a buffer = %v, want nil", b)
	}
	b.Update(3, 10) // a nil bar must be usable
	b.Finish(true)
	if b.Func() != nil {
		t.Error("a nil bar's Func is not nil")
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", buf.String())
	}
}

func TestBarDraws(t *testing.T) {
	for _, tc := range []struct {
		name        string
		done, total int
		bar         string // the 30 characters between the brackets
	}{
		{"empty", 0, 10, strings.Repeat(" ", 30)},
		{"half", 5, 10, strings.Repeat("=", 15) + strings.Repeat(" ", 15)},
		{"full", 10, 10, strings.Repeat("=", 30)},
		{"past an estimated total", 12, 10, strings.Repeat("=", 30)},
		{"no total", 4, 0, strings.Repeat(" ", 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			b := newBar(&buf, "pose", time.Now().Add(-2*time.Second))
			b.Update(tc.done, tc.total)
			got := buf.String()
			want := "\rpose [" + tc.bar + "] "
			if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "\x1b[K") {
				t.Errorf("drew %q, want it to start %q and end by clearing the line", got, want)
			}
			if !strings.Contains(got, " frames ") {
				t.Errorf("drew %q: no frame count", got)
			}
		})
	}
}

func TestFinishFillsTheBarAfterSuccess(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
		full bool
	}{{"success", true, true}, {"failure", false, false}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			b := newBar(&buf, "x", time.Now().Add(-time.Second))
			b.Update(10, 40)
			b.Finish(tc.ok)
			lines := strings.Split(buf.String(), "\r")
			last := lines[len(lines)-1]
			if !strings.HasSuffix(last, "\n") {
				t.Errorf("the line is not ended: %q", buf.String())
			}
			if got := strings.Contains(last, "10/10 frames"); got != tc.full {
				t.Errorf("last drawing %q: shown full = %v, want %v", last, got, tc.full)
			}
		})
	}
}

func TestFinishWithoutDrawingWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	newBar(&buf, "x", time.Now()).Finish(true)
	if buf.Len() != 0 {
		t.Errorf("wrote %q", buf.String())
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// execute runs the CLI in-process with args and returns stdout and the error.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestUnknownCommandFails(t *testing.T) {
	_, err := execute(t, "no-such-command")
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: got error %v, want one naming the unknown command", err)
	}
}

// Package testenv finds the test data that lives outside the repository (the
// shared media, motion-capture and reference folders, and the pose models
// fetched at set-up) and decides what a test does when it is missing: skip
// with a clear message on a user's machine, fail under CI (CI=true), where a
// missing input must never pass silently.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run under continuous integration.
func InCI() bool { return os.Getenv("CI") == "true" }

// RepoRoot returns the repository's root directory (the folder holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: cannot locate the source file")
	}
	// this file is <root>/internal/testenv/testenv.go
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// Missing skips the test, or fails it under CI, explaining what is absent and
// how to get it.
func Missing(t testing.TB, what, fix string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is missing (CI=true, so this is a failure, not a skip): %s", what, fix)
	}
	t.Skipf("skipping: %s is missing; %s", what, fix)
}

// SharedDir returns the shared data folder (../shared beside the repository,
// or $KNEETRACK_SHARED), or skips/fails the test when it is absent.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("KNEETRACK_SHARED")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(RepoRoot(t)), "shared")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		Missing(t, "the shared test data folder "+dir,
			"place the project's shared/ folder beside the repository or set KNEETRACK_SHARED")
	}
	return dir
}

// SharedFile returns the path of a file under the shared folder, or
// skips/fails the test when it is absent.
func SharedFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(SharedDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "shared file "+p, "update the shared/ folder beside the repository")
	}
	return p
}

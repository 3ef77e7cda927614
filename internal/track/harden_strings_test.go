package track_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

// TestStringsCleaned: terminal escape codes and bidi controls in what a
// file says (video.source, skeleton and keypoint names, file names) are
// replaced with U+FFFD when the file is read; accented names are kept.
func TestStringsCleaned(t *testing.T) {
	const pwned = "\x1b]0;pwned\x07"
	readDoc := func(edit func(map[string]any)) func(t *testing.T) (*track.Track, error) {
		return func(t *testing.T) (*track.Track, error) {
			doc := trackDoc(t)
			edit(doc)
			return track.ReadJSON(strings.NewReader(marshal(t, doc)))
		}
	}
	dir := t.TempDir()
	cases := []struct {
		name string
		read func(t *testing.T) (*track.Track, error)
		get  func(*track.Track) string
		want string
	}{
		{"video.source", readDoc(func(d map[string]any) { docVideo(d)["source"] = pwned + "set.mp4" }),
			func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDset.mp4"},
		{"skeleton", readDoc(func(d map[string]any) { d["skeleton"] = "\x1b[2Jblaze\u009b1m" }),
			func(tr *track.Track) string { return tr.Skeleton }, "\uFFFD[2Jblaze\uFFFD1m"},
		{"a keypoint name", readDoc(func(d map[string]any) {
			d["keypoints"].([]any)[5] = "right_ankle\u202egnp.exe"
			docPoint(d, 0, 5)["name"] = "right_ankle\u202egnp.exe"
			docPoint(d, 1, 5)["name"] = "right_ankle\u202egnp.exe"
			docPoint(d, 2, 5)["name"] = "right_ankle\u202egnp.exe"
		}), func(tr *track.Track) string { return tr.Keypoints[5] }, "right_ankle\uFFFDgnp.exe"},
		{"an accented source", readDoc(func(d map[string]any) { docVideo(d)["source"] = "Séance – Zoë 日本 🏋.mp4" }),
			func(tr *track.Track) string { return tr.Video.Source }, "Séance – Zoë 日本 🏋.mp4"},
		{"a TRC file's name", func(t *testing.T) (*track.Track, error) {
			return track.ReadTRC(strings.NewReader(joinLines(trcLines())), pwned+"squats.trc")
		}, func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDsquats.trc"},
		{"a track file's name", func(t *testing.T) (*track.Track, error) {
			doc := trackDoc(t)
			delete(docVideo(doc), "source")
			p := filepath.Join(dir, pwned+"set.json")
			if err := os.WriteFile(p, []byte(marshal(t, doc)), 0o644); err != nil {
				t.Fatal(err)
			}
			return track.Load(p, track.LoadOptions{})
		}, func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDset.json"},
		{"an OpenPose source", func(t *testing.T) (*track.Track, error) {
			return track.ReadOpenPose(openPoseFolder(nil), track.OpenPoseOptions{Source: pwned + "poses"})
		}, func(tr *track.Track) string { return tr.Video.Source }, "\uFFFD]0;pwned\uFFFDposes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := c.read(t)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.get(tr); got != c.want {
				t.Fatalf("read %q, want %q", got, c.want)
			}
		})
	}

	// Messages quoting a file's words are clean too.
	unknown := filepath.Join(dir, "\x1b[2J"+"notes.txt")
	if err := os.WriteFile(unknown, []byte("\x1b]0;pwned\x07 hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := track.Load(unknown, track.LoadOptions{})
	wantErr(t, err, "\uFFFD[2Jnotes.txt: unknown file type")
	doc := trackDoc(t)
	doc["world_up"] = "+y" + pwned
	_, err = track.ReadJSON(strings.NewReader(marshal(t, doc)))
	wantErr(t, err, "world up axis")
	_, err = track.ReadTRC(strings.NewReader(strings.Replace(joinLines(trcLines()), "\tRKnee", "\x1b[31mRKnee", 1)), "x.trc")
	wantErr(t, err, "marker name \"\uFFFD[31mRKnee\" is not over an X column")
}

// TestCleanText: which characters CleanText replaces.
func TestCleanText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain name.mp4", "plain name.mp4"},
		{"Zoë's squat – jour 1 日本 🏋", "Zoë's squat – jour 1 日本 🏋"},
		{"a\x1b]0;x\x07b", "a\uFFFD]0;x\uFFFDb"},
		{"tab\there\nnew\rcr", "tab\uFFFDhere\uFFFDnew\uFFFDcr"},
		{"del\x7f", "del\uFFFD"},
		{"c1\u0085\u009b", "c1\uFFFD\uFFFD"},
		{"bidi\u202e\u2066\u2069\u200f\u061c", "bidi\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"ls\u2028ps\u2029", "ls\uFFFDps\uFFFD"},
		{"bad\xffutf8\xc3", "bad\uFFFDutf8\uFFFD"},
		{"", ""},
	}
	for _, c := range cases {
		if got := track.CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
		if _, bad := firstUnsafe(track.CleanText(c.in)); bad {
			t.Errorf("CleanText(%q) is not clean", c.in)
		}
	}
}

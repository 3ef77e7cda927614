package track

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
)

// OpenPoseOptions tells ReadOpenPose what OpenPose's files do not record.
type OpenPoseOptions struct {
	FPS           float64 // frame rate of the source video (default 30)
	Width, Height int     // picture size in pixels, if known (for normalised coordinates)
	Source        string  // description of the source for the track's metadata
}

// openPoseFrame is the part of an OpenPose --write_json file we read.
type openPoseFrame struct {
	People []struct {
		Pose []float64 `json:"pose_keypoints_2d"`
	} `json:"people"`
}

var openPoseNumber = regexp.MustCompile(`(\d+)_keypoints\.json$`)

// ReadOpenPose reads a folder of OpenPose per-frame JSON files (the output of
// --write_json with the BODY_25 model: NAME_000000000123_keypoints.json) into
// a Body25 track. Frames are ordered by the number in the file name and timed
// as number/FPS. When several people are in a frame, the lifter is taken to
// be the largest person in the first frame that has anyone, and afterwards
// the person nearest to the one chosen in the previous frame, so the track
// never jumps to a passer-by who happens to be detected first.
//
// It reads at most 500 000 frame files of at most 16 MiB each, refuses
// entries that are not regular files (a named pipe would block it), and
// checks every number (docs/track-json.md): a point with confidence 0 is
// not found, whatever its coordinates; a found point must lie within ten
// picture sizes of the picture (1 000 000 px when the size is unknown).
func ReadOpenPose(fsys fs.FS, opt OpenPoseOptions) (*Track, error) {
	opt.Source = CleanText(opt.Source)
	where := "reading OpenPose folder " + opt.Source
	if opt.FPS == 0 {
		opt.FPS = 30
	}
	if err := checkFPS(opt.FPS, false); err != nil {
		return nil, fmt.Errorf("%s: %w; give the video's frame rate", where, err)
	}
	if err := checkSize(opt.Width, opt.Height); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	files, err := listOpenPose(fsys, where)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("reading OpenPose folder %s: no *_keypoints.json files (run OpenPose with --write_json)", opt.Source)
	}

	sk := Body25()
	t := New(sk, len(files))
	t.Video = Video{Source: opt.Source, Width: opt.Width, Height: opt.Height, FPS: opt.FPS}
	var prev []Point
	for _, f := range files {
		frame := Frame{Index: f.num, Time: float64(f.num) / opt.FPS, Points: make([]Point, len(sk.Keypoints))}
		at := fmt.Sprintf("%s: file %s (frame %d, t = %s)", where, f.name, frame.Index, timeText(frame.Time))
		if frame.Time > maxTimeS {
			return nil, fmt.Errorf("%s: the frame number is too large: at %g fps it would be %s into the video", at, opt.FPS, timeText(frame.Time))
		}
		data, err := readLimited(fsys, f.real, maxOpenPoseFileBytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		people, err := parseOpenPoseFrame(data, opt.Width, opt.Height)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		if pick := pickPerson(people, prev); pick != nil {
			frame.Points = pick
			prev = pick
		}
		t.Frames = append(t.Frames, frame)
	}
	t.FillNormalised()
	if n := len(t.Frames); n > 0 {
		t.Video.DurationS = t.Frames[n-1].Time - t.Frames[0].Time + 1/opt.FPS
	}
	if err := checkTrack(t); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return t, nil
}

// openPoseFile is one frame file of an OpenPose folder.
type openPoseFile struct {
	name string // cleaned for messages when it differs from the real name
	real string // the name in the folder
	num  int
}

// listOpenPose lists the frame files of an OpenPose folder, sorted by frame
// number, reading the folder in batches so that a folder of millions of
// files is refused without first holding them all.
func listOpenPose(fsys fs.FS, where string) ([]openPoseFile, error) {
	dir, err := fsys.Open(".")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	defer dir.Close()
	rd, ok := dir.(fs.ReadDirFile)
	if !ok {
		return nil, fmt.Errorf("%s: not a folder", where)
	}
	var files []openPoseFile
	entries := 0
	for {
		batch, err := rd.ReadDir(1024)
		entries += len(batch)
		if entries > maxFolderEntries {
			return nil, fmt.Errorf("%s: the folder holds more than %d entries, more than an OpenPose folder kneetrack reads; keep one video's *_keypoints.json files in it", where, maxFolderEntries)
		}
		for _, e := range batch {
			name := e.Name()
			m := openPoseNumber.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			shown := CleanText(name)
			mode := e.Type()
			if mode&fs.ModeSymlink != 0 {
				st, err := fs.Stat(fsys, name)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %w", where, shown, cleanPathError(err))
				}
				mode = st.Mode().Type()
			}
			if mode.IsDir() {
				continue
			}
			if !mode.IsRegular() {
				return nil, fmt.Errorf("%s: %s is %s, not a file: remove it from the folder", where, shown, atomicfile.KindOf(mode))
			}
			n, err := strconv.Atoi(m[1])
			if err != nil || float64(n) > maxIndex {
				return nil, fmt.Errorf("%s: %s: the frame number %s is too large", where, shown, m[1])
			}
			files = append(files, openPoseFile{name: shown, real: name, num: n})
			if len(files) > maxOpenPoseFiles {
				return nil, fmt.Errorf("%s: more than %d *_keypoints.json files, more than kneetrack reads for one track (about 4.6 hours at 30 fps); split the folder", where, maxOpenPoseFiles)
			}
		}
		if err == io.EOF || len(batch) == 0 {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, cleanPathError(err))
		}
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].num != files[j].num {
			return files[i].num < files[j].num
		}
		return files[i].real < files[j].real
	})
	for i := 1; i < len(files); i++ {
		if files[i].num == files[i-1].num {
			return nil, fmt.Errorf("%s: %s and %s are both frame %d: the folder mixes the output of several runs or videos; keep one video's files in it",
				where, files[i-1].name, files[i].name, files[i].num)
		}
	}
	return files, nil
}

// readLimited reads a regular file of fsys, at most limit bytes (through
// io.LimitReader, so a file that grows cannot exhaust memory).
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, cleanPathError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, cleanPathError(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("it is %s, not a file", atomicfile.KindOf(st.Mode().Type()))
	}
	tooLarge := fmt.Errorf("the file is larger than %s, far more than one frame of OpenPose output; it is not OpenPose's, or is damaged", sizeText(limit))
	if st.Size() > limit {
		return nil, tooLarge
	}
	data, err := io.ReadAll(newLimitedReader(f, limit))
	if errors.Is(err, errTooLarge) {
		return nil, tooLarge
	}
	if err != nil {
		return nil, cleanPathError(err)
	}
	return data, nil
}

// parseOpenPoseFrame reads one OpenPose frame file: the people in it, each
// as BODY_25 points in kneetrack's Body25 order. A point with confidence 0
// is "not found" whatever its coordinates (OpenPose writes 0, 0, 0); a found
// point must lie within ten picture sizes of a w×h picture (1 000 000 px
// when the size is unknown, 0), with a confidence up to 1 (scores up to 1.5,
// which OpenPose's heat maps can give, count as 1).
func parseOpenPoseFrame(data []byte, w, h int) ([][]Point, error) {
	var fr openPoseFrame
	if err := json.Unmarshal(data, &fr); err != nil {
		return nil, fmt.Errorf("not OpenPose JSON (%w)", err)
	}
	if len(fr.People) > maxPeople {
		return nil, fmt.Errorf("%d people in one frame, more than kneetrack reads (%d); the file is not OpenPose's, or is damaged", len(fr.People), maxPeople)
	}
	names := Body25().Keypoints
	var people [][]Point
	for i, p := range fr.People {
		if len(p.Pose) == 0 {
			continue
		}
		if len(p.Pose) != 3*len(names) {
			return nil, fmt.Errorf("a person has %d values, want %d (BODY_25: 25 keypoints of x, y, confidence); other OpenPose models are not supported",
				len(p.Pose), 3*len(names))
		}
		pts := make([]Point, len(names))
		for k := range pts {
			x, y, c := p.Pose[3*k], p.Pose[3*k+1], p.Pose[3*k+2]
			if c == 0 {
				continue
			}
			var err error
			switch {
			case !finite(c) || c < 0 || c > maxOpenPoseConf:
				err = fmt.Errorf("confidence %s is outside 0..1", num(c))
			default:
				if err = checkPixel("x", x, w); err == nil {
					err = checkPixel("y", y, h)
				}
			}
			if err != nil {
				return nil, fmt.Errorf("person %d, %s: %w; run OpenPose again for this frame or delete the file", i+1, names[k], err)
			}
			pts[k] = Point{X: x, Y: y, Conf: math.Min(c, 1)}
		}
		people = append(people, pts)
	}
	return people, nil
}

// pickPerson chooses the lifter among the people of one frame: the one
// nearest to prev (mean distance over keypoints found in both), or without
// prev the one with the largest bounding box.
func pickPerson(people [][]Point, prev []Point) []Point {
	if len(people) == 0 {
		return nil
	}
	best, bestScore := -1, math.Inf(1)
	for i, pts := range people {
		var score float64
		if prev != nil {
			sum, n := 0.0, 0
			for k := range pts {
				if pts[k].Valid() && prev[k].Valid() {
					sum += math.Hypot(pts[k].X-prev[k].X, pts[k].Y-prev[k].Y)
					n++
				}
			}
			if n == 0 {
				continue
			}
			score = sum / float64(n)
		} else {
			minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, p := range pts {
				if p.Valid() {
					minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
					minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
				}
			}
			if maxX < minX {
				continue
			}
			score = -(maxX - minX) * (maxY - minY)
		}
		if score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return nil
	}
	return people[best]
}

// IsOpenPoseName reports whether a file name looks like OpenPose output.
func IsOpenPoseName(name string) bool {
	return openPoseNumber.MatchString(path.Base(strings.TrimSpace(name)))
}

package track

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// TRC is the plain-text marker format of OpenSim, also written by OpenCap,
// Sports2D and many motion-capture systems: five header lines (file type;
// names and values of DataRate, CameraRate, NumFrames, NumMarkers, Units,
// ...; the marker names; X/Y/Z column labels), then one row per frame with
// Frame#, Time and X, Y, Z for each marker.

// markerAliases lists, for each kneetrack keypoint, the marker names that
// stand for it in common TRC files, best first. "A+B" means the midpoint of
// markers A and B (a joint centre from lateral and medial markers). Matching
// ignores case. kneetrack's own names come first so that TRC files written by
// kneetrack read back unchanged; then the video-keypoint names of OpenPose,
// OpenCap and Sports2D (closest to what a pose model reports); then
// anatomical markers. For the foot's tip, a marker on the second toe (the
// foot's long axis, where BlazePose's foot_index sits) is preferred to the
// big toe, which lies medially of that axis.
func markerAliases() [][2]string {
	type alias = [2]string
	var out []alias
	add := func(kp string, names ...string) {
		for _, n := range names {
			out = append(out, alias{kp, n})
		}
	}
	add(Nose, Nose, "Nose")
	add(Neck, Neck, "Neck", "C7_study", "C7")
	add(MidHip, MidHip, "midHip")
	for _, s := range []struct{ side, up, lo string }{{"left", "L", "l"}, {"right", "R", "r"}} {
		L, l := s.up, s.lo
		add(s.side+"_shoulder", s.side+"_shoulder", L+"Shoulder", L+"_Shoulder", l+"_shoulder_study", L+"SHO")
		add(s.side+"_elbow", s.side+"_elbow", L+"Elbow", l+"_lelbow_study+"+l+"_melbow_study", L+"_elbow_lat+"+L+"_elbow_med", L+"ELB")
		add(s.side+"_wrist", s.side+"_wrist", L+"Wrist", l+"_lwrist_study+"+l+"_mwrist_study", L+"_wrist_radius+"+L+"_wrist_ulna", L+"WRA")
		add(s.side+"_hip", s.side+"_hip", L+"Hip", L+"HJC_study", L+"_HJC", L+"HJC", L+"_HJC_reg")
		add(s.side+"_knee", s.side+"_knee", L+"Knee", l+"_knee_study+"+l+"_mknee_study", L+"_knee", L+"KNE")
		add(s.side+"_ankle", s.side+"_ankle", L+"Ankle", l+"_ankle_study+"+l+"_mankle_study", L+"_ankle", L+"ANK")
		add(s.side+"_heel", s.side+"_heel", L+"Heel", l+"_calc_study", L+"_calc", L+"HEE")
		add(s.side+"_foot_index", s.side+"_foot_index", l+"_toe_study", L+"_toe", L+"TOE", L+"BigToe")
		add(s.side+"_small_toe", s.side+"_small_toe", L+"SmallToe", l+"_5meta_study", L+"_5meta")
	}
	return out
}

// trcKeypointOrder is the order of keypoints in tracks read from TRC files.
func trcKeypointOrder() []string {
	return []string{Nose, Neck, LeftShoulder, RightShoulder, LeftElbow, RightElbow, LeftWrist, RightWrist,
		MidHip, LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle,
		LeftHeel, RightHeel, LeftFootIndex, RightFootIndex, LeftSmallToe, RightSmallToe}
}

// ReadTRC reads a TRC file and maps its markers onto kneetrack keypoints
// (hips, knees, ankles, heels, toes, shoulders, ...; see markerAliases).
//
// A 3D file (the usual case: motion capture, OpenCap) gives a track with
// world positions in metres and no image positions: project it onto a
// camera with Project before analysing it. A file whose Z column is zero
// throughout (2D keypoints from a video, e.g. Sports2D or kneetrack's own 2D
// export) gives image positions: X to the right and Y upwards in the file
// become x and -y.
//
// The columns must agree: after Frame# and Time each marker takes three
// columns, and NumMarkers (when given), the marker names of line 4, the
// X/Y/Z labels of line 5 and every data row must count the same markers;
// otherwise the file is refused, since a shifted column would put one
// joint's positions under another's name. A value that is empty or NaN
// marks the marker as not seen in that frame; anything else must be a
// finite number within 100 m (1 000 000 px for px files). It reads at most
// 1 GiB. docs/track-json.md lists the rules.
func ReadTRC(r io.Reader, source string) (*Track, error) {
	source = CleanText(source)
	fail := func(format string, a ...any) error {
		return fmt.Errorf("reading TRC %s: %s", source, fmt.Sprintf(format, a...))
	}
	line := 0
	scanFail := func(err error) error {
		switch {
		case errors.Is(err, errTooLarge):
			return fail("the file is %v, more than kneetrack reads for one track; cut the recording into shorter trials", err)
		case errors.Is(err, bufio.ErrTooLong):
			return fail("line %d is longer than %s: this is not a TRC file, or a damaged one", line+1, sizeText(maxTRCLine))
		}
		return fail("%v", err)
	}
	br := bufio.NewReader(newLimitedReader(r, maxTrackBytes))
	skipBOM(br)
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxTRCLine)
	var header []string
	for len(header) < 5 && sc.Scan() {
		line++
		header = append(header, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, scanFail(err)
	}
	if len(header) < 5 || !strings.HasPrefix(header[0], "PathFileType") {
		return nil, fail("not a TRC file (it must start with a PathFileType line and five header lines)")
	}
	names := strings.Split(header[1], "\t")
	values := strings.Split(header[2], "\t")
	meta := map[string]string{}
	for i, n := range names {
		if i < len(values) {
			meta[strings.TrimSpace(n)] = strings.TrimSpace(values[i])
		}
	}
	rate := 0.0
	if s := meta["DataRate"]; s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fail("line 3: DataRate %q is not a number; give the frame rate in Hz", CleanText(s))
		}
		if v != 0 {
			if err := checkFPS(v, false); err != nil {
				return nil, fail("line 3: DataRate: %v", err)
			}
			rate = v
		}
	}
	numMarkers := -1
	if s := meta["NumMarkers"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, fail("line 3: NumMarkers %q is not a number of markers", CleanText(s))
		}
		numMarkers = n
	}
	scale := 1.0
	units := strings.ToLower(meta["Units"])
	pixels := false
	switch units {
	case "m", "":
	case "mm":
		scale = 0.001
	case "cm":
		scale = 0.01
	case "px", "pixels", "pixel":
		pixels = true
	default:
		return nil, fail("unknown units %q (expected m, mm, cm or px)", CleanText(meta["Units"]))
	}

	// Line 4: Frame#, Time, then each marker's name over its X column and
	// two empty columns.
	cols := strings.Split(header[3], "\t")
	if len(cols) < 3 || !strings.EqualFold(strings.TrimSpace(cols[0]), "Frame#") {
		return nil, fail("the fourth line must name the columns (Frame#, Time, markers...)")
	}
	type marker struct {
		name string
		col  int // 0-based column of its X
	}
	var markers []marker
	byName := map[string]int{} // lower-case name -> marker
	last := len(cols) - 1
	for last >= 2 && strings.TrimSpace(cols[last]) == "" {
		last--
	}
	for i := 2; i <= last; i++ {
		n := CleanText(strings.TrimSpace(cols[i]))
		if (i-2)%3 != 0 {
			if n != "" {
				return nil, fail("line 4, column %d: marker name %q is not over an X column (columns 3, 6, 9, ...): a name or a tab is missing before it. "+
					"After Frame# and Time each marker takes three columns, its name and two empty ones", i+1, n)
			}
			continue
		}
		if n == "" {
			after := "Time"
			if len(markers) > 0 {
				after = markers[len(markers)-1].name
			}
			return nil, fail("line 4, column %d: marker %d (after %q) has no name, though line 5 and the data give it columns %d to %d: "+
				"write its name there, or delete its three columns from every line", i+1, len(markers)+1, after, i+1, i+3)
		}
		key := strings.ToLower(n)
		if k, dup := byName[key]; dup {
			return nil, fail("line 4: marker name %q appears twice (columns %d and %d); each marker needs its own name: rename or remove one",
				n, markers[k].col+1, i+1)
		}
		byName[key] = len(markers)
		markers = append(markers, marker{n, i})
	}
	if len(markers) == 0 {
		return nil, fail("no marker names in the header")
	}
	m := len(markers)

	// Line 5: X1 Y1 Z1 X2 ... under the names; NumMarkers must agree.
	labels := strings.Split(header[4], "\t")
	lastL := len(labels) - 1
	for lastL >= 0 && strings.TrimSpace(labels[lastL]) == "" {
		lastL--
	}
	nLabels := max(0, lastL+1-2)
	if nLabels != 3*m || (numMarkers >= 0 && numMarkers != m) {
		msg := fmt.Sprintf("the header does not agree on the number of markers: line 4 names %d, line 5 labels %d X/Y/Z columns", m, nLabels)
		if nLabels != 3*m {
			msg += fmt.Sprintf(" (%d are needed for %d markers)", 3*m, m)
		}
		if numMarkers >= 0 {
			msg += fmt.Sprintf(", NumMarkers on line 3 says %d", numMarkers)
		}
		return nil, fail("%s. A marker name is missing, two were merged, or a column was added or removed: "+
			"each marker needs its name on line 4 followed by two empty columns, over its X, Y, Z labels on line 5 and its three values on every row", msg)
	}
	for k := 0; k < 3*m; k++ {
		l := strings.TrimSpace(labels[2+k])
		want := "XYZ"[k%3]
		if l == "" || (l[0] != want && l[0] != want+'a'-'A') {
			return nil, fail("line 5, column %d: label %q where the %c column of marker %q belongs (%c%d)",
				3+k, CleanText(l), want, markers[k/3].name, want, k/3+1)
		}
	}

	// Resolve each keypoint to one marker or a pair of them.
	type source2 struct{ a, b int } // marker numbers; b < 0: a single marker
	resolved := map[string]source2{}
	for _, al := range markerAliases() {
		kp, spec := al[0], al[1]
		if _, done := resolved[kp]; done {
			continue
		}
		parts := strings.Split(spec, "+")
		a, okA := byName[strings.ToLower(parts[0])]
		if !okA {
			continue
		}
		s := source2{a, -1}
		if len(parts) == 2 {
			b, okB := byName[strings.ToLower(parts[1])]
			if !okB {
				continue
			}
			s.b = b
		}
		resolved[kp] = s
	}
	var kps []string
	for _, kp := range trcKeypointOrder() {
		if _, ok := resolved[kp]; ok {
			kps = append(kps, kp)
		}
	}
	var missing []string
	for _, kp := range []string{LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle} {
		if _, ok := resolved[kp]; !ok {
			missing = append(missing, kp)
		}
	}
	if len(missing) > 0 {
		return nil, fail("no marker found for %s (the analysis needs hips, knees and ankles; known names include LHip/RHip, LKnee, LAnkle, L_HJC, L_knee, L_ankle)", strings.Join(missing, ", "))
	}

	t := &Track{Skeleton: SkeletonMocap, Keypoints: kps, Video: Video{Source: source, FPS: rate}}
	want := 2 + 3*m
	pos := make([]Vec3, m)
	seen := make([]bool, m)
	allZeroZ := true
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		n := len(fields)
		for n > want && strings.TrimSpace(fields[n-1]) == "" {
			n-- // trailing tabs
		}
		switch {
		case n < want:
			return nil, fail("line %d has %d columns, but Frame#, Time and the X, Y, Z of the header's %d markers make %d: a value or a tab is missing. "+
				"Write a marker that was not seen as empty columns (or NaN), keeping its tabs", line, n, m, want)
		case n > want:
			return nil, fail("line %d has %d columns, but Frame#, Time and the X, Y, Z of the header's %d markers make %d: "+
				"remove the extra values, or name their marker on line 4 and label its columns on line 5", line, n, m, want)
		}
		if (len(t.Frames)+1)*len(kps) > maxPoints {
			return nil, fail("line %d: more than %d rows, more than kneetrack reads for one track; cut the recording into shorter trials", line, len(t.Frames))
		}
		ts, err := strconv.ParseFloat(strings.TrimSpace(fields[1]), 64)
		if err != nil || !finite(ts) {
			return nil, fail("line %d: bad time %q (the Time column holds seconds)", line, CleanText(fields[1]))
		}
		if math.Abs(ts) > maxTimeS {
			return nil, fail("line %d: time %s is beyond ±%g s", line, timeText(ts), float64(maxTimeS))
		}
		if k := len(t.Frames); k > 0 {
			prev := t.Frames[k-1].Time
			if ts <= prev {
				return nil, fail("line %d: time %s is not after the previous row's %s: rows must be in time order, each frame once", line, timeText(ts), timeText(prev))
			}
			if ts-prev < minGapS {
				return nil, fail("line %d: time %s is only %s s after the previous row's; rows less than %g s apart are not a real recording",
					line, timeText(ts), num(ts-prev), float64(minGapS))
			}
		}
		for k, mk := range markers {
			var v [3]float64
			ok := true
			for j := 0; j < 3; j++ {
				x, present, err := trcValue(fields[mk.col+j])
				if err != nil {
					return nil, fail("line %d, column %d (%s %c): %v; write a marker that was not seen as empty columns or NaN",
						line, mk.col+j+1, mk.name, "XYZ"[j], err)
				}
				if !present {
					ok = false
					continue
				}
				x *= scale
				if pixels && math.Abs(x) > maxPixels {
					return nil, fail("line %d, column %d (%s %c): %s px is beyond ±%g px", line, mk.col+j+1, mk.name, "XYZ"[j], num(x), float64(maxPixels))
				}
				if !pixels && math.Abs(x) > maxWorldM {
					return nil, fail("line %d, column %d (%s %c): %s m is beyond ±%g m (Units: %s); if the file holds pixel positions, set Units to px on line 3",
						line, mk.col+j+1, mk.name, "XYZ"[j], num(x), maxWorldM, unitsName(units))
				}
				v[j] = x
			}
			pos[k], seen[k] = Vec3{v[0], v[1], v[2]}, ok
		}
		idx := len(t.Frames)
		if n, err := strconv.Atoi(strings.TrimSpace(fields[0])); err == nil && n >= 1 && int64(n-1) <= maxIndex {
			idx = n - 1
		}
		f := Frame{Index: idx, Time: ts, Points: make([]Point, len(kps))}
		for j, kp := range kps {
			s := resolved[kp]
			v, ok := pos[s.a], seen[s.a]
			if ok && s.b >= 0 {
				v, ok = v.Add(pos[s.b]).Scale(0.5), seen[s.b]
			}
			if !ok {
				continue
			}
			if v.Z != 0 {
				allZeroZ = false
			}
			f.Points[j] = Point{World: v, HasWorld: true}
		}
		t.Frames = append(t.Frames, f)
	}
	if err := sc.Err(); err != nil {
		return nil, scanFail(err)
	}
	if len(t.Frames) == 0 {
		return nil, fail("no data rows")
	}
	if allZeroZ || pixels {
		// 2D keypoints: image plane, Y up in the file.
		for i := range t.Frames {
			for j := range t.Frames[i].Points {
				p := &t.Frames[i].Points[j]
				if p.HasWorld {
					*p = Point{X: p.World.X, Y: -p.World.Y, Conf: 1}
				}
			}
		}
	} else {
		up, err := DetectWorldUp(t)
		if err != nil {
			return nil, fail("%v", err)
		}
		t.WorldUp = up
	}
	if t.Video.FPS <= 0 && len(t.Frames) > 1 {
		fps := float64(len(t.Frames)-1) / (t.Frames[len(t.Frames)-1].Time - t.Frames[0].Time)
		if err := checkFPS(fps, false); err != nil {
			return nil, fail("the Time column gives %s frames a second on average, not a plausible frame rate (%g to %g); give DataRate on line 3 or correct the times",
				num(fps), float64(minFPS), float64(maxFPS))
		}
		t.Video.FPS = fps
	}
	if len(t.Frames) > 0 && t.Video.FPS > 0 {
		t.Video.DurationS = t.Frames[len(t.Frames)-1].Time - t.Frames[0].Time + 1/t.Video.FPS
	}
	if err := checkTrack(t); err != nil {
		return nil, fail("%v", err)
	}
	return t, nil
}

// maxTRCLine caps one line of a TRC file.
const maxTRCLine = 64 << 20

// trcValue reads one coordinate of a TRC row: present is false for an
// empty value or NaN (a marker that was not seen).
func trcValue(s string) (v float64, present bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(strings.TrimLeft(s, "+-"), "nan") {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange) && v == 0:
		return 0, true, nil // too small to represent: zero
	case err != nil && errors.Is(err, strconv.ErrRange):
		return 0, false, fmt.Errorf("%q is too large to be a coordinate", CleanText(s))
	case err != nil:
		return 0, false, fmt.Errorf("%q is not a number", CleanText(s))
	case math.IsInf(v, 0):
		return 0, false, fmt.Errorf("%q is infinite", CleanText(s))
	}
	return v, true, nil
}

// unitsName names a TRC file's length unit for messages.
func unitsName(units string) string {
	if units == "" {
		return "none given, so m"
	}
	return units
}

// DetectWorldUp finds which world axis points up, from the body itself: the
// axis along which the hips (or shoulders) sit farthest from the ankles.
func DetectWorldUp(t *Track) (string, error) {
	var sum [3]float64
	n := 0
	for _, f := range t.Frames {
		for _, pair := range [][2]string{{LeftHip, LeftAnkle}, {RightHip, RightAnkle}, {LeftShoulder, LeftAnkle}, {RightShoulder, RightAnkle}} {
			a, b := t.Index(pair[0]), t.Index(pair[1])
			if a < 0 || b < 0 || !f.Points[a].HasWorld || !f.Points[b].HasWorld {
				continue
			}
			d := f.Points[a].World.Sub(f.Points[b].World)
			sum[0] += d.X
			sum[1] += d.Y
			sum[2] += d.Z
			n++
		}
	}
	if n == 0 {
		return "", errors.New("cannot tell which way is up: no frame has both hip and ankle positions")
	}
	best := 0
	for k := 1; k < 3; k++ {
		if math.Abs(sum[k]) > math.Abs(sum[best]) {
			best = k
		}
	}
	sign := "+"
	if sum[best] < 0 {
		sign = "-"
	}
	return sign + string("xyz"[best]), nil
}

// upVector returns the unit vector for a WorldUp string such as "+y".
func upVector(up string) (Vec3, error) {
	if len(up) != 2 || (up[0] != '+' && up[0] != '-') {
		return Vec3{}, fmt.Errorf("world up axis %q is not one of +x, -x, +y, -y, +z, -z", up)
	}
	s := 1.0
	if up[0] == '-' {
		s = -1
	}
	switch up[1] {
	case 'x':
		return Vec3{s, 0, 0}, nil
	case 'y':
		return Vec3{0, s, 0}, nil
	case 'z':
		return Vec3{0, 0, s}, nil
	}
	return Vec3{}, fmt.Errorf("world up axis %q is not one of +x, -x, +y, -y, +z, -z", up)
}

// WriteTRC writes t as a TRC file. Tracks with world positions are written in
// metres (X/Y/Z as stored); 2D tracks in pixels with X = x, Y = -y (upwards,
// as TRC readers expect) and Z = 0. Points that were not found are written
// as empty fields. Marker names are kneetrack's keypoint names.
func WriteTRC(w io.Writer, t *Track) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("writing TRC: %w", err)
	}
	world := t.HasWorld()
	units := "px"
	if world {
		units = "m"
	}
	rate := t.Video.FPS
	if rate <= 0 {
		rate = medianRate(t)
	}
	bw := bufio.NewWriter(w)
	name := t.Video.Source
	if name == "" {
		name = "kneetrack"
	}
	fmt.Fprintf(bw, "PathFileType\t4\t(X/Y/Z)\t%s\n", name)
	fmt.Fprintf(bw, "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n")
	fmt.Fprintf(bw, "%s\t%s\t%d\t%d\t%s\t%s\t%d\t%d\n", fnum(rate), fnum(rate), len(t.Frames), len(t.Keypoints), units, fnum(rate), 1, len(t.Frames))
	bw.WriteString("Frame#\tTime")
	for _, k := range t.Keypoints {
		fmt.Fprintf(bw, "\t%s\t\t", k)
	}
	bw.WriteString("\n\t")
	for i := range t.Keypoints {
		fmt.Fprintf(bw, "\tX%d\tY%d\tZ%d", i+1, i+1, i+1)
	}
	bw.WriteString("\n\n")
	for i, f := range t.Frames {
		fmt.Fprintf(bw, "%d\t%s", i+1, fnum(f.Time))
		for _, p := range f.Points {
			switch {
			case world && p.HasWorld:
				fmt.Fprintf(bw, "\t%s\t%s\t%s", fnum(p.World.X), fnum(p.World.Y), fnum(p.World.Z))
			case !world && p.Valid():
				fmt.Fprintf(bw, "\t%s\t%s\t0", fnum(p.X), fnum(-p.Y))
			default:
				bw.WriteString("\t\t\t")
			}
		}
		bw.WriteString("\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing TRC: %w", err)
	}
	return nil
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }

// medianRate estimates a frame rate from the median frame interval.
func medianRate(t *Track) float64 {
	if len(t.Frames) < 2 {
		return 0
	}
	dts := make([]float64, 0, len(t.Frames)-1)
	for i := 1; i < len(t.Frames); i++ {
		dts = append(dts, t.Frames[i].Time-t.Frames[i-1].Time)
	}
	sort.Float64s(dts)
	return 1 / dts[len(dts)/2]
}

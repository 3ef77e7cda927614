package track

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SchemaV1 identifies version 1 of kneetrack's track JSON (docs/track-json.md).
const SchemaV1 = "kneetrack.track/v1"

// The JSON document. Keypoints carry their names in every frame so the file
// reads on its own; a point that was not found is written with conf 0 and no
// coordinates.
type jsonTrack struct {
	Schema    string      `json:"schema"`
	Skeleton  string      `json:"skeleton"`
	Keypoints []string    `json:"keypoints"`
	Video     jsonVideo   `json:"video"`
	WorldUp   string      `json:"world_up,omitempty"`
	Frames    []jsonFrame `json:"frames"`
}

type jsonVideo struct {
	Source    string  `json:"source,omitempty"`
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	FPS       float64 `json:"fps"`
	DurationS float64 `json:"duration_s"`
	Rotation  int     `json:"rotation"`
}

type jsonFrame struct {
	Index  int         `json:"index"`
	Time   float64     `json:"t"`
	Points []jsonPoint `json:"points"`
}

type jsonPoint struct {
	Name   string      `json:"name"`
	X      *float64    `json:"x,omitempty"`
	Y      *float64    `json:"y,omitempty"`
	NX     *float64    `json:"nx,omitempty"`
	NY     *float64    `json:"ny,omitempty"`
	Z      *float64    `json:"z,omitempty"`
	Conf   float64     `json:"conf"`
	World  *[3]float64 `json:"world,omitempty"`
	Filled bool        `json:"filled,omitempty"`
}

// WriteJSON writes t as a kneetrack.track/v1 document.
func WriteJSON(w io.Writer, t *Track) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("writing track JSON: %w", err)
	}
	doc := jsonTrack{
		Schema:    SchemaV1,
		Skeleton:  t.Skeleton,
		Keypoints: t.Keypoints,
		Video: jsonVideo{Source: t.Video.Source, Width: t.Video.Width, Height: t.Video.Height,
			FPS: t.Video.FPS, DurationS: t.Video.DurationS, Rotation: t.Video.Rotation},
		WorldUp: t.WorldUp,
		Frames:  make([]jsonFrame, len(t.Frames)),
	}
	for i, f := range t.Frames {
		jf := jsonFrame{Index: f.Index, Time: f.Time, Points: make([]jsonPoint, len(f.Points))}
		for j, p := range f.Points {
			jp := jsonPoint{Name: t.Keypoints[j], Conf: p.Conf, Filled: p.Filled}
			if p.Valid() {
				jp.X, jp.Y = ptr(p.X), ptr(p.Y)
				if t.Video.Width > 0 && t.Video.Height > 0 {
					jp.NX, jp.NY = ptr(p.NX), ptr(p.NY)
				}
				if p.Z != 0 {
					jp.Z = ptr(p.Z)
				}
			}
			if p.HasWorld {
				jp.World = &[3]float64{p.World.X, p.World.Y, p.World.Z}
			}
			jf.Points[j] = jp
		}
		doc.Frames[i] = jf
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing track JSON: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing track JSON: %w", err)
	}
	return nil
}

func ptr(x float64) *float64 { return &x }

// jsonPointIn is a point as read: world is a list so that a wrong number
// of coordinates is seen, not padded with zeros.
type jsonPointIn struct {
	Name   string    `json:"name"`
	X      *float64  `json:"x"`
	Y      *float64  `json:"y"`
	NX     *float64  `json:"nx"`
	NY     *float64  `json:"ny"`
	Z      *float64  `json:"z"`
	Conf   float64   `json:"conf"`
	World  []float64 `json:"world"`
	Filled bool      `json:"filled"`
}

// ReadJSON reads a kneetrack.track/v1 document and checks it: besides its
// structure, every number must be finite and in a sane range and every
// string is made safe to print (CleanText); docs/track-json.md lists the
// rules. It reads at most 1 GiB.
func ReadJSON(r io.Reader) (*Track, error) { return readJSON(r, "") }

// readJSON is ReadJSON for a named file; messages name it.
func readJSON(r io.Reader, name string) (*Track, error) {
	where := "reading track JSON"
	if name != "" {
		where += " " + CleanText(name)
	}
	t, err := decodeTrackJSON(r)
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s: the file is %w, more than kneetrack reads for one track; cut the recording into shorter sets", where, tl)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return t, nil
}

// jsonHeader is what a document says before its frames can be read.
type jsonHeader struct {
	keypoints []string
	index     map[string]int
	w, h      int
}

// decodeTrackJSON reads the document as a stream: frames and points one at
// a time, so that memory follows the track's size, not the file's whims.
// The frames are streamed when "schema", "keypoints" and "video" come
// before them (as kneetrack writes them); otherwise they are kept as raw
// JSON until the end of the document.
func decodeTrackJSON(r io.Reader) (*Track, error) {
	br := bufio.NewReader(newLimitedReader(r, maxTrackBytes))
	skipBOM(br)
	dec := json.NewDecoder(br)
	if err := expectDelim(dec, '{'); err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("not a kneetrack track file (%w)", err)
	}
	var (
		doc       jsonTrack
		seen      = map[string]bool{}
		hdr       *jsonHeader
		frames    []Frame
		rawFrames json.RawMessage
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not a kneetrack track file (%w)", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("the key %q appears twice", CleanText(key))
		}
		seen[key] = true
		switch key {
		case "schema":
			err = dec.Decode(&doc.Schema)
			if err == nil {
				err = checkSchema(doc.Schema)
				if err != nil {
					return nil, err
				}
			}
		case "skeleton":
			err = dec.Decode(&doc.Skeleton)
		case "keypoints":
			err = dec.Decode(&doc.Keypoints)
		case "video":
			err = dec.Decode(&doc.Video)
		case "world_up":
			err = dec.Decode(&doc.WorldUp)
		case "frames":
			if seen["schema"] && seen["keypoints"] && seen["video"] {
				if hdr, err = newJSONHeader(&doc); err != nil {
					return nil, err
				}
				frames, err = readJSONFrames(dec, hdr)
				if err != nil {
					return nil, err
				}
			} else {
				err = dec.Decode(&rawFrames)
			}
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return nil, err
			}
			return nil, fmt.Errorf("%q: %w", CleanText(key), err)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, fmt.Errorf("not a kneetrack track file (%w)", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if errors.Is(err, errTooLarge) {
			return nil, err
		}
		return nil, errors.New("more data follows the track's closing }: one file holds one track")
	}
	if err := checkSchema(doc.Schema); err != nil {
		return nil, err
	}
	if hdr == nil {
		var err error
		if hdr, err = newJSONHeader(&doc); err != nil {
			return nil, err
		}
		if rawFrames != nil {
			frames, err = readJSONFrames(json.NewDecoder(bytes.NewReader(rawFrames)), hdr)
			if err != nil {
				return nil, err
			}
		}
	}
	t := &Track{
		Skeleton:  CleanText(doc.Skeleton),
		Keypoints: hdr.keypoints,
		Video: Video{Source: CleanText(doc.Video.Source), Width: doc.Video.Width, Height: doc.Video.Height,
			FPS: doc.Video.FPS, DurationS: doc.Video.DurationS, Rotation: doc.Video.Rotation},
		WorldUp: CleanText(doc.WorldUp),
		Frames:  frames,
	}
	if err := checkTrack(t); err != nil {
		if errors.Is(err, ErrEmpty) {
			return nil, err
		}
		return nil, fmt.Errorf("%w; correct or remove that value, or write the track again (kneetrack pose)", err)
	}
	return t, nil
}

// checkSchema accepts kneetrack.track/v1 only.
func checkSchema(schema string) error {
	switch {
	case schema == SchemaV1:
		return nil
	case schema == "":
		return errors.New(`no "schema" field; expected a kneetrack track file ("` + SchemaV1 + `")`)
	case strings.HasPrefix(schema, "kneetrack.track/"):
		return fmt.Errorf("schema %q is not supported by this kneetrack (it reads %q); upgrade kneetrack", CleanText(schema), SchemaV1)
	}
	return fmt.Errorf("schema %q is not a kneetrack track (want %q)", CleanText(schema), SchemaV1)
}

// newJSONHeader checks the keypoint list and picture size the frames need.
func newJSONHeader(doc *jsonTrack) (*jsonHeader, error) {
	if len(doc.Keypoints) > maxKeypoints {
		return nil, fmt.Errorf("%d keypoints are more than kneetrack reads (%d)", len(doc.Keypoints), maxKeypoints)
	}
	if err := checkSize(doc.Video.Width, doc.Video.Height); err != nil {
		return nil, fmt.Errorf("video: %w", err)
	}
	h := &jsonHeader{keypoints: cleanNames(doc.Keypoints), index: make(map[string]int, len(doc.Keypoints)),
		w: doc.Video.Width, h: doc.Video.Height}
	for i, n := range h.keypoints {
		if _, dup := h.index[n]; dup {
			return nil, fmt.Errorf("keypoint %q appears twice in \"keypoints\"", n)
		}
		h.index[n] = i
	}
	return h, nil
}

// readJSONFrames reads the "frames" array.
func readJSONFrames(dec *json.Decoder, hdr *jsonHeader) ([]Frame, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, errors.New(`"frames" is not a list`)
	}
	var frames []Frame
	for dec.More() {
		i := len(frames)
		if (i+1)*len(hdr.keypoints) > maxPoints || i+1 > maxPoints {
			return nil, fmt.Errorf("more than %d frames of %d keypoints: more than kneetrack reads (%d points, about 2 hours at 60 fps); split the track",
				i, len(hdr.keypoints), maxPoints)
		}
		f, err := readJSONFrame(dec, hdr, i)
		if err != nil {
			return nil, err
		}
		frames = append(frames, f)
	}
	if err := expectDelim(dec, ']'); err != nil {
		return nil, err
	}
	return frames, nil
}

// readJSONFrame reads frames[i].
func readJSONFrame(dec *json.Decoder, hdr *jsonHeader, i int) (Frame, error) {
	fail := func(err error) (Frame, error) {
		if errors.Is(err, errTooLarge) {
			return Frame{}, err
		}
		return Frame{}, fmt.Errorf("frames[%d]: %w", i, err)
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fail(err)
	}
	f := Frame{Index: i, Points: make([]Point, len(hdr.keypoints))}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return fail(fmt.Errorf("the key %q appears twice", CleanText(key)))
		}
		seen[key] = true
		switch key {
		case "index":
			err = dec.Decode(&f.Index)
		case "t":
			err = dec.Decode(&f.Time)
		case "points":
			err = readJSONPoints(dec, hdr, f.Points)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return fail(err)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return fail(err)
	}
	if !seen["t"] {
		return fail(errors.New(`no "t" (the frame's time in seconds)`))
	}
	if !seen["points"] {
		return fail(errors.New(`no "points"`))
	}
	return f, nil
}

// readJSONPoints reads a frame's "points" into pts, one per keypoint: each
// keypoint must be listed once (so that a small file cannot ask for a large
// track).
func readJSONPoints(dec *json.Decoder, hdr *jsonHeader, pts []Point) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	listed := make([]bool, len(pts))
	if tok != nil { // null: no points
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return errors.New(`"points" is not a list`)
		}
		for dec.More() {
			var jp jsonPointIn
			if err := dec.Decode(&jp); err != nil {
				return err
			}
			name := CleanText(jp.Name)
			k, ok := hdr.index[name]
			if !ok {
				return fmt.Errorf("point %q is not in the \"keypoints\" list", name)
			}
			if listed[k] {
				return fmt.Errorf("point %q is listed twice", name)
			}
			listed[k] = true
			p, err := jsonPointValue(jp, name, hdr)
			if err != nil {
				return err
			}
			pts[k] = p
		}
		if err := expectDelim(dec, ']'); err != nil {
			return err
		}
	}
	for k, ok := range listed {
		if !ok {
			return fmt.Errorf("keypoint %q is not listed: every frame lists every keypoint (with conf 0 when it was not found)", hdr.keypoints[k])
		}
	}
	return nil
}

// jsonPointValue turns a point as read into a Point. A point with conf 0
// was not found: its coordinates, if any, are ignored.
func jsonPointValue(jp jsonPointIn, name string, hdr *jsonHeader) (Point, error) {
	p := Point{Conf: jp.Conf, Filled: jp.Filled}
	if jp.Conf > 0 {
		if jp.X == nil || jp.Y == nil {
			return p, fmt.Errorf("point %q: confidence %v but no x/y", name, jp.Conf)
		}
		p.X, p.Y = *jp.X, *jp.Y
		switch {
		case jp.NX != nil && jp.NY != nil:
			p.NX, p.NY = *jp.NX, *jp.NY
		case hdr.w > 0 && hdr.h > 0:
			p.NX, p.NY = p.X/float64(hdr.w), p.Y/float64(hdr.h)
		}
		if jp.Z != nil {
			p.Z = *jp.Z
		}
	}
	if jp.World != nil {
		if len(jp.World) != 3 {
			return p, fmt.Errorf("point %q: \"world\" has %d numbers, want 3 (x, y, z in metres)", name, len(jp.World))
		}
		p.World = Vec3{jp.World[0], jp.World[1], jp.World[2]}
		p.HasWorld = true
	}
	return p, nil
}

// expectDelim reads one token and checks that it is the delimiter d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != d {
		return fmt.Errorf("expected %s, found %s", d, tokenText(tok))
	}
	return nil
}

// tokenText describes a JSON token for a message.
func tokenText(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return v.String()
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("the string %q", CleanText(v))
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// skipBOM drops a UTF-8 byte order mark at the start of r.
func skipBOM(r *bufio.Reader) {
	if b, err := r.Peek(3); err == nil && bytes.Equal(b, utf8BOM) {
		r.Discard(3)
	}
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// JSONDocument returns an empty track JSON document of the Go type Write
// encodes, for the JSON Schema generator (internal/schema).
func JSONDocument() any { return jsonTrack{} }

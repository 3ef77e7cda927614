package track

import (
	"bufio"
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

// ReadJSON reads a kneetrack.track/v1 document and validates it.
func ReadJSON(r io.Reader) (*Track, error) {
	var doc jsonTrack
	dec := json.NewDecoder(bufio.NewReader(r))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading track JSON: not a kneetrack track file (%w)", err)
	}
	switch {
	case doc.Schema == SchemaV1:
	case doc.Schema == "":
		return nil, errors.New(`reading track JSON: no "schema" field; expected a kneetrack track file ("` + SchemaV1 + `")`)
	case strings.HasPrefix(doc.Schema, "kneetrack.track/"):
		return nil, fmt.Errorf("reading track JSON: schema %q is not supported by this kneetrack (it reads %q); upgrade kneetrack", doc.Schema, SchemaV1)
	default:
		return nil, fmt.Errorf("reading track JSON: schema %q is not a kneetrack track (want %q)", doc.Schema, SchemaV1)
	}
	t := &Track{
		Skeleton:  doc.Skeleton,
		Keypoints: doc.Keypoints,
		Video: Video{Source: doc.Video.Source, Width: doc.Video.Width, Height: doc.Video.Height,
			FPS: doc.Video.FPS, DurationS: doc.Video.DurationS, Rotation: doc.Video.Rotation},
		WorldUp: doc.WorldUp,
		Frames:  make([]Frame, len(doc.Frames)),
	}
	index := make(map[string]int, len(doc.Keypoints))
	for i, n := range doc.Keypoints {
		index[n] = i
	}
	for i, jf := range doc.Frames {
		f := Frame{Index: jf.Index, Time: jf.Time, Points: make([]Point, len(doc.Keypoints))}
		for _, jp := range jf.Points {
			k, ok := index[jp.Name]
			if !ok {
				return nil, fmt.Errorf("reading track JSON: frame %d has keypoint %q, which the \"keypoints\" list does not name", i, jp.Name)
			}
			p := Point{Conf: jp.Conf, Filled: jp.Filled}
			if jp.Conf > 0 {
				if jp.X == nil || jp.Y == nil {
					return nil, fmt.Errorf("reading track JSON: frame %d, %s: confidence %v but no x/y", i, jp.Name, jp.Conf)
				}
				p.X, p.Y = *jp.X, *jp.Y
				switch {
				case jp.NX != nil && jp.NY != nil:
					p.NX, p.NY = *jp.NX, *jp.NY
				case doc.Video.Width > 0 && doc.Video.Height > 0:
					p.NX, p.NY = p.X/float64(doc.Video.Width), p.Y/float64(doc.Video.Height)
				}
				if jp.Z != nil {
					p.Z = *jp.Z
				}
			}
			if jp.World != nil {
				p.World = Vec3{jp.World[0], jp.World[1], jp.World[2]}
				p.HasWorld = true
			}
			f.Points[k] = p
		}
		t.Frames[i] = f
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("reading track JSON: %w", err)
	}
	return t, nil
}

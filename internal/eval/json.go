package eval

import (
	"encoding/json"
	"io"
	"math"
)

// The JSON form of a summary (docs/eval.md): numbers as numbers, null where
// a ratio is undefined (no case to divide by).

type scoreJSON struct {
	Class     string   `json:"class"`
	TP        int      `json:"tp"`
	FP        int      `json:"fp"`
	FN        int      `json:"fn"`
	Support   int      `json:"support"`
	Precision *float64 `json:"precision"`
	Recall    *float64 `json:"recall"`
	F1        *float64 `json:"f1"`
}

type kneeJSON struct {
	Severity string   `json:"severity"`
	Deg      *float64 `json:"value_deg"`
}

type mistakeJSON struct {
	Name     string      `json:"name"`
	Label    string      `json:"label"`
	Analysed bool        `json:"analysed"`
	Movement string      `json:"movement"`
	Reason   string      `json:"reason,omitempty"`
	Knees    [2]kneeJSON `json:"knees"`
	Error    string      `json:"error,omitempty"`
}

type groupJSON struct {
	Tag           string    `json:"tag"`
	Clips         int       `json:"clips"`
	AnalysedShare *float64  `json:"analysed_share"`
	Caves         scoreJSON `json:"caves"`
}

type summaryJSON struct {
	Schema             string         `json:"schema"`
	CavesFrom          string         `json:"caves_from"`
	Clips              int            `json:"clips"`
	Analysed           int            `json:"analysed"`
	Supported          int            `json:"supported"`
	AnalysedShare      *float64       `json:"analysed_share"`
	MovementRecognised int            `json:"movement_recognised"`
	MovementLabelled   int            `json:"movement_labelled"`
	MovementsMisread   map[string]int `json:"movements_misread"`
	Clip               [2]scoreJSON   `json:"clip"`
	Knee               [2]scoreJSON   `json:"knee"`
	ExcludedClips      int            `json:"excluded_clips"`
	Errors             int            `json:"errors"`
	Groups             []groupJSON    `json:"groups"`
	Mistakes           []mistakeJSON  `json:"mistakes"`
	NotScored          []NotScored    `json:"not_scored"`
}

func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func scoreToJSON(s Score) scoreJSON {
	return scoreJSON{Class: s.Class, TP: s.TP, FP: s.FP, FN: s.FN, Support: s.Support,
		Precision: num(s.Precision), Recall: num(s.Recall), F1: num(s.F1)}
}

// WriteJSON writes a summary and the clips not scored as JSON
// (kneetrack.eval/v1, docs/eval.md).
func WriteJSON(w io.Writer, s Summary, notScored []NotScored) error {
	doc := summaryJSON{Schema: "kneetrack.eval/v1", CavesFrom: string(s.CavesFrom), Clips: s.Clips, Analysed: s.Analysed,
		Supported: s.Supported, AnalysedShare: num(s.AnalysedShare()), MovementRecognised: s.MovementRight,
		MovementLabelled: s.MovementKnown, MovementsMisread: s.Confusions, ExcludedClips: s.ExcludedClips, Errors: s.Errors,
		Groups: []groupJSON{}, Mistakes: []mistakeJSON{}, NotScored: notScored}
	if doc.MovementsMisread == nil {
		doc.MovementsMisread = map[string]int{}
	}
	if doc.NotScored == nil {
		doc.NotScored = []NotScored{}
	}
	for i := range 2 {
		doc.Clip[i], doc.Knee[i] = scoreToJSON(s.Clip[i]), scoreToJSON(s.Knee[i])
	}
	for _, g := range s.Groups {
		doc.Groups = append(doc.Groups, groupJSON{Tag: g.Tag, Clips: g.Clips, AnalysedShare: num(g.Analysed), Caves: scoreToJSON(g.Caves)})
	}
	for _, o := range s.Mistakes {
		m := mistakeJSON{Name: o.Item.Name, Label: o.Item.Clip.String(), Analysed: o.Analysed, Movement: string(o.Movement), Reason: o.Reason}
		if m.Movement == "" {
			m.Movement = "auto"
		}
		for k := range 2 {
			m.Knees[k] = kneeJSON{Severity: string(o.Knee[k]), Deg: num(o.Value[k])}
		}
		if o.Err != nil {
			m.Error = o.Err.Error()
		}
		doc.Mistakes = append(doc.Mistakes, m)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// JSONDocument returns an empty scores JSON document of the Go type
// WriteJSON encodes, for the JSON Schema generator (internal/schema).
func JSONDocument() any { return summaryJSON{} }

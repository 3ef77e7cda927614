package htmlreport

// This file: the page's colours, named once. The CSS uses them only as
// custom properties (var(--name)), so TestPaletteContrast checks every
// colour the page can show.

import "github.com/kneetrack/kneetrack/internal/overlay"

// uiColour is one colour of the page, emitted as the CSS custom property
// --Name.
type uiColour struct{ Name, Hex string }

// uiColours are the page's colours other than the class colours (which
// come from overlay, emitted as --sev-NAME).
var uiColours = []uiColour{
	{"ink", "#1f2328"},        // body text
	{"heading", "#111418"},    // headings
	{"page", "#f6f7f9"},       // page background
	{"card", "#ffffff"},       // section background
	{"card-alt", "#fafbfc"},   // striped rows, knee and cause boxes
	{"muted", "#59636e"},      // secondary text
	{"faint", "#636c76"},      // partial reps, "not the working leg"
	{"lead", "#3d444d"},       // lead paragraphs, legends
	{"link", "#0b63a5"},       // links
	{"header", "#14213d"},     // the header band
	{"header-ink", "#d6dde8"}, // subtitle and contents on the header band
	{"header-rule", "#34405a"},
	{"brand", "#9fb8d9"},
	{"white", "#ffffff"},
	{"line", "#dfe3e8"}, // borders
	{"line-soft", "#eceff3"},
	{"line-strong", "#cfd5dc"},
	{"note-ink", "#6e4b00"}, // notes about the data
	{"note-bg", "#fff8e6"},
	{"note-edge", "#b97f00"},
	{"ok-ink", "#00664a"}, // quality marks
	{"ok-bg", "#d7efe6"},
	{"warn-ink", "#7a4f00"},
	{"warn-bg", "#fbe9c7"},
	{"bad-ink", "#8a3300"},
	{"bad-bg", "#f8d8c8"},
	{"conf-ink", "#0b4f80"}, // a cause's confidence
	{"conf-bg", "#e2eef8"},
	{"kind-bg", "#eceff3"},    // a plan step's kind (text: lead)
	{"chip-ink", "#111111"},   // text on the class colours
	{"unknown-bg", "#d5d9de"}, // the "not graded" chip
}

// cssColours returns the custom properties for the page's :root: the UI
// colours and the class colours.
func cssColours() []uiColour {
	out := append([]uiColour(nil), uiColours...)
	for _, c := range overlay.Classes() {
		out = append(out, uiColour{"sev-" + c.String(), c.Hex()})
	}
	out = append(out, uiColour{"sev-unknown", overlay.ClassUnknown.Hex()})
	return out
}

package overlay

import (
	"fmt"
	"image/color"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Class is how a knee is graded where it is drawn; it picks the colour of the
// leg's hip-knee-ankle line.
type Class int

// Classes, from "cannot say" to severe knee cave.
const (
	// ClassUnknown: not graded here (unreliable keypoints, not the working
	// leg, or a set that could not be assessed). Drawn grey.
	ClassUnknown Class = iota
	ClassNone
	ClassMild
	ClassModerate
	ClassSevere
)

// The colours come from Okabe and Ito's palette, chosen to stay apart for
// the common colour-vision deficiencies; yellow, orange and vermillion also
// darken in that order, so the scale reads in grey too.
var classColours = [...]color.RGBA{
	ClassUnknown:  {160, 160, 160, 255},
	ClassNone:     {0, 158, 115, 255},  // bluish green
	ClassMild:     {240, 228, 66, 255}, // yellow
	ClassModerate: {230, 159, 0, 255},  // orange
	ClassSevere:   {213, 94, 0, 255},   // vermillion
}

// RefColour is the hip-ankle line's colour: the palette's sky blue, which
// no class uses (nor does ToeColour's reddish purple).
func RefColour() color.RGBA { return color.RGBA{86, 180, 233, 255} }

// ToeColour is the toes line's colour.
func ToeColour() color.RGBA { return color.RGBA{204, 121, 167, 255} }

// Colour returns the class's colour.
func (c Class) Colour() color.RGBA {
	if c < ClassUnknown || int(c) >= len(classColours) {
		return classColours[ClassUnknown]
	}
	return classColours[c]
}

// Hex returns the class's colour as #rrggbb, for HTML and SVG.
func (c Class) Hex() string {
	k := c.Colour()
	return fmt.Sprintf("#%02x%02x%02x", k.R, k.G, k.B)
}

// String names the class as the analysis does.
func (c Class) String() string {
	switch c {
	case ClassNone:
		return "none"
	case ClassMild:
		return "mild"
	case ClassModerate:
		return "moderate"
	case ClassSevere:
		return "severe"
	}
	return "unknown"
}

// ClassOf maps an analysis severity onto a drawing class; "unknown" and "not
// assessed" are both drawn grey.
func ClassOf(s valgus.Severity) Class {
	switch s {
	case valgus.SevNone:
		return ClassNone
	case valgus.SevMild:
		return ClassMild
	case valgus.SevModerate:
		return ClassModerate
	case valgus.SevSevere:
		return ClassSevere
	}
	return ClassUnknown
}

// Classes lists the graded classes in increasing order, for legends.
func Classes() []Class { return []Class{ClassNone, ClassMild, ClassModerate, ClassSevere} }

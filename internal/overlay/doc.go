// Package overlay draws kneetrack's annotations on pictures: the lifter's
// skeleton; each leg's hip-knee-ankle line in the colour of its class;
// by each graded knee the hip-ankle line its sideways movement is measured
// from, the toes line (where the toe is trusted) and an arrow from the
// hip-ankle line to the knee; the set's graded measure written beside the
// knee as the rep table writes it, with the rep's grade; and a panel with
// the rep counter and phase.
//
// An Annotator turns a set's analysis and its keypoint track into a Scene
// for any moment of the video (RenderVideo draws one on every frame of the
// source video) or for a rep's deepest moment (key frames, composed by
// Renderer.Still on the video frame or on a plain background). Drawing is
// pure Go: anti-aliased shapes with golang.org/x/image/vector and text in
// the embedded Go fonts, so the output is the same on every machine.
package overlay

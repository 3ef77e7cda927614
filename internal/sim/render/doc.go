// Package render draws a shaded 3D human figure standing in a simple room,
// as a phone camera would film it: the picture kneetrack's pose models read
// when a simulated lifter is turned into video.
//
// The figure is built from smooth solids around the joints of a Pose: limbs
// and trunk are rounded cones (a sphere swept along a segment with a radius
// that changes linearly), joined where they meet by a smooth minimum of their
// signed distances so shoulders, hips and elbows blend instead of
// intersecting. It wears a shirt, shorts, socks and shoes with pale soles,
// and has a painted face and hair, because BlazePose's detector looks for a
// face and a clothed body. The room is a textured wooden floor and a painted
// wall with a skirting board, lit by a soft key light from the camera's side
// (soft shadows of the figure fall on the floor, the wall and the figure
// itself) and by sky and floor bounce light, with ambient occlusion in the
// creases and under the feet.
//
// Rays are sphere-traced through the figure's distance field only where the
// figure can be: the picture is cut into tiles, each tile keeps the solids
// whose bounding volumes it can see, and each ray tests those against its own
// path before marching. Floor and wall are intersected analytically, and
// shadows and occlusion use closed-form estimates for capsules, so the rest
// of the picture costs little. Edges get extra samples (adaptive
// anti-aliasing). Rows of tiles are shared between goroutines; the output
// depends only on the inputs, never on scheduling.
//
// Coordinates are the scene's, in metres: X forward (the way the figure
// faces when the camera's yaw is 0), Y to the figure's left, Z up, the floor
// at Z = 0 and the origin on the floor between the ankles. The camera is
// track.Camera, placed around that origin exactly as track.Camera.ProjectPoint
// assumes, so a joint's projected position is where the renderer draws it.
package render

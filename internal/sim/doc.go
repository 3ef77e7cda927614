// Package sim holds kneetrack's synthetic lifters: bodies whose every joint
// position is known, performing sets of squats, for testing the analysis
// against exact truth and for the demo. There are two models, because they
// answer different questions; both speak one vocabulary (package body's
// Movement and Side, a Moment within a rep, per-rep values such as
// ParseRamp builds, RepTiming) and share one kinematic core (reps laid out
// in time with the hips easing down and up, knees placed by the same
// two-segment chain).
//
// Set is the whole-body figure, for what a camera and a pose model see:
// kneetrack simulate, kneetrack demo, the end-to-end accuracy tests
// (internal/e2e) and the pose check (internal/sim/posecheck). Its knobs are
// the ones the analysis must detect: knee valgus per side and per rep (as
// the peak frontal plane projection angle a front camera would measure),
// where in the rep it starts and peaks, growth over the set, slowing ascents
// (velocity loss), stance width, toe-out, sideways weight shift, arm
// position, and a pose model's imperfections (jitter, lost frames,
// outliers). Simulate turns it into a whole-body skeleton per frame (scene
// coordinates: X forward, Y left, Z up, metres, the origin on the floor
// between the ankles), the keypoint track a camera would give (BlazePose's
// 33 points), and the exact truth: rep times, each leg's peak FPPA, its time
// and phase, onset, ascent velocities. Package sim/render draws the figure,
// so the set can be turned into video (Result.RenderVideo).
//
// Valgus in a Set is produced the way it happens: the plane in which a knee
// bends turns inwards during the rep, so the knee travels towards the
// midline. The turn is solved frame by frame so that the leg's FPPA change
// from standing, seen by a camera at yaw 0 (same height and distance),
// follows a designed course: its natural course (knees tracking out) blended
// by a smooth bump towards the requested peak, which it reaches exactly at
// the requested phase and nowhere else in the rep. The truth then reports
// what the actual camera sees.
//
// StickSet is the stick figure, for the analysis's own tests and the
// labelled evaluation set (internal/evalset): two-link legs (thigh and
// shank) under a rigid trunk, giving a 3D motion-capture track of 13
// keypoints (StickSet.Track3D) to film with track.Project. It is cheap and
// does more movements (split squats and drop jumps too), and its valgus is
// an input of the body: each knee's bending plane turns inwards by the
// requested degrees, following the hips' descent, with an optional lag and
// a standing baseline. What a camera then sees is left to the code under
// test or to the evaluation set's own geometry.
package sim

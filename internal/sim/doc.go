// Package sim simulates sets of squats by a lifter whose every joint
// position is known, for testing kneetrack end to end and for its demo.
//
// A Set describes the set with the knobs the analysis must be able to
// detect: knee valgus per side and per rep (as the peak frontal plane
// projection angle a front camera would measure), where in the rep it
// starts and peaks, growth over the set, slowing ascents (velocity loss),
// stance width, toe-out, sideways weight shift, arm position, and a pose
// model's imperfections (jitter, lost frames, outliers). Simulate turns it
// into a whole-body skeleton per frame (scene coordinates of package render:
// X forward, Y left, Z up, metres, the origin on the floor between the
// ankles), the keypoint track a camera would give (BlazePose's 33 points),
// and the exact truth: rep times, each leg's peak FPPA, its time and phase,
// onset, ascent velocities.
//
// Valgus is produced the way it happens: the plane in which a knee bends
// turns inwards during the rep, so the knee travels towards the midline.
// The turn is solved frame by frame so that the leg's FPPA change from
// standing, seen by a camera at yaw 0 (same height and distance), follows a
// designed course: its natural course (knees tracking out) blended by a
// smooth bump towards the requested peak, which it reaches exactly at the
// requested phase and nowhere else in the rep. The truth then reports what
// the actual camera sees.
package sim

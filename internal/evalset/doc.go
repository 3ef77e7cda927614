// Package evalset generates a labelled evaluation set for kneetrack's knee
// cave (dynamic knee valgus) analysis: 2D keypoint tracks as a pose model
// would give them from a phone video, each with the truth about both knees
// computed from the 3D body that produced it, independently of the analysis
// code (this package imports neither internal/valgus nor the coaching code).
//
// Every case starts from a 3D take: a synthetic lifter, the stick figure of
// package sim (sim.StickSet: bilateral squats, single-leg squats, split
// squats, drop jumps, with chosen stance, toe-out, knees-out, hip shift,
// depth, tempo and per-rep knee cave) or real motion capture (OpenCap squats,
// asymmetric squats, standing, lab drop jumps), optionally with a cave added
// by rotating the knee about its hip-ankle axis. The take is filmed with a
// virtual phone camera (track.Camera: yaw, height, distance, portrait,
// landscape or small pictures, frame rate) and degraded by models of real
// pose-model output: correlated jitter and single-frame outliers, ankles
// sinking at depth, toes leaving the picture, a hand-held camera's drift,
// mirroring, trimming and confidence dropouts. Each case records in Perturb
// what was applied. docs/evalset.md describes the models and the real
// footage each imitates.
//
// # Label rule
//
// A knee's truth is read at the deepest point of each rep (the bottom of
// the hips' descent) as the inward turn of the knee past straight ahead:
//
//   - synthetic lifters: the angle by which the knee's bending plane is
//     turned towards the midline from the lifter's forward direction
//     (valgus minus knees-out, as the generator set it);
//   - motion capture: the angle of the knee about that leg's hip-ankle
//     axis, measured towards the midline from the lifter's forward direction
//     made perpendicular to that axis (see caveAngle).
//
// KneeTruth.CaveDeg is the largest of these over the reps (the worst rep),
// RepCaveDeg lists them rep by rep. The label follows from CaveDeg:
//
//   - Caves: CaveDeg >= 5 degrees (CaveThresholdDeg): a knee tracking
//     visibly inside its straight path (see docs/evalset.md for why 5);
//   - NoCave: CaveDeg <= 0 degrees: the knee stays at or outside straight
//     ahead in every rep, whatever else happens (knees pushed out over
//     turned-out toes, narrow or wide stance, hip shift, asymmetric weight
//     shift, camera yaw);
//   - Ambiguous: anything in between, and knees whose truth is not a
//     squatting knee's (the free leg of a single-leg squat). Ambiguous knees
//     are meant to be excluded from scoring. The rear knee of a split squat
//     is Ambiguous too: a split squat is judged on the front leg.
//
// A take without reps (standing still) is NoCave with CaveDeg 0.
//
// KneeTruth.MedialLeg is the knee's 3D displacement from the hip-ankle
// line along the body's horizontal medial direction (+ towards the
// midline) at the worst rep's deepest frame, minus its mean over the
// standing frames, divided by the leg length (thigh plus shank).
//
// Build is deterministic: the same Options give identical cases. It keeps
// no global state.
package evalset

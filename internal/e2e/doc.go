// Package e2e holds kneetrack's end-to-end accuracy tests, from pixels to
// degrees: a simulated lifter whose every joint angle is known (package
// sim) is rendered to video (package sim/render), tracked by the pose
// pipeline (package pose) and analysed (package valgus), and the measured
// knee valgus is compared rep by rep with the truth the simulation reports
// for the same camera. TestAnalysisReadsTheTrack does the last step alone,
// on the simulated keypoint track.
//
// The package has tests only. They need the pose models (kneetrack models
// pull) and ffmpeg; without them they skip on a user's machine and fail
// under CI. `go test -run TestAccuracyTable -v ./internal/e2e` prints the
// error table published in docs/method.md.
package e2e

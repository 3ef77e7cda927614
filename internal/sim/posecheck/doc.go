// Package posecheck holds tests only: it checks that kneetrack's pose
// pipeline (package pose) reads videos of the simulated lifter (packages sim
// and sim/render), by comparing the landmarks it finds with the projected
// joints the simulation knows. It lives apart from sim so that sim's own
// tests do not depend on the pose models.
package posecheck

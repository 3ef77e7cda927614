// Package pose turns a video of a lifter into a keypoint track: where each
// body point of one person was in the picture, frame by frame, at the
// frame's true time. It is the only package that runs the pose models; what
// it hands on is a *track.Track, the same type the analysis reads from
// OpenPose folders and TRC files.
//
// The data flows in one direction:
//
//	video file
//	  -> probe and decode (package video: size as displayed, true
//	     timestamps; frames above video.WorkingMaxSide scaled down while
//	     decoding)
//	  -> find the people (scanPeople, people.go): the detector (Detector,
//	     detector.go) on frames sampled over the clip, every proposal
//	     confirmed by the landmark model, sightings linked into Persons and
//	     ranked by how much each looks like the lifter (or Options.Pick)
//	  -> track frame by frame (tracker.go): the landmark model (BlazePose or
//	     MoveNet, blazepose.go and movenet.go, with the optional mirror
//	     average of mirror.go) on a crop placed by the previous frame's
//	     landmarks; the detector again only when the person is lost, and
//	     only someone near where they were last seen is accepted
//	  -> raw track (Result.Raw): positions mapped back to the video's own
//	     pixels, frames where nobody was found left empty
//	  -> checks: somebody was there, the feet are in the picture
//	     (ErrNoPerson, ErrFeetOutOfFrame)
//	  -> cleaning (Clean, clean.go): left/right swaps repaired, then
//	     motion.Clean with the pose step's limits (low-confidence points and
//	     short gaps filled, smoothing), every frame kept at its true time
//	  -> Result.Track, with Result.Clean saying what cleaning did.
//
// Run does all of it; ListPeople stops after finding the people, for
// choosing whom to follow. The package owns the pose models' input and
// output conventions (crops and their affine maps in geom.go and image.go,
// detector anchors, decoding of the models' outputs), the choice and
// following of the lifter, and the repair of left/right swaps. It does not
// own the neural network runtime (package nn), the model files (package
// models), the video decoding (package video), the track formats, read or
// written (package track), or any measurement of the knees (package
// valgus): the track it returns is all the analysis sees of the video.
//
// docs/pose.md describes the pipeline, its numbers and its tests.
package pose

package track

// Keypoint names used across kneetrack. Every skeleton maps its points onto
// these names, so the analysis finds "left_knee" whatever produced the track.
// Left and right are the person's own sides, not the picture's.
const (
	Nose          = "nose"
	Neck          = "neck"
	LeftShoulder  = "left_shoulder"
	RightShoulder = "right_shoulder"
	LeftElbow     = "left_elbow"
	RightElbow    = "right_elbow"
	LeftWrist     = "left_wrist"
	RightWrist    = "right_wrist"
	MidHip        = "mid_hip"
	LeftHip       = "left_hip"
	RightHip      = "right_hip"
	LeftKnee      = "left_knee"
	RightKnee     = "right_knee"
	LeftAnkle     = "left_ankle"
	RightAnkle    = "right_ankle"
	LeftHeel      = "left_heel"
	RightHeel     = "right_heel"
	// LeftFootIndex and RightFootIndex are the tips of the feet (big toe
	// region), BlazePose's name for them.
	LeftFootIndex  = "left_foot_index"
	RightFootIndex = "right_foot_index"
	LeftSmallToe   = "left_small_toe"
	RightSmallToe  = "right_small_toe"
)

// Skeleton names for Track.Skeleton.
const (
	SkeletonBlazePose33 = "blazepose33"
	SkeletonCOCO17      = "coco17"
	SkeletonBody25      = "body25"
	SkeletonMocap       = "mocap"
)

// Skeleton is a named, ordered keypoint set.
type Skeleton struct {
	Name      string
	Keypoints []string
}

// BlazePose33 returns BlazePose's 33 landmarks in the model's output order.
func BlazePose33() Skeleton {
	return Skeleton{Name: SkeletonBlazePose33, Keypoints: []string{
		Nose, "left_eye_inner", "left_eye", "left_eye_outer",
		"right_eye_inner", "right_eye", "right_eye_outer",
		"left_ear", "right_ear", "mouth_left", "mouth_right",
		LeftShoulder, RightShoulder, LeftElbow, RightElbow, LeftWrist, RightWrist,
		"left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb",
		LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle,
		LeftHeel, RightHeel, LeftFootIndex, RightFootIndex,
	}}
}

// COCO17 returns the 17 COCO keypoints that MoveNet predicts, in its output
// order. It has no heel or toe points, so foot-based measures (knee vs toes,
// toe-out) are unavailable for MoveNet tracks.
func COCO17() Skeleton {
	return Skeleton{Name: SkeletonCOCO17, Keypoints: []string{
		Nose, "left_eye", "right_eye", "left_ear", "right_ear",
		LeftShoulder, RightShoulder, LeftElbow, RightElbow, LeftWrist, RightWrist,
		LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle,
	}}
}

// Body25 returns OpenPose's BODY_25 keypoints in OpenPose's output order,
// with kneetrack names (OpenPose's big toe is foot_index).
func Body25() Skeleton {
	return Skeleton{Name: SkeletonBody25, Keypoints: []string{
		Nose, Neck, RightShoulder, RightElbow, RightWrist, LeftShoulder, LeftElbow, LeftWrist,
		MidHip, RightHip, RightKnee, RightAnkle, LeftHip, LeftKnee, LeftAnkle,
		"right_eye", "left_eye", "right_ear", "left_ear",
		LeftFootIndex, LeftSmallToe, LeftHeel, RightFootIndex, RightSmallToe, RightHeel,
	}}
}

// SkeletonByName returns a known skeleton by its name.
func SkeletonByName(name string) (Skeleton, bool) {
	for _, s := range []Skeleton{BlazePose33(), COCO17(), Body25()} {
		if s.Name == name {
			return s, true
		}
	}
	return Skeleton{}, false
}

// HasFeet reports whether the track carries heel and toe points on both
// sides, which the foot-based measures need.
func (t *Track) HasFeet() bool {
	return t.Has(LeftHeel) && t.Has(RightHeel) && t.Has(LeftFootIndex) && t.Has(RightFootIndex)
}

// New returns an empty track for a skeleton, with room for n frames.
func New(s Skeleton, n int) *Track {
	return &Track{Skeleton: s.Name, Keypoints: append([]string(nil), s.Keypoints...), Frames: make([]Frame, 0, n)}
}

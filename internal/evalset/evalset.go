package evalset

import (
	"fmt"
	"math/rand/v2"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Label is the truth class of one knee in one case.
type Label int

// Labels. Ambiguous knees are excluded from scoring.
const (
	NoCave Label = iota
	Caves
	Ambiguous
)

// String returns the label's name.
func (l Label) String() string {
	switch l {
	case NoCave:
		return "no-cave"
	case Caves:
		return "caves"
	case Ambiguous:
		return "ambiguous"
	}
	return fmt.Sprintf("Label(%d)", int(l))
}

// CaveThresholdDeg is the inward turn past straight ahead, at the bottom of
// a rep, from which a knee is labelled Caves. At 0 degrees or less it is
// NoCave; in between, Ambiguous.
const CaveThresholdDeg = 5.0

// LabelFor applies the label rule to a knee's worst inward turn.
func LabelFor(caveDeg float64) Label {
	switch {
	case caveDeg >= CaveThresholdDeg:
		return Caves
	case caveDeg <= 0:
		return NoCave
	}
	return Ambiguous
}

// Movements, as Case.Movement names them.
const (
	BilateralSquat = "bilateral_squat"
	SingleLegSquat = "single_leg_squat"
	SplitSquat     = "split_squat"
	JumpLanding    = "jump_landing"
)

// Perturbation tokens, as Case.Perturb lists them. The case's Name carries
// their sizes.
const (
	PerturbJitter      = "jitter"       // AR(1) correlated keypoint noise
	PerturbOutliers    = "outliers"     // single-frame keypoint jumps
	PerturbAnkleSink   = "ankle-sink"   // ankle, heel and toe drift down at depth
	PerturbToeClip     = "toe-clip"     // picture's bottom edge cuts the feet
	PerturbDrift       = "drift"        // hand-held camera: slow translation, rotation, zoom
	PerturbMirror      = "mirror"       // x flipped and left/right names swapped
	PerturbTrimStart   = "trim-start"   // 0.3-0.7 s cut from the start
	PerturbTrimEnd     = "trim-end"     // 0.3-0.7 s cut from the end
	PerturbOffStanding = "off-standing" // single-rep clip starting or ending mid-descent/ascent
	PerturbDropouts    = "dropouts"     // short low-confidence stretches
	PerturbWorld       = "world3d"      // 3D world positions kept
	PerturbCaveAdded   = "cave-added"   // motion capture with a knee cave added
)

// KneeTruth is the truth about one knee of a case.
type KneeTruth struct {
	Label Label
	// CaveDeg is the knee's inward turn past straight ahead at the deepest
	// point of the worst rep, in degrees (+ towards the midline); see the
	// package doc for how it is measured.
	CaveDeg float64
	// MedialLeg is the knee's true 3D medial displacement from the hip-ankle
	// line at the worst rep's deepest point, change from standing, in leg
	// lengths (+ medial).
	MedialLeg float64
	// RepCaveDeg is the inward turn at each rep's deepest point, in order.
	RepCaveDeg []float64
}

// Case is one labelled evaluation track.
type Case struct {
	// Name is unique and readable: source/movement/lifter/camera/perturbations.
	Name string
	// Source is "synthetic" or "mocap:<file>".
	Source   string
	Movement string
	// Track holds 2D image keypoints with BlazePose names (hips, knees,
	// ankles, heels, foot_index, shoulders, nose where the source has them),
	// Video.Width/Height/FPS set, confidences in 0..1; world positions only
	// when Perturb lists "world3d" (then hip-centred, camera-aligned axes,
	// WorldUp "-y", as BlazePose's world landmarks).
	Track *track.Track
	// Knee: index 0 is the knee the track names "left", 1 "right" (after
	// mirroring, the side as the picture labels it).
	Knee [2]KneeTruth
	// Reps is the number of reps (landings for jumps) in the clip.
	Reps int
	// Perturb lists what was applied (Perturb* tokens).
	Perturb []string
	// Camera is the virtual camera that filmed the take (Mirror set when
	// the case is mirrored).
	Camera track.Camera
}

// Options controls Build.
type Options struct {
	// MocapDir is the folder of the motion-capture TRC files (the shared
	// mocap folder); empty leaves the motion-capture cases out.
	MocapDir string
	// Seed makes the set: the same seed gives identical cases.
	Seed int64
	// Small builds a quick subset (about 60-120 cases) for unit tests.
	Small bool
}

// sizes says how many takes and filmings of each kind Build makes.
type sizes struct {
	bilateral, singleLeg, split, jump int // synthetic lifters
	synthFilms, otherFilms            int // filmings per synthetic lifter
	mocapFilms                        int // filmings per motion-capture variant
}

func sizesFor(small bool) sizes {
	if small {
		return sizes{bilateral: 30, singleLeg: 6, split: 6, jump: 4, synthFilms: 2, otherFilms: 2, mocapFilms: 1}
	}
	return sizes{bilateral: 210, singleLeg: 40, split: 40, jump: 16, synthFilms: 3, otherFilms: 2, mocapFilms: 4}
}

// newRand returns the random source of one stream of the set: streams are
// independent, so adding cases to one kind does not change another's.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream*0x9E3779B97F4A7C15+1))
}

// Build generates the evaluation set.
func Build(opt Options) ([]Case, error) {
	sz := sizesFor(opt.Small)
	var scenes []*scene
	id := 0
	add := func(kind int, n int, mk func(id int, rng *rand.Rand) (*scene, error)) error {
		for i := 0; i < n; i++ {
			sc, err := mk(i, newRand(opt.Seed, uint64(kind)<<32|uint64(i)))
			if err != nil {
				return err
			}
			sc.id = id
			id++
			scenes = append(scenes, sc)
		}
		return nil
	}
	if err := add(1, sz.bilateral, synthBilateral); err != nil {
		return nil, err
	}
	if err := add(2, sz.singleLeg, synthSingleLeg); err != nil {
		return nil, err
	}
	if err := add(3, sz.split, synthSplit); err != nil {
		return nil, err
	}
	if err := add(4, sz.jump, synthJump); err != nil {
		return nil, err
	}
	for _, sc := range scenes {
		if sc.movement == BilateralSquat {
			sc.films = sz.synthFilms
		} else {
			sc.films = sz.otherFilms
		}
	}
	if opt.MocapDir != "" {
		ms, err := mocapScenes(opt.MocapDir, opt.Seed, opt.Small)
		if err != nil {
			return nil, err
		}
		for _, sc := range ms {
			sc.id = id
			id++
			sc.films *= sz.mocapFilms
			scenes = append(scenes, sc)
		}
	}

	var out []Case
	seen := map[string]int{}
	for _, sc := range scenes {
		for f := 0; f < sc.films; f++ {
			rng := newRand(opt.Seed, uint64(1000+sc.id)<<32|uint64(f))
			c, err := sc.film(rng)
			if err != nil {
				return nil, fmt.Errorf("evalset: %s: %w", sc.name, err)
			}
			if n := seen[c.Name]; n > 0 {
				c.Name = fmt.Sprintf("%s/v%d", c.Name, n+1)
			}
			seen[c.Name]++
			out = append(out, c)
		}
	}
	return out, nil
}

// Count tallies cases by movement and knee label, for reports and tests.
type Count struct {
	Cases int
	// Knees counts knees per label; CaseCaves counts cases with at least
	// one caving knee and CaseClean those whose knees are both NoCave.
	Knees                [3]int
	CaseCaves, CaseClean int
}

// Tally counts the cases per movement ("all" for the whole set).
func Tally(cases []Case) map[string]*Count {
	m := map[string]*Count{}
	for _, c := range cases {
		for _, k := range []string{"all", c.Movement, c.Source} {
			ct := m[k]
			if ct == nil {
				ct = &Count{}
				m[k] = ct
			}
			ct.Cases++
			caves, clean := false, true
			for _, kn := range c.Knee {
				ct.Knees[kn.Label]++
				caves = caves || kn.Label == Caves
				clean = clean && kn.Label == NoCave
			}
			if caves {
				ct.CaseCaves++
			}
			if clean {
				ct.CaseClean++
			}
		}
	}
	return m
}

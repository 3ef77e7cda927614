package render

import (
	"errors"
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
)

// Arm holds one arm's joints.
type Arm struct {
	Shoulder, Elbow, Wrist Vec3 // joint centres
	// Knuckles is the middle of the hand's knuckles; with the wrist it sets
	// the hand's length and direction.
	Knuckles Vec3
}

// Leg holds one leg's joints and the two foot landmarks.
type Leg struct {
	Hip, Knee, Ankle Vec3 // joint centres
	// Heel and Toe are the back of the heel and the tip of the toes, 2 cm
	// above the sole (where a pose model puts its heel and foot-index
	// points); the shoe is built around them.
	Heel, Toe Vec3
}

// Pose is the figure's skeleton in one frame, in scene coordinates.
type Pose struct {
	// Head is the centre of the head, midway between the ears.
	Head Vec3
	// Face points the way the face looks and HeadUp from the chin towards
	// the crown; both unit length and perpendicular (they are
	// re-orthogonalised if not quite).
	Face, HeadUp Vec3
	// Neck is the base of the neck, between the shoulder joints.
	Neck Vec3
	Arms [2]Arm // body.Left, body.Right
	Legs [2]Leg // body.Left, body.Right
}

// Check reports a pose that cannot be drawn: a non-finite coordinate, a
// joint absurdly far from the origin (more than 20 m), coinciding hips or
// heel and toe, a neck on top of the pelvis, or face and head-up directions
// that are zero or parallel.
func (p *Pose) Check() error {
	type named struct {
		name string
		v    Vec3
	}
	pts := []named{{"head", p.Head}, {"face direction", p.Face}, {"head up direction", p.HeadUp}, {"neck", p.Neck}}
	for s, n := range []string{"left", "right"} {
		a, l := p.Arms[s], p.Legs[s]
		pts = append(pts,
			named{n + " shoulder", a.Shoulder}, named{n + " elbow", a.Elbow}, named{n + " wrist", a.Wrist},
			named{n + " knuckles", a.Knuckles}, named{n + " hip", l.Hip}, named{n + " knee", l.Knee},
			named{n + " ankle", l.Ankle}, named{n + " heel", l.Heel}, named{n + " toe", l.Toe})
	}
	for _, q := range pts {
		if !q.v.Finite() {
			return fmt.Errorf("render: the pose's %s is not a finite position", q.name)
		}
		if q.v.Norm() > 20 {
			return fmt.Errorf("render: the pose's %s is %.1f m from the origin (the figure must stand near it)", q.name, q.v.Norm())
		}
	}
	if p.Face.Norm() < 1e-6 || p.HeadUp.Norm() < 1e-6 || p.Face.Cross(p.HeadUp).Norm() < 1e-3*p.Face.Norm()*p.HeadUp.Norm() {
		return errors.New("render: the pose's face and head-up directions must be non-zero and not parallel")
	}
	hips := p.Legs[body.Left].Hip.Sub(p.Legs[body.Right].Hip)
	if hips.Norm() < 1e-3 {
		return errors.New("render: the pose's hips coincide")
	}
	trunk := p.Neck.Sub(p.Legs[body.Left].Hip.Add(p.Legs[body.Right].Hip).Scale(0.5))
	if trunk.Norm() < 0.05 {
		return errors.New("render: the pose's neck is on top of its pelvis")
	}
	for s := range 2 {
		l := p.Legs[s]
		if l.Toe.Sub(l.Heel).Norm() < 0.02 {
			return fmt.Errorf("render: the pose's %s heel and toe coincide", []string{"left", "right"}[s])
		}
	}
	return nil
}

// part names what a solid is, which decides its clothing.
type part uint8

const (
	partPelvis part = iota
	partTrunk
	partShoulders
	partNeck
	partCranium
	partJaw
	partNose
	partEar
	partUpperArm
	partForearm
	partHand
	partThigh
	partShank
	partCalf
	partShoe
	partAnkleBone
)

var partNames = [...]string{
	partPelvis: "pelvis", partTrunk: "trunk", partShoulders: "shoulders", partNeck: "neck",
	partCranium: "head", partJaw: "jaw", partNose: "nose", partEar: "ear",
	partUpperArm: "upper_arm", partForearm: "forearm", partHand: "hand",
	partThigh: "thigh", partShank: "shank", partCalf: "calf", partShoe: "shoe", partAnkleBone: "ankle_bone",
}

// name is the solid's body part, prefixed with its side ("right_thigh").
func (s *solid) name() string {
	switch s.side {
	case 0:
		return "left_" + partNames[s.part]
	case 1:
		return "right_" + partNames[s.part]
	}
	return partNames[s.part]
}

// figure is a pose turned into solids, with the blends between them and the
// frames the painting needs.
type figure struct {
	solids []solid
	blends []blend
	// Head frame for painting the face and hair.
	head, face, headUp, headLeft Vec3
	// Trunk frame: the pelvis centre and the trunk's up direction, for the
	// waistline.
	pelvis, trunkUp Vec3
}

// blend joins two solids smoothly over a seam of width k.
type blend struct {
	i, j int
	k    float64
}

// orth returns the part of v perpendicular to unit u, normalised; fallback
// when v is (nearly) parallel to u.
func orth(v, u, fallback Vec3) Vec3 {
	w := v.Sub(u.Scale(v.Dot(u)))
	if w.Norm() < 1e-6 {
		w = fallback.Sub(u.Scale(fallback.Dot(u)))
	}
	return unit(w)
}

// buildFigure turns a checked pose into solids. The radii are those of an
// adult of about 1.75 m, scaled by the figure's own leg length so that
// shorter or taller skeletons keep human proportions.
func buildFigure(p *Pose) *figure {
	L, R := p.Legs[body.Left], p.Legs[body.Right]
	pelvis := L.Hip.Add(R.Hip).Scale(0.5)
	legLen := 0.0
	for _, l := range p.Legs {
		legLen += l.Knee.Sub(l.Hip).Norm() + l.Ankle.Sub(l.Knee).Norm()
	}
	sc := clamp(legLen/2/0.86, 0.6, 1.4)

	trunkUp := unit(p.Neck.Sub(pelvis))
	left := orth(L.Hip.Sub(R.Hip), trunkUp, Vec3{Y: 1})
	fwd := left.Cross(trunkUp)

	headUp := unit(p.HeadUp)
	face := orth(p.Face, headUp, fwd)
	headLeft := headUp.Cross(face)
	hc := p.Head

	b := &figure{head: hc, face: face, headUp: headUp, headLeft: headLeft, pelvis: pelvis, trunkUp: trunkUp}
	side := int8(-1)
	add := func(s solid) int {
		s.side = side
		s.prepare()
		b.solids = append(b.solids, s)
		return len(b.solids) - 1
	}
	join := func(i, j int, k float64) { b.blends = append(b.blends, blend{i, j, k * sc}) }

	// Trunk: buttocks and pelvis across the hips, an oval trunk that widens
	// towards the chest, and the shoulder girdle.
	pel := add(solid{
		a:  R.Hip.Add(left.Scale(0.04 * sc)).Sub(fwd.Scale(0.025 * sc)).Sub(trunkUp.Scale(0.01 * sc)),
		b:  L.Hip.Sub(left.Scale(0.04 * sc)).Sub(fwd.Scale(0.025 * sc)).Sub(trunkUp.Scale(0.01 * sc)),
		ra: 0.105 * sc, rb: 0.105 * sc, squash: 0.9, w: fwd, mat: matShorts, part: partPelvis,
	})
	chest := p.Neck.Sub(trunkUp.Scale(0.15 * sc))
	trunk := add(solid{
		a: pelvis.Add(trunkUp.Scale(0.07 * sc)), b: chest,
		ra: 0.125 * sc, rb: 0.145 * sc, squash: 0.68, w: fwd, mat: matShirt, part: partTrunk,
	})
	sh := [2]Vec3{p.Arms[body.Left].Shoulder, p.Arms[body.Right].Shoulder}
	mid := sh[0].Add(sh[1]).Scale(0.5)
	girdle := add(solid{
		a:  sh[1].Add(mid.Sub(sh[1]).Scale(0.12)).Sub(trunkUp.Scale(0.015 * sc)),
		b:  sh[0].Add(mid.Sub(sh[0]).Scale(0.12)).Sub(trunkUp.Scale(0.015 * sc)),
		ra: 0.062 * sc, rb: 0.062 * sc, squash: 0.8, w: fwd, mat: matShirt, part: partShoulders,
	})
	join(pel, trunk, 0.06)
	join(trunk, girdle, 0.06)

	// Neck and head.
	neck := add(solid{
		a: p.Neck.Sub(trunkUp.Scale(0.02 * sc)), b: hc.Sub(headUp.Scale(0.055 * sc)).Sub(face.Scale(0.012 * sc)),
		ra: 0.054 * sc, rb: 0.048 * sc, mat: matSkin, part: partNeck,
	})
	join(neck, girdle, 0.04)
	join(neck, trunk, 0.03)
	cran := add(solid{
		a: hc.Sub(headUp.Scale(0.022 * sc)).Sub(face.Scale(0.004 * sc)), b: hc.Add(headUp.Scale(0.028 * sc)).Sub(face.Scale(0.01 * sc)),
		ra: 0.086 * sc, rb: 0.089 * sc, squash: 0.83, w: headLeft, mat: matSkin, part: partCranium,
	})
	jaw := add(solid{
		a: hc.Add(face.Scale(0.012 * sc)).Sub(headUp.Scale(0.02 * sc)), b: hc.Add(face.Scale(0.05 * sc)).Sub(headUp.Scale(0.083 * sc)),
		ra: 0.066 * sc, rb: 0.027 * sc, squash: 0.9, w: headLeft, mat: matSkin, part: partJaw,
	})
	nose := add(solid{
		a: hc.Add(face.Scale(0.08 * sc)).Add(headUp.Scale(0.012 * sc)), b: hc.Add(face.Scale(0.093 * sc)).Sub(headUp.Scale(0.022 * sc)),
		ra: 0.009 * sc, rb: 0.0135 * sc, mat: matSkin, part: partNose,
	})
	join(cran, jaw, 0.04)
	join(neck, jaw, 0.02)
	join(neck, cran, 0.02)
	join(nose, cran, 0.012)
	join(nose, jaw, 0.012)
	for k, sgn := range []float64{1, -1} {
		side = int8(k)
		c := hc.Add(headLeft.Scale(sgn * 0.071 * sc)).Sub(face.Scale(0.008 * sc)).Sub(headUp.Scale(0.004 * sc))
		ear := add(solid{a: c.Add(headUp.Scale(0.012 * sc)), b: c.Sub(headUp.Scale(0.012 * sc)),
			ra: 0.017 * sc, rb: 0.014 * sc, squash: 0.55, w: headLeft, mat: matSkin, part: partEar})
		join(ear, cran, 0.012)
	}
	side = -1

	// Arms.
	for s := range 2 {
		side = int8(s)
		a := p.Arms[s]
		ua := add(solid{a: a.Shoulder, b: a.Elbow, ra: 0.049 * sc, rb: 0.037 * sc, mat: matSkin, part: partUpperArm})
		fa := add(solid{a: a.Elbow, b: a.Wrist, ra: 0.036 * sc, rb: 0.026 * sc, mat: matSkin, part: partForearm})
		hd := add(solid{a: a.Wrist, b: a.Knuckles, ra: 0.027 * sc, rb: 0.033 * sc, mat: matSkin, part: partHand})
		join(ua, girdle, 0.05)
		join(ua, trunk, 0.025)
		join(ua, fa, 0.025)
		join(fa, hd, 0.02)
	}

	// Legs and shoes.
	for s := range 2 {
		side = int8(s)
		l := p.Legs[s]
		th := add(solid{a: l.Hip, b: l.Knee, ra: 0.083 * sc, rb: 0.051 * sc, mat: matShorts, part: partThigh})
		shank := l.Ankle.Sub(l.Knee)
		sd := unit(shank)
		foot := l.Toe.Sub(l.Heel)
		fdir := unit(foot)
		ant := orth(fdir, sd, fwd) // the shank's front
		sk := add(solid{a: l.Knee, b: l.Ankle, ra: 0.049 * sc, rb: 0.032 * sc, mat: matSkin, part: partShank})
		// The calf: widest a quarter of the way down, behind the shin.
		calf := add(solid{
			a: l.Knee.Add(shank.Scale(0.26)).Sub(ant.Scale(0.016 * sc)), b: l.Knee.Add(shank.Scale(0.72)).Sub(ant.Scale(0.004 * sc)),
			ra: 0.054 * sc, rb: 0.034 * sc, mat: matSkin, part: partCalf,
		})
		// Ankle bones: the lateral one lower and further back than the
		// medial one, both just under the sock.
		outer := fdir.Cross(Vec3{Z: 1}) // the foot's right
		if s == int(body.Left) {
			outer = outer.Scale(-1)
		}
		outer = orth(outer, sd, outer)
		for _, m := range [2]struct{ side, fwd, up, r float64 }{{1, -0.008, -0.006, 0.017}, {-1, 0.004, 0.004, 0.016}} {
			c := l.Ankle.Add(outer.Scale(m.side * 0.024 * sc)).Add(fdir.Scale(m.fwd * sc)).Add(sd.Scale(-m.up * sc))
			mal := add(solid{a: c, b: c, ra: m.r * sc, rb: m.r * sc, mat: matSock, part: partAnkleBone})
			join(sk, mal, 0.02)
		}
		join(pel, th, 0.05)
		join(th, sk, 0.06)
		join(sk, calf, 0.06)
		join(th, calf, 0.02)
		// The shoe: the sole 2 cm below the heel–toe line, the back 1.2 cm
		// behind the heel point, the tip 1.2 cm beyond the toe point.
		fup := orth(Vec3{Z: 1}, fdir, Vec3{Z: 1})
		const rh, rt = 0.043, 0.031
		heel := l.Heel.Add(fdir.Scale((rh - 0.012) * sc)).Add(fup.Scale((rh - 0.02) * sc))
		toe := l.Toe.Sub(fdir.Scale((rt - 0.012) * sc)).Add(fup.Scale((rt - 0.02) * sc))
		across := fdir.Cross(fup)
		shoe := add(solid{a: heel, b: toe, ra: rh * sc, rb: rt * sc, squash: 0.85, w: across, mat: matShoe, part: partShoe,
			ref: l.Heel.Sub(fup.Scale(0.02 * sc)), refN: fup})
		join(sk, shoe, 0.03)
		join(calf, shoe, 0.02)
	}
	return b
}

// material is what a surface is made of before painting.
type material uint8

const (
	matSkin material = iota
	matHair
	matEyeWhite
	matIris
	matBrow
	matLip
	matShirt
	matShorts
	matSock
	matShoe
	matSole
	matFloor
	matWall
	matSkirting
	numMaterials
)

// surfaceMaterial decides the material at a point p on solid i: clothing
// boundaries (sleeves, waist, hems, socks, soles) and the painted face.
func (b *figure) surfaceMaterial(i int, p Vec3) material {
	s := &b.solids[i]
	switch s.part {
	case partPelvis, partTrunk:
		// Waistline: shorts up to 9 cm above the hip joints, along the trunk.
		if p.Sub(b.pelvis).Dot(b.trunkUp) < 0.09 {
			return matShorts
		}
		return matShirt
	case partShoulders:
		return matShirt
	case partUpperArm:
		if s.param(p) < 0.42 {
			return matShirt
		}
		return matSkin
	case partThigh:
		if s.param(p) < 0.6 {
			return matShorts
		}
		return matSkin
	case partShank, partCalf:
		// Socks over the lowest 12 cm of the shank.
		if s.part == partShank && s.param(p) > 1-0.12/math.Max(s.length, 0.12) {
			return matSock
		}
		if s.part == partCalf && s.param(p) > 0.92 {
			return matSock
		}
		return matSkin
	case partShoe:
		// Sole: the lowest 2 cm of the shoe, measured from its flat bottom.
		if p.Sub(s.ref).Dot(s.refN) < 0.021 {
			return matSole
		}
		return matShoe
	case partCranium, partJaw, partEar, partNose:
		return b.paintHead(p, s.part)
	}
	return s.mat
}

// paintHead gives hair, eyes, brows and lips their colours from the point's
// position in the head's frame.
func (b *figure) paintHead(p Vec3, pt part) material {
	q := p.Sub(b.head)
	f, l, u := q.Dot(b.face), q.Dot(b.headLeft), q.Dot(b.headUp)
	if pt == partCranium || pt == partEar {
		// Hairline: high on the forehead, above the ears at the sides, low at
		// the back of the head.
		line := mix(-0.055, 0.05, smoothstep(-0.04, 0.07, f))
		if pt == partEar {
			line += 0.03
		}
		if u > line+0.012*math.Sin(40*l) {
			return matHair
		}
	}
	if f < 0.04 || pt == partNose {
		return matSkin
	}
	al := math.Abs(l)
	// Eyes: almond shapes with a dark iris.
	ex, ey := (al-0.031)/0.0125, (u-0.011)/0.0058
	if ex*ex+ey*ey < 1 {
		if math.Hypot(al-0.031, u-0.0105) < 0.0053 {
			return matIris
		}
		return matEyeWhite
	}
	// Brows: arcs above the eyes.
	if al > 0.013 && al < 0.05 {
		c := 0.029 - 14*(al-0.03)*(al-0.03)
		if u > c && u < c+0.0065 {
			return matBrow
		}
	}
	// Lips.
	mx, my := l/0.022, (u+0.047)/0.0062
	if mx*mx+my*my < 1 {
		return matLip
	}
	return matSkin
}

package pose

import (
	"errors"
	"strings"
	"testing"
)

func sight(t, x, y, r float64) Sighting {
	return Sighting{Time: t, X: x, Y: y, R: r, Box: Box{x - r/3, y - r, x + r/3, y + r}, Score: 0.9}
}

func TestLinkPeople(t *testing.T) {
	// A lifter in the middle squatting (hip centre going down and up), a
	// spotter standing still on the right, and someone who walks in from
	// the left in the third sample.
	samples := [][]Sighting{
		{sight(0, 640, 400, 300), sight(0, 1100, 380, 250)},
		{sight(1, 1102, 381, 250), sight(1, 645, 520, 280)},
		{sight(2, 642, 410, 300), sight(2, 1099, 379, 250), sight(2, 150, 420, 200)},
	}
	people := linkPeople(samples)
	if len(people) != 3 {
		t.Fatalf("%d people, want 3: %+v", len(people), people)
	}
	if people[0].ID != 1 || people[0].First().X != 640 || len(people[0].Sightings) != 3 {
		t.Errorf("person 1 = %+v, want the lifter seen 3 times", people[0])
	}
	if people[1].ID != 2 || people[1].First().X != 1100 || len(people[1].Sightings) != 3 {
		t.Errorf("person 2 = %+v, want the spotter seen 3 times", people[1])
	}
	if people[2].ID != 3 || people[2].First().Time != 2 {
		t.Errorf("person 3 = %+v, want the newcomer first seen at 2 s", people[2])
	}
	scorePeople(people, 3, 1280, 720)
	if people[0].ID != 1 {
		t.Errorf("likeliest lifter is person %d, want 1 (central, large, moving); likeness %v, %v, %v",
			people[0].ID, people[0].Likeness, people[1].Likeness, people[2].Likeness)
	}
	if !(people[1].ID == 2 && people[1].Likeness > people[2].Likeness) {
		t.Errorf("second is person %d, want the spotter (seen throughout) before the newcomer", people[1].ID)
	}
}

func TestLinkPeopleSizeMismatch(t *testing.T) {
	// Same place, very different size: not the same person.
	people := linkPeople([][]Sighting{{sight(0, 640, 400, 300)}, {sight(0.5, 650, 400, 100)}})
	if len(people) != 2 {
		t.Fatalf("%d people, want 2", len(people))
	}
}

// TestPickPerson picks people by the point --list-people prints for them
// (their hip centre on their first sighting, normalised to 1280x720 and
// rounded to two decimals), whenever they were first seen: a spotter seen
// from the start, a lifter who comes in at 0.83 s and a newcomer at 2 s who
// then walks to the right, while the spotter walks to the middle.
func TestPickPerson(t *testing.T) {
	scan := &Scan{Width: 1280, Height: 720, SampleTimes: []float64{0, 0.83, 1.66, 2, 3}, People: []Person{
		{ID: 1, Sightings: []Sighting{sight(0, 1100, 380, 250), sight(0.83, 1101, 380, 250), sight(3, 700, 400, 250)}},
		{ID: 2, Sightings: []Sighting{sight(0.83, 640, 400, 300), sight(1.66, 645, 520, 280)}},
		{ID: 3, Sightings: []Sighting{sight(2, 150, 420, 200), sight(3, 300, 420, 200)}},
	}}
	cases := []struct {
		name   string
		x, y   float64
		want   int      // 0: ErrPickMissed
		errHas []string // for a miss: what the message must say
	}{
		{"spotter, listed at frame 0", 0.86, 0.53, 1, nil},
		{"lifter, listed at 0.83 s", 0.50, 0.56, 2, nil},
		{"newcomer, listed at 2 s", 0.12, 0.58, 3, nil},
		// Only the newcomer's later sighting holds (300, 420).
		{"newcomer where seen later", 300.0 / 1280, 420.0 / 720, 3, nil},
		// (690, 400) is on the lifter's first sighting and nearer the
		// spotter's hip centre at 3 s: the first sighting wins.
		{"first sighting before later ones", 690.0 / 1280, 400.0 / 720, 2, nil},
		{"empty corner", 0.02, 0.02, 0, []string{
			"(0.02,0.02)", "5 frames sampled",
			"person 1 was first seen at 0.00 s", "--pick 0.86,0.53",
			"person 2 was first seen at 0.83 s in 540,100 - 740,700 px (--pick 0.50,0.56)",
			"person 3 was first seen at 2.00 s", "--pick 0.12,0.58", "--list-people"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := pickPerson(scan, c.x, c.y)
			if c.want == 0 {
				if !errors.Is(err, ErrPickMissed) {
					t.Fatalf("person %d, error %v; want ErrPickMissed", p.ID, err)
				}
				for _, s := range c.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				return
			}
			if err != nil || p.ID != c.want {
				t.Errorf("picked person %d, error %v; want person %d", p.ID, err, c.want)
			}
		})
	}
	_, err := pickPerson(&Scan{Width: 1280, Height: 720, SampleTimes: make([]float64, 8)}, 0.5, 0.5)
	if !errors.Is(err, ErrPickMissed) || !strings.Contains(err.Error(), "found nobody in the 8 frames") {
		t.Errorf("pick with nobody seen: %v; want ErrPickMissed saying nobody was found in the 8 frames", err)
	}
}

// TestPickPoint checks the point printed for picking someone: their first
// sighting's hip centre, normalised and rounded to two decimals.
func TestPickPoint(t *testing.T) {
	scan := &Scan{Width: 1280, Height: 720}
	for _, c := range []struct {
		s      Sighting
		nx, ny float64
	}{
		{sight(0.83, 640, 400, 300), 0.50, 0.56},
		{sight(0, 1100, 380, 250), 0.86, 0.53},
		{sight(2, 6, 716, 200), 0, 0.99},
	} {
		p := Person{ID: 1, Sightings: []Sighting{c.s, sight(5, 10, 10, 100)}}
		if nx, ny := scan.PickPoint(p); nx != c.nx || ny != c.ny {
			t.Errorf("sighting at (%g, %g): point (%g, %g), want (%g, %g)", c.s.X, c.s.Y, nx, ny, c.nx, c.ny)
		}
	}
}

func TestMatchTarget(t *testing.T) {
	who := Target{X: 500, Y: 400, R: 200, T: 1}
	people := []Sighting{sight(1.1, 700, 400, 200), sight(1.1, 560, 410, 210), sight(1.1, 520, 400, 60)}
	s, ok := matchTarget(people, who, 1.1)
	if !ok || s.X != 560 {
		t.Errorf("match = %+v, %v; want the one at 560 (the nearer one is far too small)", s, ok)
	}
	// 200 px away is beyond 0.6 radii at once, within 1.5 radii later.
	far := []Sighting{sight(0, 700, 400, 200)}
	if _, ok := matchTarget(far, who, 1.05); ok {
		t.Error("matched a person a full radius away right after the target was seen")
	}
	if _, ok := matchTarget(far, who, 4); !ok {
		t.Error("did not match a person a radius away three seconds later")
	}
	if _, ok := matchTarget([]Sighting{sight(0, 900, 400, 200)}, who, 10); ok {
		t.Error("matched a person two radii away: the track would jump")
	}
}

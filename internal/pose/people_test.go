package pose

import (
	"errors"
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

func TestPickPerson(t *testing.T) {
	scan := &Scan{Width: 1280, Height: 720, People: []Person{
		{ID: 1, Sightings: []Sighting{sight(0, 640, 400, 300)}},
		{ID: 2, Sightings: []Sighting{sight(0, 1100, 380, 250)}},
		{ID: 3, Sightings: []Sighting{sight(2, 150, 420, 200)}},
	}}
	p, err := pickPerson(scan, 1100.0/1280, 300.0/720)
	if err != nil || p.ID != 2 {
		t.Errorf("pick on the spotter: person %d, %v; want 2", p.ID, err)
	}
	p, err = pickPerson(scan, 0.5, 0.5)
	if err != nil || p.ID != 1 {
		t.Errorf("pick in the middle: person %d, %v; want 1", p.ID, err)
	}
	// The newcomer is not on the first frame; an empty spot picks nobody.
	for _, pt := range [][2]float64{{150.0 / 1280, 420.0 / 720}, {0.02, 0.02}} {
		if _, err := pickPerson(scan, pt[0], pt[1]); !errors.Is(err, ErrPickMissed) {
			t.Errorf("pick at %v: error %v, want ErrPickMissed", pt, err)
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

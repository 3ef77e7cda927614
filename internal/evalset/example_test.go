package evalset_test

import (
	"fmt"

	"github.com/kneetrack/kneetrack/internal/evalset"
)

// Build the quick synthetic subset and count it: an evaluation runner would
// instead analyse each case's Track and compare the verdict per knee with
// Case.Knee, skipping Ambiguous knees.
func ExampleBuild() {
	cases, err := evalset.Build(evalset.Options{Seed: 1, Small: true})
	if err != nil {
		panic(err)
	}
	all := evalset.Tally(cases)["all"]
	fmt.Println("cases:", all.Cases)
	fmt.Println("knees caving:", all.Knees[evalset.Caves], "not caving:", all.Knees[evalset.NoCave],
		"ambiguous:", all.Knees[evalset.Ambiguous])
	c := cases[0]
	fmt.Println(c.Movement, c.Reps, "reps;", "left knee", c.Knee[0].Label, "right knee", c.Knee[1].Label)
	// Output:
	// cases: 92
	// knees caving: 70 not caving: 88 ambiguous: 26
	// bilateral_squat 4 reps; left knee caves right knee no-cave
}

package motion

// Gap is a run of missing samples [Start, End) in a series.
type Gap struct {
	Start, End int
}

// Len returns the number of missing samples.
func (g Gap) Len() int { return g.End - g.Start }

// FindGaps returns the runs where valid is false.
func FindGaps(valid []bool) []Gap {
	var gaps []Gap
	for i := 0; i < len(valid); {
		if valid[i] {
			i++
			continue
		}
		j := i
		for j < len(valid) && !valid[j] {
			j++
		}
		gaps = append(gaps, Gap{i, j})
		i = j
	}
	return gaps
}

// FillGaps fills interior gaps of at most maxLen samples by linear
// interpolation between the samples on either side, and gaps of at most
// maxLen samples at either end by holding the nearest valid sample. It
// returns the filled series, the new validity mask, which samples were filled
// and the gaps left open because they were too long (or the series had no
// valid sample at all).
func FillGaps(x []float64, valid []bool, maxLen int) (out []float64, ok, filled []bool, open []Gap) {
	n := len(x)
	out = append([]float64(nil), x...)
	ok = append([]bool(nil), valid...)
	filled = make([]bool, n)
	for _, g := range FindGaps(valid) {
		if g.Len() > maxLen || (g.Start == 0 && g.End == n) {
			open = append(open, g)
			continue
		}
		for i := g.Start; i < g.End; i++ {
			switch {
			case g.Start == 0:
				out[i] = x[g.End]
			case g.End == n:
				out[i] = x[g.Start-1]
			default:
				a, b := x[g.Start-1], x[g.End]
				u := float64(i-g.Start+1) / float64(g.End-g.Start+1)
				out[i] = a + u*(b-a)
			}
			ok[i] = true
			filled[i] = true
		}
	}
	return out, ok, filled, open
}

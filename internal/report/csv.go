package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// CSVHeader lists the per-frame CSV columns (documented in
// docs/analysis-json.md). Empty cells mean "not measurable in this frame".
func CSVHeader() []string {
	return []string{"set", "source", "time_s", "rep", "phase", "depth_leg",
		"fppa_left_deg", "fppa_right_deg", "fppa_change_left_deg", "fppa_change_right_deg",
		"fppa_reliable_left", "fppa_reliable_right",
		"kasr", "kasr_change",
		"knee_vs_toe_left", "knee_vs_toe_right", "knee_vs_toe_3d_left", "knee_vs_toe_3d_right",
		"knee_medial_shift_left", "knee_medial_shift_right",
		"toe_out_left_deg", "toe_out_right_deg",
		"stance_ankle_hip", "stance_ankle_shoulder",
		"pelvis_drop_deg", "lateral_shift_hip_widths", "trunk_lateral_deg", "trunk_forward_deg", "hip_knee",
		"reliable_left", "reliable_right",
		"cave_left_deg", "cave_right_deg", "mkd_left_leg", "mkd_right_leg"}
}

// WriteCSV writes one row per frame of every set.
func WriteCSV(w io.Writer, ss *valgus.SessionResult) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	for k, s := range ss.Sets {
		for _, m := range s.Frames {
			rep := ""
			if m.Rep >= 0 {
				rep = strconv.Itoa(m.Rep + 1)
			}
			l, r := m.Side[0], m.Side[1]
			row := []string{strconv.Itoa(k + 1), s.Source, f(m.Time), rep, string(m.Phase), f(m.Depth),
				f(l.FPPA), f(r.FPPA), f(l.FPPAChange), f(r.FPPAChange), b(l.FPPAReliable), b(r.FPPAReliable),
				f(m.KASR), f(m.KASRChange),
				f(l.KneeVsToe), f(r.KneeVsToe), f(l.KneeVsToe3D), f(r.KneeVsToe3D),
				f(l.KneeMedial), f(r.KneeMedial),
				f(l.ToeOutDeg), f(r.ToeOutDeg),
				f(m.StanceHip), f(m.StanceShoulder),
				f(m.PelvisDropDeg), f(m.LateralShift), f(m.TrunkLateralDeg), f(m.TrunkForwardDeg), f(m.HipKnee),
				b(l.Reliable), b(r.Reliable),
				f(l.CaveDeg), f(r.CaveDeg), f(l.MKD), f(r.MKD)}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("writing CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

func f(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func b(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

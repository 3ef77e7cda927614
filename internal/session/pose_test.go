package session

import (
	"errors"
	"testing"
)

func TestPoseOutputs(t *testing.T) {
	for _, tc := range []struct {
		name, video, output, format string
		want                        TrackOutputs
		usage                       bool
	}{
		{"defaults", "clips/squats.mp4", "", "", TrackOutputs{Track: "squats.pose.json", Format: "json"}, false},
		{"format from -o", "a.mov", "out/a.trc", "", TrackOutputs{Track: "out/a.trc", Format: "trc"}, false},
		{"format given", "a.mov", "", "csv", TrackOutputs{Track: "a.pose.csv", Format: "csv"}, false},
		{"standard output", "a.mov", "-", "", TrackOutputs{Track: "-", Format: "json"}, false},
		{"unknown format", "a.mov", "", "xml", TrackOutputs{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PoseOutputs(tc.video, tc.output, "", tc.format)
			var ue *UsageError
			if got != tc.want || errors.As(err, &ue) != tc.usage || (err != nil) != tc.usage {
				t.Errorf("PoseOutputs = %+v, %v; want %+v, usage error %v", got, err, tc.want, tc.usage)
			}
		})
	}
}

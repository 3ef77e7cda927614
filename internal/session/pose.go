package session

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/track"
)

// TrackOutputs are where TrackVideo writes, by the flags of `kneetrack
// pose`: the cleaned track (-o; "" or "-" leaves it to the caller) and the
// track before cleaning (--raw), both in Format.
type TrackOutputs struct {
	Track, Raw string
	Format     string
}

// TrackVideo is `kneetrack pose`'s run: it checks the outputs, tracks the
// lifter through the video and writes the tracks, both or neither. Both
// record the video's absolute path, so that a report or an annotated video
// made from a track finds the video from any folder.
func TrackVideo(ctx context.Context, video string, opts pose.Options, outs TrackOutputs) (*pose.Result, error) {
	// Every output is checked before the tracking, which takes minutes.
	var plan atomicfile.Plan
	plan.Input(video)
	plan.Output("-o", outs.Track)
	plan.Output("--raw", outs.Raw)
	if err := plan.Check(); err != nil {
		return nil, err
	}
	res, err := pose.Run(ctx, video, opts)
	if err != nil {
		return nil, err
	}
	res.Track.Video.Source, res.Raw.Video.Source = absPath(video), absPath(video)
	var b atomicfile.Batch
	defer b.Discard()
	if outs.Track != "" && outs.Track != "-" {
		if err := b.Write(outs.Track, func(w io.Writer) error { return track.Write(w, res.Track, outs.Format) }); err != nil {
			return nil, err
		}
	}
	if outs.Raw != "" {
		if err := b.Write(outs.Raw, func(w io.Writer) error { return track.Write(w, res.Raw, outs.Format) }); err != nil {
			return nil, fmt.Errorf("--raw: %w", err)
		}
	}
	if err := b.Commit(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// PoseOutputs resolves `kneetrack pose`'s outputs: the format (format,
// else the extension of output, else JSON) and the track's file (output,
// else VIDEO-NAME.pose.FORMAT in the current folder; "-" is standard
// output), with raw, the track before cleaning.
func PoseOutputs(video, output, raw, format string) (TrackOutputs, error) {
	if format == "" {
		format = track.FormatFromName(output)
	}
	if format == "" {
		format = track.FormatJSON
	}
	if format != track.FormatJSON && format != track.FormatCSV && format != track.FormatTRC {
		return TrackOutputs{}, usagef("--format %q: use json, csv or trc", format)
	}
	if output == "" {
		base := strings.TrimSuffix(filepath.Base(video), filepath.Ext(video))
		output = base + ".pose." + format
	}
	return TrackOutputs{Track: output, Raw: raw, Format: format}, nil
}

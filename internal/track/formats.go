package track

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
)

// Output formats of a track file.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
	FormatTRC  = "trc"
)

// FormatFromName returns the format a file name's extension implies
// ("" when it implies none).
func FormatFromName(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return FormatJSON
	case ".csv":
		return FormatCSV
	case ".trc":
		return FormatTRC
	}
	return ""
}

// Write writes t in the given format: kneetrack's track JSON
// (docs/track-json.md), CSV (see WriteCSV) or TRC (OpenSim markers; world
// coordinates in metres when the track has them, else pixels).
func Write(w io.Writer, t *Track, format string) error {
	switch format {
	case FormatJSON:
		return WriteJSON(w, t)
	case FormatCSV:
		return WriteCSV(w, t)
	case FormatTRC:
		return WriteTRC(w, t)
	}
	return fmt.Errorf("unknown output format %q: use json, csv or trc", format)
}

// WriteFile writes t to path in format, whole or not at all
// (atomicfile.Write): a failure leaves any existing file untouched. Callers
// check beforehand that path is not one of their inputs (atomicfile.Plan).
func WriteFile(path string, t *Track, format string) error {
	return atomicfile.Write(path, func(w io.Writer) error { return Write(w, t, format) })
}

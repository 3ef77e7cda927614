package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

// Files says where the model files and the TF.js fixtures are; "" for
// either means its default folder (models.DefaultDir, tfjsfixture.Dir).
type Files struct {
	ModelsDir, FixturesDir string
}

// resolve fills in the default folders.
func (f Files) resolve() (Files, error) {
	var err error
	if f.ModelsDir, err = models.Dir(f.ModelsDir); err != nil {
		return f, err
	}
	if f.FixturesDir == "" {
		if f.FixturesDir, err = tfjsfixture.Dir(); err != nil {
			return f, err
		}
	}
	return f, nil
}

// Names returns the models to time: every model for "all", else names.
func Names(names []string) []string {
	if len(names) == 1 && names[0] == "all" {
		return models.Names()
	}
	return names
}

// RunModels loads each named model from files, checks it against its
// fixture and times it with opts, handing each result to each as it comes.
func RunModels(ctx context.Context, names []string, files Files, opts Options, log *slog.Logger, each func(*Result) error) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	files, err := files.resolve()
	if err != nil {
		return err
	}
	for _, name := range names {
		jsonPath, binPath, err := models.Paths(files.ModelsDir, name)
		if err != nil {
			return err
		}
		fx, err := tfjsfixture.Load(files.FixturesDir, name, "lcg")
		if err != nil {
			return fmt.Errorf("bench %s needs its TF.js fixture to check the output first: %w", name, err)
		}
		log.Debug("loading model", "model", name, "json", jsonPath)
		m, err := nn.LoadFiles(jsonPath, binPath)
		if err != nil {
			return fmt.Errorf("loading %s: %w", name, err)
		}
		res, err := Run(ctx, name, m, fx, opts)
		if err != nil {
			return err
		}
		if err := each(res); err != nil {
			return err
		}
	}
	return nil
}

// Table prints results as an aligned table, one row per model.
type Table struct{ tw *tabwriter.Writer }

// NewTable starts a table on w with its header.
func NewTable(w io.Writer) *Table {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tthreads\truns\tmedian ms\tp90 ms\tGMACs\tGFLOP/s\tcheck vs TF.js\t")
	return &Table{tw}
}

// Add adds one model's row.
func (t *Table) Add(r *Result) error {
	_, err := fmt.Fprintf(t.tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.3f\t%.1f\t%s max|diff| %.2g\t\n",
		r.Model, r.Threads, r.Runs, r.MedianMS, r.P90MS, r.GMACs, r.GFLOPS, r.Check, r.CheckDiff)
	return err
}

// Flush prints the table.
func (t *Table) Flush() error { return t.tw.Flush() }

// WriteJSONLine prints r as one line of JSON.
func WriteJSONLine(w io.Writer, r *Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

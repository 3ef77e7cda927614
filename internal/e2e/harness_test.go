package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Picture and frame rate of every rendered set: small and slow enough to
// keep the tests to a few minutes on two cores, large enough that the
// lifter stands about 280 pixels tall, more than the pose model's 256-pixel
// crop resolves.
const (
	videoW, videoH = 640, 360
	videoFPS       = 15
)

// scenario is one simulated set filmed by one camera.
type scenario struct {
	name   string
	set    sim.Set
	yawDeg float64
}

// setName is the scenario's name without its camera ("ramp" for
// "ramp-yaw15").
func (s scenario) setName() string {
	name, _, _ := strings.Cut(s.name, "-yaw")
	return name
}

// camera is the scenario's camera: sim's phone on a tripod at hip height,
// 3 m away, shrunk to the test picture with the same field of view.
func (s scenario) camera() track.Camera {
	c := sim.DefaultCamera(s.yawDeg)
	c.Width, c.Height, c.FocalPx = videoW, videoH, 0.75*videoW
	return c
}

// outcome is a scenario run end to end.
type outcome struct {
	sc    scenario
	sim   *sim.Result
	pose  *pose.Result
	set   *valgus.SetResult
	video string
	// Seconds spent rendering (drawing and encoding) and tracking.
	renderS, poseS float64
}

// runner renders, tracks and analyses each scenario once per test binary
// run, however many tests ask for it.
type runner struct {
	dir  string
	mu   sync.Mutex
	done map[string]*outcome
	errs map[string]error
}

// runs is the test binary's runner, made by TestMain.
var runs *runner

func TestMain(m *testing.M) {
	dir := os.Getenv("KNEETRACK_E2E_DIR") // keep the videos for a look
	keep := dir != ""
	if !keep {
		var err error
		if dir, err = os.MkdirTemp("", "kneetrack-e2e-"); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: making a folder for the rendered sets:", err)
			os.Exit(1)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	runs = &runner{dir: dir, done: map[string]*outcome{}, errs: map[string]error{}}
	code := m.Run()
	if !keep {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// needTools skips (or, under CI, fails) a test that lacks ffmpeg or the
// pose models.
func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "install ffmpeg (Debian: apt-get install ffmpeg) or run ./scripts/setup.sh")
		}
	}
	testenv.ModelFiles(t, "blazepose-detector")
	testenv.ModelFiles(t, pose.ModelBlazePoseFull)
}

// get returns the scenario's outcome, running it the first time.
func (r *runner) get(t *testing.T, sc scenario) *outcome {
	t.Helper()
	needTools(t)
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.done[sc.name]; ok {
		return o
	}
	if err, ok := r.errs[sc.name]; ok {
		t.Fatalf("%s: %v", sc.name, err)
	}
	o, err := r.run(sc)
	if err != nil {
		r.errs[sc.name] = err
		t.Fatalf("%s: %v", sc.name, err)
	}
	r.done[sc.name] = o
	t.Logf("%s: %d frames rendered in %.1f s, tracked in %.1f s", sc.name, len(o.sim.Frames), o.renderS, o.poseS)
	return o
}

func (r *runner) run(sc scenario) (*outcome, error) {
	ctx := context.Background()
	res, err := sim.Simulate(sc.set, sc.camera())
	if err != nil {
		return nil, err
	}
	o := &outcome{sc: sc, sim: res, video: filepath.Join(r.dir, sc.name+".mp4")}
	t0 := time.Now()
	if _, err := res.RenderVideo(ctx, o.video, sim.VideoOptions{}); err != nil {
		return nil, err
	}
	o.renderS = time.Since(t0).Seconds()
	if err := writeTruth(filepath.Join(r.dir, sc.name+".truth.json"), &res.Truth); err != nil {
		return nil, err
	}
	t0 = time.Now()
	if o.pose, err = pose.Run(ctx, o.video, pose.Options{}); err != nil {
		return nil, err
	}
	o.poseS = time.Since(t0).Seconds()
	if o.set, err = valgus.AnalyzeSet(ctx, o.pose.Track, valgus.Options{}); err != nil {
		return nil, err
	}
	return o, nil
}

func writeTruth(path string, t *sim.Truth) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := t.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

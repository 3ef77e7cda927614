package session

import "github.com/kneetrack/kneetrack/internal/pose"

// Progress hears how a run goes, in order, from the goroutine that runs
// Analyze or Write: a stage begins, advances step by step, ends; notes come
// between stages. The command line draws a progress bar on a terminal; a
// server could send each call to a browser.
type Progress interface {
	// Begin says a stage has begun.
	Begin(s Stage)
	// Step says done of total steps of the current stage are done (frames
	// for the pose step; total may be an estimate).
	Step(done, total int)
	// End says the stage s has ended, with err when it failed.
	End(s Stage, err error)
	// Note tells something the user should know.
	Note(n Note)
}

// A Planner is a Progress that also hears, once the inputs are read and
// the outputs checked and before any tracking, the stages the run expects
// with the frames of each (Stage.Frames): enough to estimate the time the
// whole run will take. Analyze calls Plan only when opts.Progress is one.
type Planner interface {
	Plan(stages []Stage)
}

// The stages of a run, as Stage.Name.
const (
	StagePose     = "pose"     // tracking one video with the pose model (Analyze)
	StageAnalysis = "analysis" // analysing one set (Analyze)
	StageReport   = "report"   // the HTML report (Write)
	StageVideo    = "video"    // one annotated video, frame by frame (Write)
)

// Stage is one step of a run.
type Stage struct {
	Name string
	// Input is the input the stage works on ("" for the whole run).
	Input string
	// Index counts the stage's runs from 0, out of Count (e.g. the second of
	// three videos to track: 1 of 3).
	Index, Count int
	// Frames, in a plan (Planner), is how many frames the stage will go
	// through, as the video's header says (0: unknown or none).
	Frames int
}

// What a Note tells, as Note.Kind.
const (
	NoteTracked = "tracked" // a video was tracked: Model and Stats say how
	NotePose    = "pose"    // the pose step noticed something: Text says what
	NoteStopped = "stopped" // tracking stopped early (unsupported movement): Stopped says where
)

// Note is something the user should know, about one input.
type Note struct {
	Kind  string
	Input string
	Text  string
	Model string     // NoteTracked: the pose model ("" for the default)
	Stats pose.Stats // NoteTracked: frames tracked, processed, seconds
	// Stopped (NoteStopped) says where the tracking stopped.
	Stopped *Stopped
}

// nobody is the Progress of a run that nobody follows.
type nobody struct{}

func (nobody) Begin(Stage)      {}
func (nobody) Step(int, int)    {}
func (nobody) End(Stage, error) {}
func (nobody) Note(Note)        {}

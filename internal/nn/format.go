package nn

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// This file mirrors the parts of a TF.js "graph-model" model.json that the
// runtime reads. The graph is TensorFlow's GraphDef rendered as JSON by the
// protobuf JSON mapping: 64-bit integers arrive as strings, byte strings as
// base64, and every attribute is a one-of (s, i, f, b, type, shape, tensor,
// list).

// modelFile is the top level of model.json.
type modelFile struct {
	Format          string          `json:"format"`
	ModelTopology   topology        `json:"modelTopology"`
	Signature       *signatureDef   `json:"signature"`
	WeightsManifest []manifestGroup `json:"weightsManifest"`
}

type topology struct {
	Node []nodeDef `json:"node"`
}

// nodeDef is one GraphDef node.
type nodeDef struct {
	Name  string               `json:"name"`
	Op    string               `json:"op"`
	Input []string             `json:"input"`
	Attr  map[string]attrValue `json:"attr"`
}

// attrValue is TensorFlow's AttrValue one-of.
type attrValue struct {
	S      *string      `json:"s"`
	I      *jsonInt     `json:"i"`
	F      *jsonFloat   `json:"f"`
	B      *bool        `json:"b"`
	Type   string       `json:"type"`
	Shape  *shapeProto  `json:"shape"`
	Tensor *tensorProto `json:"tensor"`
	List   *attrList    `json:"list"`
}

type attrList struct {
	S     []string     `json:"s"`
	I     []jsonInt    `json:"i"`
	F     []jsonFloat  `json:"f"`
	B     []bool       `json:"b"`
	Type  []string     `json:"type"`
	Shape []shapeProto `json:"shape"`
}

type shapeProto struct {
	Dim         []shapeDim `json:"dim"`
	UnknownRank bool       `json:"unknownRank"`
}

type shapeDim struct {
	Size jsonInt `json:"size"`
}

type tensorProto struct {
	Dtype       string      `json:"dtype"`
	TensorShape *shapeProto `json:"tensorShape"`
}

type signatureDef struct {
	Inputs  map[string]tensorInfoDef `json:"inputs"`
	Outputs map[string]tensorInfoDef `json:"outputs"`
}

type tensorInfoDef struct {
	Name  string `json:"name"`
	Dtype string `json:"dtype"`
}

type manifestGroup struct {
	Paths   []string      `json:"paths"`
	Weights []weightEntry `json:"weights"`
}

type weightEntry struct {
	Name         string        `json:"name"`
	Shape        []jsonInt     `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *quantization `json:"quantization"`
}

type quantization struct {
	Dtype string `json:"dtype"`
}

// jsonInt is an integer written either as a JSON number or, as the protobuf
// JSON mapping does for 64-bit values, as a decimal string.
type jsonInt int64

func (v *jsonInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = str
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	*v = jsonInt(n)
	return nil
}

// jsonFloat is a float written as a JSON number or as one of the strings
// "NaN", "Infinity", "-Infinity".
type jsonFloat float64

func (v *jsonFloat) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		switch str {
		case "NaN":
			*v = jsonFloat(math.NaN())
		case "Infinity":
			*v = jsonFloat(math.Inf(1))
		case "-Infinity":
			*v = jsonFloat(math.Inf(-1))
		default:
			f, err := strconv.ParseFloat(str, 64)
			if err != nil {
				return fmt.Errorf("not a number: %q", str)
			}
			*v = jsonFloat(f)
		}
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	*v = jsonFloat(f)
	return nil
}

// dtype is the element type of a tensor.
type dtype uint8

const (
	dtInvalid dtype = iota
	f32
	i32
)

func (d dtype) String() string {
	switch d {
	case f32:
		return "float32"
	case i32:
		return "int32"
	}
	return "invalid"
}

// parseDType maps a TensorFlow DataType name to a supported dtype.
func parseDType(s string) (dtype, error) {
	switch s {
	case "DT_FLOAT":
		return f32, nil
	case "DT_INT32":
		return i32, nil
	}
	return dtInvalid, fmt.Errorf("data type %q is not supported (only DT_FLOAT and DT_INT32)", s)
}

// attrs gives typed access to a node's attributes. Every accessor reports a
// missing or mistyped attribute as an error naming it.
type attrs map[string]attrValue

// only rejects any attribute not in allowed, so an attribute whose meaning
// the runtime does not implement is never silently ignored. Attributes that
// start with an underscore are TensorFlow internals and are skipped.
func (a attrs) only(allowed ...string) error {
	for k := range a {
		if strings.HasPrefix(k, "_") {
			continue
		}
		ok := false
		for _, w := range allowed {
			if k == w {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("attribute %q is not supported", k)
		}
	}
	return nil
}

func (a attrs) has(k string) bool {
	_, ok := a[k]
	return ok
}

func (a attrs) str(k string) (string, error) {
	v, ok := a[k]
	if !ok || v.S == nil {
		return "", fmt.Errorf("attribute %q: missing or not a string", k)
	}
	b, err := base64.StdEncoding.DecodeString(*v.S)
	if err != nil {
		return "", fmt.Errorf("attribute %q: bad base64: %w", k, err)
	}
	return string(b), nil
}

// strOr returns the string attribute k, or def when it is absent.
func (a attrs) strOr(k, def string) (string, error) {
	if !a.has(k) {
		return def, nil
	}
	return a.str(k)
}

func (a attrs) int(k string) (int, error) {
	v, ok := a[k]
	if !ok || v.I == nil {
		return 0, fmt.Errorf("attribute %q: missing or not an integer", k)
	}
	n := int64(*v.I)
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, fmt.Errorf("attribute %q: %d is out of range", k, n)
	}
	return int(n), nil
}

// intOr returns the integer attribute k, or def when it is absent.
func (a attrs) intOr(k string, def int) (int, error) {
	if !a.has(k) {
		return def, nil
	}
	return a.int(k)
}

func (a attrs) bool(k string) (bool, error) {
	v, ok := a[k]
	if !ok || v.B == nil {
		return false, fmt.Errorf("attribute %q: missing or not a bool", k)
	}
	return *v.B, nil
}

// boolOr returns the bool attribute k, or def when it is absent.
func (a attrs) boolOr(k string, def bool) (bool, error) {
	if !a.has(k) {
		return def, nil
	}
	return a.bool(k)
}

// ints returns a list-of-integers attribute. An absent attribute or an empty
// list gives nil.
func (a attrs) ints(k string) ([]int, error) {
	v, ok := a[k]
	if !ok {
		return nil, nil
	}
	if v.List == nil {
		return nil, fmt.Errorf("attribute %q: not a list", k)
	}
	out := make([]int, len(v.List.I))
	for i, x := range v.List.I {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return nil, fmt.Errorf("attribute %q: %d is out of range", k, int64(x))
		}
		out[i] = int(x)
	}
	return out, nil
}

// strs returns a list-of-strings attribute (decoded from base64).
func (a attrs) strs(k string) ([]string, error) {
	v, ok := a[k]
	if !ok {
		return nil, nil
	}
	if v.List == nil {
		return nil, fmt.Errorf("attribute %q: not a list", k)
	}
	out := make([]string, len(v.List.S))
	for i, s := range v.List.S {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: bad base64: %w", k, err)
		}
		out[i] = string(b)
	}
	return out, nil
}

// emptyList checks that the list attribute k is absent or empty; used for
// attributes such as explicit_paddings whose non-empty form is unsupported.
func (a attrs) emptyList(k string) error {
	v, ok := a[k]
	if !ok {
		return nil
	}
	if v.List == nil {
		return fmt.Errorf("attribute %q: not a list", k)
	}
	l := v.List
	if len(l.S)+len(l.I)+len(l.F)+len(l.B)+len(l.Type)+len(l.Shape) != 0 {
		return fmt.Errorf("attribute %q: only an empty list is supported", k)
	}
	return nil
}

// dtype returns a type attribute, or dtInvalid with no error when absent.
func (a attrs) dtype(k string) (dtype, error) {
	v, ok := a[k]
	if !ok {
		return dtInvalid, nil
	}
	if v.Type == "" {
		return dtInvalid, fmt.Errorf("attribute %q: not a type", k)
	}
	d, err := parseDType(v.Type)
	if err != nil {
		return dtInvalid, fmt.Errorf("attribute %q: %w", k, err)
	}
	return d, nil
}

// checkType checks that the type attribute k, when present, is want.
func (a attrs) checkType(k string, want dtype) error {
	d, err := a.dtype(k)
	if err != nil {
		return err
	}
	if d != dtInvalid && d != want {
		return fmt.Errorf("attribute %s=%v does not match the input type %v", k, d, want)
	}
	return nil
}

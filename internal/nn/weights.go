package nn

import (
	"encoding/binary"
	"fmt"
	"math"
)

// constant is a decoded weight: a float32 or int32 tensor known at load time.
type constant struct {
	dt    dtype
	shape []int
	f     []float32
	i     []int32
}

// decodeWeights splits the weight bytes (the manifest's shards concatenated
// in order) into named constants. Float weights stored as float16
// (quantization dtype "float16") are widened to float32 exactly. Sizes are
// checked against the data before anything is allocated, so a truncated or
// oversized file is an error, not a crash or a huge allocation.
func decodeWeights(groups []manifestGroup, data []byte) (map[string]*constant, error) {
	type entry struct {
		w     *weightEntry
		shape []int
		n     int
		esize int
		dt    dtype
		f16   bool
	}
	var entries []entry
	total := int64(0)
	for gi := range groups {
		for wi := range groups[gi].Weights {
			w := &groups[gi].Weights[wi]
			shape := make([]int, len(w.Shape))
			for i, d := range w.Shape {
				if d < 0 || d > maxDim {
					return nil, fmt.Errorf("weight %q: dimension %d is out of range", w.Name, int64(d))
				}
				shape[i] = int(d)
			}
			n, err := numElems(shape)
			if err != nil {
				return nil, fmt.Errorf("weight %q: %w", w.Name, err)
			}
			e := entry{w: w, shape: shape, n: n}
			switch w.Dtype {
			case "float32":
				e.dt, e.esize = f32, 4
				if w.Quantization != nil {
					if w.Quantization.Dtype != "float16" {
						return nil, fmt.Errorf("weight %q: quantization %q is not supported (only float16)", w.Name, w.Quantization.Dtype)
					}
					e.esize, e.f16 = 2, true
				}
			case "int32":
				e.dt, e.esize = i32, 4
				if w.Quantization != nil {
					return nil, fmt.Errorf("weight %q: quantized int32 weights are not supported", w.Name)
				}
			default:
				return nil, fmt.Errorf("weight %q: dtype %q is not supported (only float32 and int32)", w.Name, w.Dtype)
			}
			total += int64(n) * int64(e.esize)
			if total > int64(len(data)) {
				return nil, fmt.Errorf("weight data is truncated: the manifest needs more than the %d bytes given (at weight %q)", len(data), w.Name)
			}
			entries = append(entries, e)
		}
	}
	if total != int64(len(data)) {
		return nil, fmt.Errorf("weight data has %d bytes but the manifest describes %d: wrong or corrupt weights file", len(data), total)
	}
	out := make(map[string]*constant, len(entries))
	off := 0
	for _, e := range entries {
		if _, dup := out[e.w.Name]; dup {
			return nil, fmt.Errorf("weight %q appears twice in the manifest", e.w.Name)
		}
		c := &constant{dt: e.dt, shape: e.shape}
		b := data[off : off+e.n*e.esize]
		off += e.n * e.esize
		switch {
		case e.f16:
			c.f = make([]float32, e.n)
			for i := range c.f {
				c.f[i] = float16to32(binary.LittleEndian.Uint16(b[2*i:]))
			}
		case e.dt == f32:
			c.f = make([]float32, e.n)
			for i := range c.f {
				c.f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
		default:
			c.i = make([]int32, e.n)
			for i := range c.i {
				c.i[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
			}
		}
		out[e.w.Name] = c
	}
	return out, nil
}

// float16to32 widens an IEEE 754 binary16 value to float32 exactly,
// including subnormals, infinities and NaNs.
func float16to32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case 0: // zero or subnormal: mant * 2^-24
		f := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

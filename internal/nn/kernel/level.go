package kernel

import "os"

// level is an instruction-set level the kernels can run at.
type level uint8

const (
	levelGeneric level = iota // pure Go
	levelAVX2                 // AVX2 + FMA, 8 lanes
	levelAVX512               // AVX-512F, 16 lanes
)

func (lv level) String() string {
	switch lv {
	case levelAVX2:
		return "avx2"
	case levelAVX512:
		return "avx512"
	}
	return "generic"
}

// active is the level every exported kernel runs at. It is decided once at
// package initialisation (detectLevel, per architecture) and only read
// afterwards.
var active = detectLevel(envSet)

// Impl names the kernels in use: "avx512", "avx2" or "generic".
func Impl() string { return active.String() }

// lanes is the number of float32 lanes of one vector at level lv.
func (lv level) lanes() int {
	switch lv {
	case levelAVX2:
		return 8
	case levelAVX512:
		return 16
	}
	return 1
}

// panelWidth is the number of B columns one GEMM micro-kernel call covers:
// two vectors.
func (lv level) panelWidth() int { return 2 * lv.lanes() }

// chunkCols is how many columns of B (a multiple of nr) one sweep over the
// rows of A uses, so that the k×chunk slice of B stays within about half of
// a 2 MiB L2 cache while the micro-kernel reuses it for every row block.
func chunkCols(k, nr int) int {
	const budget = 1 << 20 // bytes
	nc := budget / (4 * k) / nr * nr
	return max(nc, nr)
}

// envSet reports whether the environment variable name is "1".
func envSet(name string) bool { return os.Getenv(name) == "1" }

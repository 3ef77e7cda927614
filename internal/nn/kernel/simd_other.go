//go:build !amd64 || purego

package kernel

// detectLevel: without the amd64 assembly only the Go kernels exist.
func detectLevel(func(string) bool) level { return levelGeneric }

// levels lists the levels this build can run, for tests.
func levels() []level { return []level{levelGeneric} }

func gemmSIMD(_ level, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	gemmGeneric(m, n, k, a, lda, b, ldb, c, ldc, bias, act)
}

// gemmPackedSIMD is not reached without assembly (PackB packs for the Go
// code); it computes the same columns for completeness.
func gemmPackedSIMD(pb *PackedB, m int, a []float32, lda int, j0, j1 int, c []float32, ldc int, bias []float32, act Act, res []float32, act2 Act) {
	var bs, rs []float32
	if bias != nil {
		bs = bias[j0:]
	}
	if res != nil {
		rs = res[j0:]
	}
	gemmGenericRes(m, j1-j0, pb.k, a, lda, pb.data[j0:], pb.nr, c[j0:], ldc, bs, act, rs, act2)
}

func depthwiseSIMD(_ level, dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	depthwiseGeneric(dst, src, p, oy0, oy1)
}

func tapConvSIMD(_ level, out, src []float32, offs []int, w []float32, bias float32, act Act) {
	tapConvGeneric(out, src, offs, w, bias, act)
}

func sigmoidSIMD(level, []float32, []float32) int { return 0 }

func resizeRowSIMD(_ level, dst, top, bot []float32, xo []int, fx []float64, c int, fy float64, res []float32, act Act) {
	resizeRowGeneric(dst, top, bot, xo, fx, c, fy, res, act)
}

func deinterleaveSIMD(level, []float32, int, []float32, int, int) int { return 0 }

//go:build !amd64 || purego

package kernel

// detectLevel: without the amd64 assembly only the Go kernels exist.
func detectLevel(func(string) bool) level { return levelGeneric }

// levels lists the levels this build can run, for tests.
func levels() []level { return []level{levelGeneric} }

func gemmSIMD(_ level, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	gemmGeneric(m, n, k, a, lda, b, ldb, c, ldc, bias, act)
}

func gemmPackedSIMD(pb *PackedB, m int, a []float32, lda int, c []float32, ldc int, bias []float32, act Act) {
	gemmGeneric(m, pb.n, pb.k, a, lda, pb.data, pb.nr, c, ldc, bias, act)
}

func depthwiseSIMD(_ level, dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	depthwiseGeneric(dst, src, p, oy0, oy1)
}

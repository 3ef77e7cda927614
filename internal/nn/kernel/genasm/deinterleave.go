package main

import "fmt"

// deinterleave writes the channel-planar copy kernel:
//
// func deintS(dst *float32, dstStride int, src *float32, c, n int)
//
//	dst[ci·dstStride + x] = src[x·c + ci]    for ci < c, x < n
//
// one vector of consecutive x per gather (AVX-512: a masked gather for
// the last fewer than 16; AVX2 stops at a multiple of 8, the caller does
// the rest).
func deinterleave(a *asm, s isa) string {
	name := "deint" + s.name
	is512 := s.name == "512"
	fmt.Fprintf(a, "// func %s(dst *float32, dstStride int, src *float32, c, n int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, $0-40\n", name)
	a.op("MOVQ dst+0(FP), DI")
	a.op("MOVQ dstStride+8(FP), R8")
	a.op("SHLQ $2, R8")
	a.op("MOVQ src+16(FP), SI")
	a.op("MOVQ c+24(FP), R9")
	a.op("MOVQ n+32(FP), R10")
	// 0: the lane offsets 0, c, 2c, ... (elements).
	if is512 {
		a.op("VPBROADCASTD R9, Z1")
	} else {
		a.op("VMOVD R9, X1")
		a.op("VPBROADCASTD X1, Y1")
	}
	a.op("VPMULLD iota<>(SB), %s, %s", s.r(1), s.r(0))
	a.op("MOVQ R9, R11")
	a.op("IMULQ $%d, R11", 4*s.lanes) // bytes between consecutive vectors' sources
	a.op("MOVQ R9, R12")              // channels left
	a.label(name + "_ch")
	a.op("MOVQ SI, AX")
	a.op("MOVQ DI, BX")
	a.op("MOVQ R10, CX")
	a.label(name + "_v")
	a.op("CMPQ CX, $%d", s.lanes)
	a.op("JLT %s_tail", name)
	if is512 {
		a.op("KXNORW K1, K1, K1")
		a.op("VGATHERDPS (AX)(Z0*4), K1, Z2")
		a.op("VMOVUPS Z2, (BX)")
	} else {
		a.op("VPCMPEQD Y3, Y3, Y3")
		a.op("VGATHERDPS Y3, (AX)(Y0*4), Y2")
		a.op("VMOVUPS Y2, (BX)")
	}
	a.op("ADDQ R11, AX")
	a.op("ADDQ $%d, BX", s.bytes)
	a.op("SUBQ $%d, CX", s.lanes)
	a.op("JMP %s_v", name)
	a.label(name + "_tail")
	if is512 {
		a.op("TESTQ CX, CX")
		a.op("JEQ %s_next", name)
		a.op("MOVL $1, DX")
		a.op("SHLL CX, DX")
		a.op("DECL DX")
		a.op("KMOVW DX, K1")
		a.op("KMOVW K1, K2")
		a.op("VPXORD Z2, Z2, Z2")
		a.op("VGATHERDPS (AX)(Z0*4), K1, Z2")
		a.op("VMOVUPS Z2, K2, (BX)")
	}
	a.label(name + "_next")
	a.op("ADDQ $4, SI")
	a.op("ADDQ R8, DI")
	a.op("DECQ R12")
	a.op("JNE %s_ch", name)
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
	return name
}

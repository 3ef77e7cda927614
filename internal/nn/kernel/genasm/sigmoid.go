package main

import (
	"fmt"
	"math"
)

// sigmoidConsts emits the constants of the sigmoid kernels (see sigmoid):
// each as one float64 (or int64) at an 8-byte offset, named by sigOff.
func sigmoidConsts(a *asm) {
	hi := math.Float64frombits(math.Float64bits(math.Ln2/8) &^ (1<<21 - 1))
	vals := []uint64{
		math.Float64bits(700),             // bound of the fast path
		math.Float64bits(8 / math.Ln2),    // scale to steps of ln2/8
		math.Float64bits(hi),              // ln2/8, high part (k·hi exact)
		math.Float64bits(math.Ln2/8 - hi), // ln2/8, low part
		math.Float64bits(3 << 51),         // 1.5·2^52: rounds to integer bits
		math.Float64bits(1),               // one
		math.Float64bits(1 - sigTol),      // lower end of the error interval
		math.Float64bits(1 + sigTol),      // upper end
		1<<63 - 1,                         // abs mask
		7,                                 // table index mask
	}
	// Polynomial coefficients 1/8!, 1/7!, ..., 1/2!.
	f := 1.0
	for n := 2; n <= 8; n++ {
		f *= float64(n)
	}
	for n := 8; n >= 2; n-- {
		vals = append(vals, math.Float64bits(1/f))
		f /= float64(n)
	}
	// Table 2^(j/8).
	for j := 0; j < 8; j++ {
		vals = append(vals, math.Float64bits(math.Exp2(float64(j)/8)))
	}
	for i, v := range vals {
		fmt.Fprintf(a, "DATA sigConst<>+%d(SB)/8, $%#x\n", 8*i, v)
	}
	fmt.Fprintf(a, "GLOBL sigConst<>(SB), RODATA|NOPTR, $%d\n\n", 8*len(vals))
}

// sigTol is the relative error bound the sigmoid kernels allow for their
// float64 result before rounding it to float32 (the actual error is below
// 1e-15).
const sigTol = 1e-13

// Offsets (bytes) into sigConst<>.
const (
	sigBound = 8 * iota
	sigScale
	sigLn2Hi
	sigLn2Lo
	sigMagic
	sigOne
	sigLo
	sigHi
	sigAbs
	sigSeven
	sigPoly  // 7 coefficients, 1/8! first
	sigTable = sigPoly + 8*7
)

// sigmoid writes the sigmoid kernel:
//
// func sigmoidS(dst, src *float32, n int) (done int)
//
// For blocks of L = lanes/2 values (8 with AVX-512, 4 with AVX2) it
// computes 1 / (1 + e^(−x)) in float64 and stores it rounded to float32.
// With m = round(x·8/ln2): e^(−x) = 2^(−m/8)·e^r, r = m·ln2/8 − x,
// |r| ≤ ln2/16, e^r from its degree-8 Taylor polynomial (truncation below
// 2e-18) and 2^(j/8) from a table: a relative error under 1e-15 in all,
// everything staying normal in float64 for |x| ≤ 700 (results that are
// subnormal or zero in float32 are rounded correctly by the conversion).
// It stops before the first block holding a value whose float32 rounding
// that error could change (the two ends of ±sigTol round differently), or
// with |x| > 700 or NaN, and returns how many values it wrote (a multiple
// of L, at most n); the caller computes that block exactly and calls again
// after it.
func sigmoid(a *asm, s isa) string {
	name := "sigmoid" + s.name
	is512 := s.name == "512"
	fmt.Fprintf(a, "// func %s(dst, src *float32, n int) (done int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, $0-32\n", name)
	a.op("MOVQ dst+0(FP), DI")
	a.op("MOVQ src+8(FP), SI")
	a.op("MOVQ n+16(FP), CX")
	a.op("XORQ DX, DX")
	a.op("LEAQ sigConst<>(SB), R8")
	L := s.lanes / 2
	v := func(i int) string { return s.r(i) }
	// The float32 side of a block: an 8-lane Y register for AVX-512, a
	// 4-lane X register for AVX2.
	f := func(i int) string {
		if is512 {
			return fmt.Sprintf("Y%d", i)
		}
		return fmt.Sprintf("X%d", i)
	}
	bc := func(off, dst int) { a.op("VBROADCASTSD %d(R8), %s", off, v(dst)) }
	// Constants in registers: 8 bound, 9 scale, 10 hi, 11 lo, 12 magic,
	// 13 one, 14 abs mask, 15 the table (AVX-512) or the index mask
	// (AVX2); AVX-512 also keeps the coefficients in 16..22 and the
	// interval ends in 23, 24.
	bc(sigBound, 8)
	bc(sigScale, 9)
	bc(sigLn2Hi, 10)
	bc(sigLn2Lo, 11)
	bc(sigMagic, 12)
	bc(sigOne, 13)
	bc(sigAbs, 14)
	if is512 {
		a.op("VMOVUPD %d(R8), Z15", sigTable)
		for i := 0; i < 7; i++ {
			bc(sigPoly+8*i, 16+i)
		}
		bc(sigLo, 23)
		bc(sigHi, 24)
	} else {
		bc(sigSeven, 15)
		a.op("LEAQ %d(R8), R9", sigTable)
	}
	a.label(name + "_loop")
	a.op("MOVQ CX, AX")
	a.op("SUBQ DX, AX")
	a.op("CMPQ AX, $%d", L)
	a.op("JLT %s_done", name)
	// 0: x; stop on |x| > 700 or NaN.
	a.op("VCVTPS2PD (SI)(DX*4), %s", v(0))
	if is512 {
		a.op("VPANDQ %s, %s, %s", v(14), v(0), v(2))
		a.op("VCMPPD $6, %s, %s, K2", v(8), v(2)) // !(|x| <= 700)
		a.op("KORTESTW K2, K2")
	} else {
		a.op("VANDPD %s, %s, %s", v(14), v(0), v(2))
		a.op("VCMPPD $6, %s, %s, %s", v(8), v(2), v(3))
		a.op("VMOVMSKPD %s, AX", v(3))
		a.op("TESTQ AX, AX")
	}
	a.op("JNE %s_done", name)
	// 1: m = round(x·8/ln2); 0: r = m·hi − x + m·lo.
	a.op("VMULPD %s, %s, %s", v(9), v(0), v(1))
	if is512 {
		a.op("VRNDSCALEPD $0, %s, %s", v(1), v(1))
	} else {
		a.op("VROUNDPD $0, %s, %s", v(1), v(1))
	}
	a.op("VFMSUB231PD %s, %s, %s", v(10), v(1), v(0))
	a.op("VFMADD231PD %s, %s, %s", v(11), v(1), v(0))
	// 2: the bits of magic − m, whose low bits are 2^51 + k with k = −m.
	a.op("VSUBPD %s, %s, %s", v(1), v(12), v(2))
	// 5: 2^((k mod 8)/8) from the table.
	if is512 {
		a.op("VPERMPD Z15, Z2, Z5")
	} else {
		a.op("VPAND %s, %s, %s", v(15), v(2), v(3))
		a.op("VPCMPEQQ %s, %s, %s", v(4), v(4), v(4))
		a.op("VXORPD %s, %s, %s", v(5), v(5), v(5))
		a.op("VGATHERQPD %s, (R9)(%s*8), %s", v(4), v(3), v(5))
	}
	// 6: p(r) by Horner's rule: 1/8!, ..., 1/2!, then 1, 1.
	if is512 {
		a.op("VMOVAPD Z16, Z6")
		for i := 1; i < 7; i++ {
			a.op("VFMADD213PD %s, %s, %s", v(16+i), v(0), v(6))
		}
	} else {
		a.op("VBROADCASTSD %d(R8), %s", sigPoly, v(6))
		for i := 1; i < 7; i++ {
			a.op("VBROADCASTSD %d(R8), %s", sigPoly+8*i, v(7))
			a.op("VFMADD213PD %s, %s, %s", v(7), v(0), v(6))
		}
	}
	a.op("VFMADD213PD %s, %s, %s", v(13), v(0), v(6))
	a.op("VFMADD213PD %s, %s, %s", v(13), v(0), v(6))
	// 6: e^(−x) = table·p·2^floor(k/8), the power added to the exponent
	// bits: ((2^51 + k) >> 3) << 52 is floor(k/8) << 52 modulo 2^64.
	a.op("VMULPD %s, %s, %s", v(5), v(6), v(6))
	a.op("VPSRLQ $3, %s, %s", v(2), v(7))
	a.op("VPSLLQ $52, %s, %s", v(7), v(7))
	if is512 {
		a.op("VPADDQ %s, %s, %s", v(7), v(6), v(6))
	} else {
		a.op("VPADDQ %s, %s, %s", v(7), v(6), v(6))
	}
	// 6: s = 1 / (1 + e).
	a.op("VADDPD %s, %s, %s", v(13), v(6), v(6))
	a.op("VDIVPD %s, %s, %s", v(6), v(13), v(6))
	// Both ends of s·(1 ± sigTol) must round to the same float32 (7).
	if is512 {
		a.op("VMULPD Z23, Z6, Z7")
		a.op("VMULPD Z24, Z6, Z3")
		a.op("VCVTPD2PS Z7, Y7")
		a.op("VCVTPD2PS Z3, Y3")
		a.op("VCMPPS $4, Y3, Y7, K2")
		a.op("KORTESTW K2, K2")
	} else {
		a.op("VBROADCASTSD %d(R8), %s", sigLo, v(7))
		a.op("VMULPD %s, %s, %s", v(7), v(6), v(7))
		a.op("VBROADCASTSD %d(R8), %s", sigHi, v(3))
		a.op("VMULPD %s, %s, %s", v(3), v(6), v(3))
		a.op("VCVTPD2PSY Y7, X7")
		a.op("VCVTPD2PSY Y3, X3")
		a.op("VCMPPS $4, X3, X7, X3")
		a.op("VMOVMSKPS X3, AX")
		a.op("TESTQ AX, AX")
	}
	a.op("JNE %s_done", name)
	a.op("VMOVUPS %s, (DI)(DX*4)", f(7))
	a.op("ADDQ $%d, DX", L)
	a.op("JMP %s_loop", name)
	a.label(name + "_done")
	a.op("MOVQ DX, done+24(FP)")
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
	return name
}

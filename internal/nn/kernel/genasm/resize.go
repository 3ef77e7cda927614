package main

import "fmt"

// resize writes the bilinear resize kernel for one output row:
//
// func resizeS(dst, top, bot *float32, xo *int, fx *float64, outW, c int, fy float64, res *float32, act int)
//
// For each output column x (c channels, a multiple of L = lanes/2), with
// l = xo[2x], r = xo[2x+1] (element offsets of the two source columns):
//
//	t = top[l] + (top[r] − top[l])·fx[x]
//	b = bot[l] + (bot[r] − bot[l])·fx[x]
//	dst = float32(t + (b − t)·fy)
//
// every step in float64 and rounded separately (no fused multiply-add), as
// TF.js's cpu backend computes it in JavaScript. With a residual res
// (laid out like dst), the result becomes act(dst + res) in float32.
func resize(a *asm, s isa) string {
	name := "resize" + s.name
	is512 := s.name == "512"
	fmt.Fprintf(a, "// func %s(dst, top, bot *float32, xo *int, fx *float64, outW, c int, fy float64, res *float32, act int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, $0-80\n", name)
	a.op("MOVQ dst+0(FP), DI")
	a.op("MOVQ top+8(FP), SI")
	a.op("MOVQ bot+16(FP), DX")
	a.op("MOVQ xo+24(FP), R8")
	a.op("MOVQ fx+32(FP), R9")
	a.op("MOVQ outW+40(FP), CX")
	a.op("MOVQ c+48(FP), R10")
	a.op("MOVQ res+64(FP), R11")
	a.op("SHLQ $2, R10") // bytes per pixel
	v := func(i int) string { return s.r(i) }
	f := func(i int) string {
		if is512 {
			return fmt.Sprintf("Y%d", i)
		}
		return fmt.Sprintf("X%d", i)
	}
	cvt := "VCVTPD2PS"
	if !is512 {
		cvt = "VCVTPD2PSY"
	}
	L := s.lanes / 2
	a.op("VBROADCASTSD fy+56(FP), %s", v(8))
	// Relu's zero and Relu6's six, as float32 (9, 10).
	a.op("VXORPS %s, %s, %s", f(9), f(9), f(9))
	a.op("MOVL $%s, AX", sixBits)
	a.op("VMOVD AX, X10")
	a.op("VBROADCASTSS X10, %s", f(10))
	a.op("TESTQ CX, CX")
	a.op("JEQ %s_done", name)
	a.label(name + "_px")
	// R12, R13: top row at the two source columns; BX, R14: bottom row;
	// 7: fx.
	a.op("MOVQ (R8), AX")
	a.op("LEAQ (SI)(AX*4), R12")
	a.op("LEAQ (DX)(AX*4), BX")
	a.op("MOVQ 8(R8), AX")
	a.op("LEAQ (SI)(AX*4), R13")
	a.op("LEAQ (DX)(AX*4), R14")
	a.op("VBROADCASTSD (R9), %s", v(7))
	a.op("XORQ AX, AX") // channel byte offset
	a.label(name + "_ch")
	a.op("VCVTPS2PD (R12)(AX*1), %s", v(0)) // tl
	a.op("VCVTPS2PD (R13)(AX*1), %s", v(1)) // tr
	a.op("VCVTPS2PD (BX)(AX*1), %s", v(2))  // bl
	a.op("VCVTPS2PD (R14)(AX*1), %s", v(3)) // br
	a.op("VSUBPD %s, %s, %s", v(0), v(1), v(1))
	a.op("VMULPD %s, %s, %s", v(7), v(1), v(1))
	a.op("VADDPD %s, %s, %s", v(1), v(0), v(0)) // t
	a.op("VSUBPD %s, %s, %s", v(2), v(3), v(3))
	a.op("VMULPD %s, %s, %s", v(7), v(3), v(3))
	a.op("VADDPD %s, %s, %s", v(3), v(2), v(2)) // b
	a.op("VSUBPD %s, %s, %s", v(0), v(2), v(2))
	a.op("VMULPD %s, %s, %s", v(8), v(2), v(2))
	a.op("VADDPD %s, %s, %s", v(2), v(0), v(0))
	a.op("%s %s, %s", cvt, v(0), f(0))
	a.op("TESTQ R11, R11")
	a.op("JEQ %s_store", name)
	a.op("VADDPS (R11)(AX*1), %s, %s", f(0), f(0))
	a.op("CMPQ act+72(FP), $0")
	a.op("JEQ %s_store", name)
	a.op("VMAXPS %s, %s, %s", f(0), f(9), f(0))
	a.op("CMPQ act+72(FP), $2")
	a.op("JNE %s_store", name)
	a.op("VMINPS %s, %s, %s", f(0), f(10), f(0))
	a.label(name + "_store")
	a.op("VMOVUPS %s, (DI)(AX*1)", f(0))
	a.op("ADDQ $%d, AX", 4*L)
	a.op("CMPQ AX, R10")
	a.op("JLT %s_ch", name)
	// Next output pixel.
	a.op("ADDQ R10, DI")
	a.op("TESTQ R11, R11")
	a.op("JEQ %s_nores", name)
	a.op("ADDQ R10, R11")
	a.label(name + "_nores")
	a.op("ADDQ $16, R8")
	a.op("ADDQ $8, R9")
	a.op("DECQ CX")
	a.op("JNE %s_px", name)
	a.label(name + "_done")
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
	return name
}

package main

import "fmt"

// taps writes the one-output-channel convolution kernel over a run of
// outputs (see TapConv in package kernel's taps.go):
//
// func tapsS(out, src *float32, offs *int, w *float32, ntaps, count int, bias *float32, act int)
//
//	out[x] = act((Σ_t src[offs[t] + x] · w[t]) + bias[0])
//
// for x < count, the taps summed from zero in order of t with one fused
// multiply-add each, then the bias (0 when nil), then the activation.
// ntaps must be at least 1. Runs of four vectors keep four independent
// sums in flight; then single vectors; then a masked remainder.
func taps(a *asm, s isa) string {
	name := "taps" + s.name
	fmt.Fprintf(a, "// func %s(out, src *float32, offs *int, w *float32, ntaps, count int, bias *float32, act int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, $0-64\n", name)
	a.op("MOVQ out+0(FP), DI")
	a.op("MOVQ src+8(FP), SI")
	a.op("MOVQ offs+16(FP), R8")
	a.op("MOVQ w+24(FP), R9")
	a.op("MOVQ ntaps+32(FP), R10")
	a.op("MOVQ count+40(FP), CX")
	a.op("MOVQ act+56(FP), BX")
	R := func(kind string, i int) string { return fmt.Sprintf("%s%d", kind, i) }
	zero := func(r string) {
		if s.name == "512" && r[0] == 'Z' {
			a.op("VPXORD %s, %s, %s", r, r, r)
		} else {
			a.op("VXORPS %s, %s, %s", r, r, r)
		}
	}
	// Register 5: the bias; 6: zero; 7: six.
	bias, zr, six := R(s.reg, 5), R(s.reg, 6), R(s.reg, 7)
	zero(bias)
	a.op("MOVQ bias+48(FP), AX")
	a.op("TESTQ AX, AX")
	a.op("JEQ %s_nobias", name)
	a.op("VBROADCASTSS (AX), %s", bias)
	a.label(name + "_nobias")
	zero(zr)
	a.op("MOVL $%s, AX", sixBits)
	if s.name == "512" {
		a.op("VPBROADCASTD AX, %s", six)
	} else {
		a.op("VMOVD AX, X7")
		a.op("VBROADCASTSS X7, Y7")
	}
	// finish adds the bias to nv accumulators of kind, applies the
	// activation and stores them (masked for a remainder).
	finish := func(tag, kind string, nv int, mask string) {
		for v := 0; v < nv; v++ {
			a.op("VADDPS %s, %s, %s", kind+bias[1:], R(kind, v), R(kind, v))
		}
		a.op("TESTQ BX, BX")
		a.op("JEQ %s_%s_store", name, tag)
		for v := 0; v < nv; v++ {
			a.op("VMAXPS %s, %s, %s", R(kind, v), kind+zr[1:], R(kind, v))
		}
		a.op("CMPQ BX, $2")
		a.op("JNE %s_%s_store", name, tag)
		for v := 0; v < nv; v++ {
			a.op("VMINPS %s, %s, %s", R(kind, v), kind+six[1:], R(kind, v))
		}
		a.label(fmt.Sprintf("%s_%s_store", name, tag))
		for v := 0; v < nv; v++ {
			switch mask {
			case "K1":
				a.op("VMOVUPS %s, K1, %d(DI)", R(kind, v), v*s.bytes)
			case "Y15":
				a.op("VMASKMOVPS %s, Y15, %d(DI)", R(kind, v), v*s.bytes)
			default:
				a.op("VMOVUPS %s, %d(DI)", R(kind, v), v*s.bytes)
			}
		}
	}
	// run emits the loop over the taps for nv accumulators.
	run := func(tag string, nv int, mask string) {
		for v := 0; v < nv; v++ {
			zero(R(s.reg, v))
		}
		a.op("MOVQ R8, R11")
		a.op("MOVQ R9, R12")
		a.op("MOVQ R10, R13")
		a.label(fmt.Sprintf("%s_%s_tap", name, tag))
		a.op("MOVQ (R11), AX")
		a.op("VBROADCASTSS (R12), %s", R(s.reg, 4))
		for v := 0; v < nv; v++ {
			m := fmt.Sprintf("%d(SI)(AX*4)", v*s.bytes)
			switch mask {
			case "K1":
				a.op("VFMADD231PS %s, %s, K1, %s", m, R(s.reg, 4), R(s.reg, v))
			case "Y15":
				a.op("VMASKMOVPS %s, Y15, Y8", m)
				a.op("VFMADD231PS Y8, Y4, %s", R(s.reg, v))
			default:
				a.op("VFMADD231PS %s, %s, %s", m, R(s.reg, 4), R(s.reg, v))
			}
		}
		a.op("ADDQ $8, R11")
		a.op("ADDQ $4, R12")
		a.op("DECQ R13")
		a.op("JNE %s_%s_tap", name, tag)
		finish(tag, s.reg, nv, mask)
	}
	const nv = 4
	a.label(name + "_quad")
	a.op("CMPQ CX, $%d", nv*s.lanes)
	a.op("JLT %s_single", name)
	run("q", nv, "")
	a.op("ADDQ $%d, SI", nv*s.bytes)
	a.op("ADDQ $%d, DI", nv*s.bytes)
	a.op("SUBQ $%d, CX", nv*s.lanes)
	a.op("JMP %s_quad", name)
	a.label(name + "_single")
	a.op("CMPQ CX, $%d", s.lanes)
	a.op("JLT %s_rest", name)
	run("s", 1, "")
	a.op("ADDQ $%d, SI", s.bytes)
	a.op("ADDQ $%d, DI", s.bytes)
	a.op("SUBQ $%d, CX", s.lanes)
	a.op("JMP %s_single", name)
	a.label(name + "_rest")
	a.op("TESTQ CX, CX")
	a.op("JEQ %s_done", name)
	if s.name == "512" {
		a.op("MOVL $1, AX")
		a.op("SHLL CX, AX")
		a.op("DECL AX")
		a.op("KMOVW AX, K1")
		run("m", 1, "K1")
	} else {
		a.op("MOVQ CX, AX")
		a.op("NEGQ AX")
		a.op("LEAQ maskTab<>(SB), DX")
		a.op("LEAQ 32(DX)(AX*4), DX")
		a.op("VMOVDQU (DX), Y15")
		run("m", 1, "Y15")
	}
	a.label(name + "_done")
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
	return name
}

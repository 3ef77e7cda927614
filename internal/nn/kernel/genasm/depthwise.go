package main

import "fmt"

// tapAddr is the address of filter tap t of a row whose taps are R8 bytes
// apart (R9 = 3·R8, R11 = 5·R8), from base register base.
func tapAddr(base string, t int) string {
	switch t {
	case 0:
		return "(" + base + ")"
	case 1:
		return "(" + base + ")(R8*1)"
	case 2:
		return "(" + base + ")(R8*2)"
	case 3:
		return "(" + base + ")(R9*1)"
	case 4:
		return "(" + base + ")(R8*4)"
	case 5:
		return "(" + base + ")(R11*1)"
	case 6:
		return "(" + base + ")(R9*2)"
	}
	panic("tap out of range")
}

const maxKW = 7

var actNames = []string{"none", "relu", "relu6"}

// modeNames name the depthwise pass modes: "mid" leaves a partial sum, the
// others finish the output with the bias and that activation.
var modeNames = []string{"mid", "none", "relu", "relu6"}

// depthwise writes one pass of a depthwise convolution over a run of output
// pixels, for one filter row of kw taps.
//
// func dwS_kKW_init_mode(out, in, f, bias *float32, count, sw, c int)
//
// For each of count output pixels (c channels each, contiguous), with x the
// pixel's index in the run:
//
//	sum = start + Σ_t in[x·sw + t][ch] · f[t][ch]
//
// where start is 0 if init, else out[x][ch]; the taps are added in order of
// t with one fused multiply-add each. mode 0 ("mid") stores sum; the final
// pass of an output (mode 1..3) stores act(sum + bias[ch]) with act none,
// Relu or Relu6 (mode-1), the bias being 0 when nil: TF.js's order of
// operations. Input and filter pixels are c channels apart.
func depthwise(a *asm, s isa, kw int, init bool, mode int) string {
	initName := "acc"
	if init {
		initName = "init"
	}
	final, act := mode > 0, max(mode-1, 0)
	name := fmt.Sprintf("dw%s_k%d_%s_%s", s.name, kw, initName, modeNames[mode])
	fmt.Fprintf(a, "// func %s(out, in, f, bias *float32, count, sw, c int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, $0-56\n", name)
	a.op("MOVQ out+0(FP), DI")
	a.op("MOVQ in+8(FP), SI")
	a.op("MOVQ f+16(FP), DX")
	a.op("MOVQ bias+24(FP), R10")
	a.op("MOVQ c+48(FP), R13")
	a.op("MOVQ R13, R8")
	a.op("SHLQ $2, R8")
	a.op("LEAQ (R8)(R8*2), R9")
	a.op("LEAQ (R8)(R8*4), R11")
	a.op("MOVQ sw+40(FP), R12")
	a.op("IMULQ R8, R12")
	zeroR, sixR := s.r(3), s.r(4)
	if act > 0 {
		if s.name == "512" {
			a.op("VPXORD %s, %s, %s", zeroR, zeroR, zeroR)
		} else {
			a.op("VXORPS %s, %s, %s", zeroR, zeroR, zeroR)
		}
	}
	if act == 2 {
		a.op("MOVL $%s, AX", sixBits)
		if s.name == "512" {
			a.op("VPBROADCASTD AX, %s", sixR)
		} else {
			a.op("VMOVD AX, X4")
			a.op("VBROADCASTSS X4, Y4")
		}
	}

	// block emits the loop over one channel block of the given vector
	// register kind ("Z": 16 lanes, "Y": 8 lanes) for every pixel of the
	// run, starting at channel pointers DI, SI, DX, R10. mask is "" for a
	// full block, "K1" for an AVX-512 partial block (lane mask in K1), or
	// "Y15" for an AVX2 partial block (masked moves through Y15).
	//
	// Partial blocks are kept to fewer than 8 channels and 8-lane vectors:
	// on the machines measured, masked 16-lane loads and stores whose
	// footprint crosses a cache line (any channel count of 8 mod 16, such
	// as 24, at every other pixel) run several times slower than plain ones.
	block := func(tag, kind, mask string) {
		R := func(i int) string { return fmt.Sprintf("%s%d", kind, i) }
		fR := func(t int) string { return R(16 + t) }
		if s.name == "256" {
			fR = func(t int) string { return R(8 + t) }
		}
		acc, biasV, zeroV, sixV, tmpV := R(0), R(2), R(3), R(4), R(1)
		load := func(mem, dst string) {
			switch mask {
			case "K1":
				a.op("VMOVUPS.Z %s, K1, %s", mem, dst)
			case "Y15":
				a.op("VMASKMOVPS %s, Y15, %s", mem, dst)
			default:
				a.op("VMOVUPS %s, %s", mem, dst)
			}
		}
		for t := 0; t < kw; t++ {
			load(tapAddr("DX", t), fR(t))
		}
		zeroReg := func(r string) {
			if s.name == "512" && kind == "Z" {
				a.op("VPXORD %s, %s, %s", r, r, r)
			} else {
				a.op("VXORPS %s, %s, %s", r, r, r)
			}
		}
		if final {
			// A nil bias adds zero, which changes no sum: a sum that
			// starts from +0 is never -0.
			lbl := fmt.Sprintf("%s_%s_nobias", name, tag)
			zeroReg(biasV)
			a.op("TESTQ R10, R10")
			a.op("JEQ %s", lbl)
			load("(R10)", biasV)
			a.label(lbl)
		}
		a.op("MOVQ count+32(FP), CX")
		a.op("MOVQ SI, AX")
		a.op("MOVQ DI, BX")
		loop := fmt.Sprintf("%s_%s_px", name, tag)
		a.label(loop)
		if init {
			zeroReg(acc)
		} else {
			load("(BX)", acc)
		}
		for t := 0; t < kw; t++ {
			switch mask {
			case "K1":
				a.op("VFMADD231PS %s, %s, K1, %s", tapAddr("AX", t), fR(t), acc)
			case "Y15":
				a.op("VMASKMOVPS %s, Y15, %s", tapAddr("AX", t), tmpV)
				a.op("VFMADD231PS %s, %s, %s", tmpV, fR(t), acc)
			default:
				a.op("VFMADD231PS %s, %s, %s", tapAddr("AX", t), fR(t), acc)
			}
		}
		if final {
			a.op("VADDPS %s, %s, %s", biasV, acc, acc)
		}
		if act > 0 {
			a.op("VMAXPS %s, %s, %s", acc, zeroV, acc)
		}
		if act == 2 {
			a.op("VMINPS %s, %s, %s", acc, sixV, acc)
		}
		switch mask {
		case "K1":
			a.op("VMOVUPS %s, K1, (BX)", acc)
		case "Y15":
			a.op("VMASKMOVPS %s, Y15, (BX)", acc)
		default:
			a.op("VMOVUPS %s, (BX)", acc)
		}
		a.op("ADDQ R8, BX")
		a.op("ADDQ R12, AX")
		a.op("DECQ CX")
		a.op("JNE %s", loop)
	}
	advance := func(bytes int) {
		for _, r := range []string{"DI", "SI", "DX"} {
			a.op("ADDQ $%d, %s", bytes, r)
		}
		if final {
			// Advancing a nil bias pointer is harmless: it is tested
			// against zero only, never dereferenced.
			lbl := fmt.Sprintf("%s_nb%d", name, a.Len())
			a.op("TESTQ R10, R10")
			a.op("JEQ %s", lbl)
			a.op("ADDQ $%d, R10", bytes)
			a.label(lbl)
		}
	}

	// Full blocks of s.lanes channels.
	a.op("CMPQ R13, $%d", s.lanes)
	a.op("JLT %s_half", name)
	a.label(name + "_cb")
	block("b", s.reg, "")
	advance(s.bytes)
	a.op("SUBQ $%d, R13", s.lanes)
	a.op("CMPQ R13, $%d", s.lanes)
	a.op("JGE %s_cb", name)
	a.label(name + "_half")
	if s.name == "512" {
		// Then one block of 8 channels, in 8-lane registers.
		a.op("CMPQ R13, $8")
		a.op("JLT %s_tail", name)
		block("h", "Y", "")
		advance(32)
		a.op("SUBQ $8, R13")
		a.label(name + "_tail")
	}
	// Then fewer than 8 channels, masked.
	a.op("TESTQ R13, R13")
	a.op("JEQ %s_done", name)
	if s.name == "512" {
		a.op("MOVQ R13, CX")
		a.op("MOVL $1, AX")
		a.op("SHLL CX, AX")
		a.op("DECL AX")
		a.op("KMOVW AX, K1")
		block("t", "Y", "K1")
	} else {
		a.op("MOVQ R13, AX")
		a.op("NEGQ AX")
		a.op("LEAQ maskTab<>(SB), CX")
		a.op("LEAQ 32(CX)(AX*4), CX")
		a.op("VMOVDQU (CX), Y15")
		block("t", "Y", "Y15")
	}
	a.label(name + "_done")
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
	return name
}

// dwFrame is the stack frame the depthwise kernels keep their per-block
// pointers in (the pixel loops need every general register): output,
// input, filter, bias, channels left.
const dwFrame = "$40"

// dwBlocks emits the loop over channel blocks shared by the depthwise
// kernels: full vector blocks, then (AVX-512) one 8-lane block, then a
// masked block of fewer than 8 channels. block emits the code for one
// block given its register kind and mask ("", "K1" or "Y15"); the block
// pointers live at 0..24(SP) and the channels left at 32(SP).
func dwBlocks(a *asm, s isa, name string, block func(tag, kind, mask string)) {
	advance := func(bytes int) {
		for off := 0; off < 24; off += 8 {
			a.op("ADDQ $%d, %d(SP)", bytes, off)
		}
		// A nil bias stays nil: it is only ever compared with zero.
		lbl := fmt.Sprintf("%s_nb%d", name, a.Len())
		a.op("CMPQ 24(SP), $0")
		a.op("JEQ %s", lbl)
		a.op("ADDQ $%d, 24(SP)", bytes)
		a.label(lbl)
		a.op("SUBQ $%d, 32(SP)", bytes/4)
	}
	a.op("CMPQ 32(SP), $%d", s.lanes)
	a.op("JLT %s_half", name)
	a.label(name + "_cb")
	block("b", s.reg, "")
	advance(s.bytes)
	a.op("CMPQ 32(SP), $%d", s.lanes)
	a.op("JGE %s_cb", name)
	a.label(name + "_half")
	if s.name == "512" {
		a.op("CMPQ 32(SP), $8")
		a.op("JLT %s_tail", name)
		block("h", "Y", "")
		advance(32)
		a.label(name + "_tail")
	}
	a.op("MOVQ 32(SP), R13")
	a.op("TESTQ R13, R13")
	a.op("JEQ %s_done", name)
	if s.name == "512" {
		a.op("MOVQ R13, CX")
		a.op("MOVL $1, AX")
		a.op("SHLL CX, AX")
		a.op("DECL AX")
		a.op("KMOVW AX, K1")
		block("t", "Y", "K1")
	} else {
		a.op("MOVQ R13, AX")
		a.op("NEGQ AX")
		a.op("LEAQ maskTab<>(SB), CX")
		a.op("LEAQ 32(CX)(AX*4), CX")
		a.op("VMOVDQU (CX), Y15")
		block("t", "Y", "Y15")
	}
	a.label(name + "_done")
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
}

// dwPrologue loads the arguments every depthwise kernel shares: R8 = c·4
// (bytes per pixel), R9 = 3·R8, R12 = stride·R8 (bytes between the inputs
// of neighbouring outputs), the activation constants (zero in register 2,
// six in register 3) and the block pointers in the frame.
func dwPrologue(a *asm, s isa, act int) {
	a.op("MOVQ out+0(FP), AX")
	a.op("MOVQ AX, 0(SP)")
	a.op("MOVQ in+8(FP), AX")
	a.op("MOVQ AX, 8(SP)")
	a.op("MOVQ f+16(FP), AX")
	a.op("MOVQ AX, 16(SP)")
	a.op("MOVQ bias+24(FP), AX")
	a.op("MOVQ AX, 24(SP)")
	a.op("MOVQ c+48(FP), R8")
	a.op("MOVQ R8, 32(SP)")
	a.op("SHLQ $2, R8")
	a.op("LEAQ (R8)(R8*2), R9")
	a.op("MOVQ sw+40(FP), R12")
	a.op("IMULQ R8, R12")
	if act > 0 {
		if s.name == "512" {
			a.op("VPXORD Z2, Z2, Z2")
		} else {
			a.op("VXORPS Y2, Y2, Y2")
		}
	}
	if act == 2 {
		a.op("MOVL $%s, AX", sixBits)
		if s.name == "512" {
			a.op("VPBROADCASTD AX, Z3")
		} else {
			a.op("VMOVD AX, X3")
			a.op("VBROADCASTSS X3, Y3")
		}
	}
}

// dwBias loads the block's bias (zero when the bias pointer is nil) into
// register 1 of kind.
func dwBias(a *asm, s isa, name, tag, kind, mask string) {
	b := kind + "1"
	if s.name == "512" {
		a.op("VPXORD %s, %s, %s", b, b, b)
	} else {
		a.op("VXORPS %s, %s, %s", b, b, b)
	}
	lbl := fmt.Sprintf("%s_%s_nobias", name, tag)
	a.op("MOVQ 24(SP), R10")
	a.op("TESTQ R10, R10")
	a.op("JEQ %s", lbl)
	dwLoad(a, s, mask, "(R10)", b)
	a.label(lbl)
}

func dwLoad(a *asm, s isa, mask, mem, dst string) {
	switch mask {
	case "K1":
		a.op("VMOVUPS.Z %s, K1, %s", mem, dst)
	case "Y15":
		a.op("VMASKMOVPS %s, Y15, %s", mem, dst)
	default:
		a.op("VMOVUPS %s, %s", mem, dst)
	}
}

// dwFinish applies the activation to register 0 of kind and stores it at
// (DI).
func dwFinish(a *asm, act int, kind, mask string) {
	acc := kind + "0"
	if act > 0 {
		a.op("VMAXPS %s, %s2, %s", acc, kind, acc)
	}
	if act == 2 {
		a.op("VMINPS %s, %s3, %s", acc, kind, acc)
	}
	switch mask {
	case "K1":
		a.op("VMOVUPS %s, K1, (DI)", acc)
	case "Y15":
		a.op("VMASKMOVPS %s, Y15, (DI)", acc)
	default:
		a.op("VMOVUPS %s, (DI)", acc)
	}
}

// dw2d writes the depthwise kernel for output pixels whose kh×kw taps all
// lie inside the input, with the whole filter of a channel block held in
// registers.
//
// func dw2dS_KHxKW_act(out, in, f, bias *float32, count, sw, c, rowStride int)
//
// For each of count output pixels x (c channels each, contiguous):
//
//	out[x][ch] = act((Σ_ky Σ_kx in[ky·rowStride + (x·sw + kx)·c + ch] · f[(ky·kw + kx)·c + ch]) + bias[ch])
//
// taps added from zero in order of ky then kx, one fused multiply-add each,
// then the bias (0 when nil), then the activation. rowStride is in elements.
func dw2d(a *asm, s isa, kh, kw, act int) string {
	name := fmt.Sprintf("dw2d%s_%dx%d_%s", s.name, kh, kw, actNames[act])
	fmt.Fprintf(a, "// func %s(out, in, f, bias *float32, count, sw, c, rowStride int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, %s-64\n", name, dwFrame)
	dwPrologue(a, s, act)
	rows := []string{"AX", "BX", "DX", "SI", "R10"}[:kh]
	block := func(tag, kind, mask string) {
		fR := func(ky, kx int) string { return fmt.Sprintf("%s%d", kind, 5+ky*kw+kx) }
		// Filter taps into registers; filter rows are kw·c·4 bytes apart.
		a.op("MOVQ 16(SP), R11")
		if kw == 5 {
			a.op("LEAQ (R8)(R8*4), R13")
		}
		for ky := 0; ky < kh; ky++ {
			for kx := 0; kx < kw; kx++ {
				dwLoad(a, s, mask, tapAddr("R11", kx), fR(ky, kx))
			}
			if ky < kh-1 {
				if kw == 5 {
					a.op("ADDQ R13, R11")
				} else {
					a.op("ADDQ R9, R11")
				}
			}
		}
		dwBias(a, s, name, tag, kind, mask)
		a.op("MOVQ rowStride+56(FP), R11")
		a.op("SHLQ $2, R11")
		a.op("MOVQ 8(SP), %s", rows[0])
		for ky := 1; ky < kh; ky++ {
			a.op("LEAQ (%s)(R11*1), %s", rows[ky-1], rows[ky])
		}
		a.op("MOVQ 0(SP), DI")
		a.op("MOVQ count+32(FP), CX")
		loop := fmt.Sprintf("%s_%s_px", name, tag)
		a.label(loop)
		acc := kind + "0"
		if s.name == "512" && kind == "Z" {
			a.op("VPXORD %s, %s, %s", acc, acc, acc)
		} else {
			a.op("VXORPS %s, %s, %s", acc, acc, acc)
		}
		for ky := 0; ky < kh; ky++ {
			for kx := 0; kx < kw; kx++ {
				m := tapAddr(rows[ky], kx)
				switch mask {
				case "K1":
					a.op("VFMADD231PS %s, %s, K1, %s", m, fR(ky, kx), acc)
				case "Y15":
					a.op("VMASKMOVPS %s, Y15, Y4", m)
					a.op("VFMADD231PS Y4, %s, %s", fR(ky, kx), acc)
				default:
					a.op("VFMADD231PS %s, %s, %s", m, fR(ky, kx), acc)
				}
			}
		}
		// The bias (zero when nil, which changes no sum) after the taps.
		a.op("VADDPS %s1, %s, %s", kind, acc, acc)
		dwFinish(a, act, kind, mask)
		a.op("ADDQ R8, DI")
		for _, r := range rows {
			a.op("ADDQ R12, %s", r)
		}
		a.op("DECQ CX")
		a.op("JNE %s", loop)
	}
	dwBlocks(a, s, name, block)
	return name
}

package main

import "fmt"

// rowAddr returns the address of row r of a tile whose rows are lda bytes
// apart: rows come in groups of four with one base register per group, and
// stride registers hold 1×lda and 3×lda.
func rowAddr(r int, bases []string, s1, s3 string, disp int) string {
	base := bases[r/4]
	d := ""
	if disp != 0 {
		d = fmt.Sprint(disp)
	}
	switch r % 4 {
	case 0:
		return fmt.Sprintf("%s(%s)", d, base)
	case 1:
		return fmt.Sprintf("%s(%s)(%s*1)", d, base, s1)
	case 2:
		return fmt.Sprintf("%s(%s)(%s*2)", d, base, s1)
	default:
		return fmt.Sprintf("%s(%s)(%s*1)", d, base, s3)
	}
}

// sixBits is float32(6) as bits, for Relu6.
const sixBits = "0x40C00000"

// col is one column vector of a GEMM tile: its register kind ("Z": 16
// lanes, "Y": 8 lanes) and whether only some lanes are valid (a lane mask
// in K1 for AVX-512, in Y15 for AVX2).
type col struct {
	kind   string
	masked bool
}

func (c col) String() string {
	if c.masked {
		return c.kind + "m"
	}
	return c.kind
}

func (c col) bytes() int {
	if c.kind == "Z" {
		return 64
	}
	return 32
}

// gemm writes the GEMM micro-kernel for a tile of mr rows by the column
// vectors cols.
//
// func gemmS_MR_COLS(k int, a *float32, lda int, b *float32, ldb int,
//
//	c *float32, ldc int, bias *float32, act int, tail int, res *float32, act2 int)
//
// The tile is C[r][j] = act((Σ_p A[r][p]·B[p][j]) + bias[j]) for r < mr and
// j across cols: the products summed from zero in order of p with one fused
// multiply-add each, then the bias added, then the activation, as TF.js
// does. With a residual res (laid out like C, row stride ldc), the result
// then becomes act2(C[r][j] + res[r][j]): a residual Add (and its Relu)
// that followed the convolution, fused so its output is written once. Strides are in elements. A masked column's valid lanes
// are given by tail: for AVX-512 as a lane mask (1<<lanes)-1, for AVX2 as a
// lane count.
//
// With AVX-512 the last column of an 8-lanes-wide tail is a plain 8-lane
// vector rather than a masked 16-lane one: masked 16-lane accesses whose
// footprint crosses a cache line are several times slower on the machines
// measured, and a row of 24 floats makes every other row cross one.
func gemm(a *asm, s isa, mr int, cols []col) string {
	spec := ""
	masked := false
	for _, c := range cols {
		spec += c.String()
		masked = masked || c.masked
	}
	name := fmt.Sprintf("gemm%s_%d_%s", s.name, mr, spec)
	nv := len(cols)
	vr := func(kind string, i int) string { return fmt.Sprintf("%s%d", kind, i) }
	acc := func(r, v int) string { return vr(cols[v].kind, r*nv+v) }
	accZ := func(r, v int) string { return s.r(r*nv + v) } // whole register
	breg := func(v int) string { return vr(cols[v].kind, 2*s.maxMR+v) }
	bases := []string{"SI", "R10", "R11"}
	// The broadcast of A[r][p]; 8-lane columns use its low half.
	bcast := func(r, v int) string { return vr(cols[v].kind, 26+r%4) }
	bcastFull := func(r int) string { return s.r(26 + r%4) }
	if s.name == "256" {
		if masked {
			bcast = func(int, int) string { return "Y14" }
		} else {
			bcast = func(r, _ int) string { return s.r(14 + r%2) }
		}
		bcastFull = func(r int) string { return bcast(r, 0) }
	}

	fmt.Fprintf(a, "// func %s(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32, act int, tail int, res *float32, act2 int)\n", name)
	fmt.Fprintf(a, "TEXT ·%s(SB), NOSPLIT, $0-96\n", name)
	a.op("MOVQ k+0(FP), CX")
	a.op("MOVQ a+8(FP), SI")
	a.op("MOVQ lda+16(FP), R8")
	a.op("SHLQ $2, R8")
	a.op("LEAQ (R8)(R8*2), R9")
	if mr > 4 {
		a.op("LEAQ (SI)(R8*4), R10")
	}
	if mr > 8 {
		a.op("LEAQ (R10)(R8*4), R11")
	}
	a.op("MOVQ b+24(FP), BX")
	a.op("MOVQ ldb+32(FP), DX")
	a.op("SHLQ $2, DX")
	if masked {
		if s.name == "512" {
			a.op("MOVQ tail+72(FP), AX")
			a.op("KMOVW AX, K1")
		} else {
			a.op("MOVQ tail+72(FP), AX")
			a.op("NEGQ AX")
			a.op("LEAQ maskTab<>(SB), R12")
			a.op("LEAQ 32(R12)(AX*4), R12")
			a.op("VMOVDQU (R12), Y15")
		}
	}
	offs := make([]int, nv)
	for v := 1; v < nv; v++ {
		offs[v] = offs[v-1] + cols[v-1].bytes()
	}
	mem := func(base string, v int) string {
		if offs[v] == 0 {
			return "(" + base + ")"
		}
		return fmt.Sprintf("%d(%s)", offs[v], base)
	}
	load := func(v int, m, dst string) string {
		switch {
		case !cols[v].masked:
			return fmt.Sprintf("VMOVUPS %s, %s", m, dst)
		case s.name == "512":
			return fmt.Sprintf("VMOVUPS.Z %s, K1, %s", m, dst)
		default:
			return fmt.Sprintf("VMASKMOVPS %s, Y15, %s", m, dst)
		}
	}
	store := func(v int, src, m string) string {
		switch {
		case !cols[v].masked:
			return fmt.Sprintf("VMOVUPS %s, %s", src, m)
		case s.name == "512":
			return fmt.Sprintf("VMOVUPS %s, K1, %s", src, m)
		default:
			return fmt.Sprintf("VMASKMOVPS %s, Y15, %s", src, m)
		}
	}
	zeroAll := func(r string) {
		if s.name == "512" {
			a.op("VPXORD %s, %s, %s", r, r, r)
		} else {
			a.op("VXORPS %s, %s, %s", r, r, r)
		}
	}

	// Accumulators start at zero; the bias is added after the whole sum
	// (TF.js's order of operations), in the store.
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			zeroAll(accZ(r, v))
		}
	}
	a.op("TESTQ CX, CX")
	a.op("JEQ %s_store", name)

	// One step of k: load the B vectors, then for each row broadcast
	// A[r][p] and multiply-add it into the row's accumulators.
	a.label(name + "_loop")
	for v := 0; v < nv; v++ {
		a.op(load(v, mem("BX", v), breg(v)))
	}
	for r := 0; r < mr; r++ {
		a.op("VBROADCASTSS %s, %s", rowAddr(r, bases, "R8", "R9", 0), bcastFull(r))
		for v := 0; v < nv; v++ {
			a.op("VFMADD231PS %s, %s, %s", breg(v), bcast(r, v), acc(r, v))
		}
	}
	a.op("ADDQ $4, SI")
	if mr > 4 {
		a.op("ADDQ $4, R10")
	}
	if mr > 8 {
		a.op("ADDQ $4, R11")
	}
	a.op("ADDQ DX, BX")
	a.op("DECQ CX")
	a.op("JNE %s_loop", name)

	// Bias, activation, then the stores.
	a.label(name + "_store")
	a.op("MOVQ bias+56(FP), AX")
	a.op("TESTQ AX, AX")
	a.op("JEQ %s_nobias", name)
	for v := 0; v < nv; v++ {
		a.op(load(v, mem("AX", v), breg(v)))
	}
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			a.op("VADDPS %s, %s, %s", breg(v), acc(r, v), acc(r, v))
		}
	}
	a.label(name + "_nobias")
	a.op("MOVQ c+40(FP), SI")
	a.op("MOVQ ldc+48(FP), R8")
	a.op("SHLQ $2, R8")
	a.op("LEAQ (R8)(R8*2), R9")
	if mr > 4 {
		a.op("LEAQ (SI)(R8*4), R10")
	}
	if mr > 8 {
		a.op("LEAQ (R10)(R8*4), R11")
	}
	zero, six := s.r(2*s.maxMR), s.r(2*s.maxMR+1)
	if s.name == "256" {
		zero, six = "Y12", "Y13"
	}
	low := func(full string, v int) string { return cols[v].kind + full[1:] }
	// activation emits Relu or Relu6 on every accumulator, chosen at run
	// time by the value of argument arg (0 none, 1 Relu, 2 Relu6).
	activation := func(arg, tag string) {
		done := fmt.Sprintf("%s_%s_done", name, tag)
		a.op("MOVQ %s(FP), CX", arg)
		a.op("TESTQ CX, CX")
		a.op("JEQ %s", done)
		zeroAll(zero)
		// max(0, x) written so that a NaN x passes through, as in the Go code.
		for r := 0; r < mr; r++ {
			for v := 0; v < nv; v++ {
				a.op("VMAXPS %s, %s, %s", acc(r, v), low(zero, v), acc(r, v))
			}
		}
		a.op("CMPQ CX, $2")
		a.op("JNE %s", done)
		a.op("MOVL $%s, AX", sixBits)
		if s.name == "512" {
			a.op("VPBROADCASTD AX, %s", six)
		} else {
			a.op("VMOVD AX, X13")
			a.op("VBROADCASTSS X13, Y13")
		}
		for r := 0; r < mr; r++ {
			for v := 0; v < nv; v++ {
				a.op("VMINPS %s, %s, %s", acc(r, v), low(six, v), acc(r, v))
			}
		}
		a.label(done)
	}
	activation("act+64", "act")

	// The residual, laid out like C (same row stride): DX holds its
	// distance from C in bytes, AX, BX and R12 the row-group bases.
	a.op("MOVQ res+80(FP), DX")
	a.op("TESTQ DX, DX")
	a.op("JEQ %s_write", name)
	a.op("SUBQ SI, DX")
	resBases := []string{"AX", "BX", "R12"}
	for g := 0; g*4 < mr; g++ {
		a.op("LEAQ (%s)(DX*1), %s", bases[g], resBases[g])
	}
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			m := rowAddr(r, resBases, "R8", "R9", offs[v])
			switch {
			case !cols[v].masked:
				a.op("VADDPS %s, %s, %s", m, acc(r, v), acc(r, v))
			case s.name == "512":
				a.op("VADDPS %s, %s, K1, %s", m, acc(r, v), acc(r, v))
			default:
				a.op("VMASKMOVPS %s, Y15, Y14", m)
				a.op("VADDPS Y14, %s, %s", acc(r, v), acc(r, v))
			}
		}
	}
	activation("act2+88", "act2")
	a.label(name + "_write")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			a.op(store(v, acc(r, v), rowAddr(r, bases, "R8", "R9", offs[v])))
		}
	}
	a.op("VZEROUPPER")
	a.op("RET")
	a.WriteString("\n")
	return name
}

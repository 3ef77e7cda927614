package kernel

// BiasAct applies a per-channel bias and then act in place: x holds rows of
// len(bias) channels (len(x) must be a multiple of len(bias)); x[i] becomes
// act(x[i] + bias[i mod len(bias)]). With a nil bias only act is applied.
//
// The runtime calls Gemm and Depthwise without bias and finishes with
// BiasAct, because that is TF.js's order of operations (sum the products,
// then add the bias, then activate): with the portable kernels the results
// are then bit-identical to TF.js's cpu backend.
func BiasAct(x, bias []float32, act Act) {
	biasActGeneric(x, bias, act)
}

func biasActGeneric(x, bias []float32, act Act) {
	c := len(bias)
	switch {
	case c == 0:
		actOnly(x, act)
	case c == 1:
		b := bias[0]
		switch act {
		case ActNone:
			for i := range x {
				x[i] += b
			}
		case ActRelu:
			for i, v := range x {
				x[i] = max(v+b, 0)
			}
		case ActRelu6:
			for i, v := range x {
				x[i] = min(max(v+b, 0), 6)
			}
		}
	default:
		for off := 0; off+c <= len(x); off += c {
			row := x[off : off+c : off+c]
			switch act {
			case ActNone:
				for j, b := range bias {
					row[j] += b
				}
			case ActRelu:
				for j, b := range bias {
					row[j] = max(row[j]+b, 0)
				}
			case ActRelu6:
				for j, b := range bias {
					row[j] = min(max(row[j]+b, 0), 6)
				}
			}
		}
	}
}

// actOnly applies act to every element of x.
func actOnly(x []float32, act Act) {
	switch act {
	case ActRelu:
		for i, v := range x {
			x[i] = max(v, 0)
		}
	case ActRelu6:
		for i, v := range x {
			x[i] = min(max(v, 0), 6)
		}
	}
}

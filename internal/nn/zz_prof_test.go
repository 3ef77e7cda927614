package nn

import (
	"context"
	"fmt"
	"golang.org/x/sys/unix"
	"os"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"
)

func TestZZProfile(t *testing.T) {
	name := os.Getenv("PROF_MODEL")
	if name == "" {
		t.Skip()
	}
	th, _ := strconv.Atoi(os.Getenv("PROF_THREADS"))
	m := loadModel(t, name)
	r, err := m.NewRunner(Options{Threads: max(th, 1)})
	if err != nil {
		t.Fatal(err)
	}
	fillLCG(r, 1)
	for range 3 {
		r.Run(context.Background())
	}
	ops, err := r.Profile(context.Background(), 15)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]float64{}
	tot := 0.0
	for _, o := range ops {
		k := o.Op
		if len(o.Desc) > 3 && (o.Desc[:3] == "dw " || o.Desc[:3] == "1x1" || o.Desc[:4] == "conv") {
			k = o.Desc[:4]
		}
		byKind[k] += o.MS
		tot += o.MS
	}
	fmt.Printf("total %.2f ms, %d ops\n", tot, len(ops))
	type kv struct {
		k string
		v float64
	}
	var kvs []kv
	for k, v := range byKind {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v })
	for _, x := range kvs {
		fmt.Printf("  %-28s %7.2f ms %5.1f%%\n", x.k, x.v, 100*x.v/tot)
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].MS > ops[j].MS })
	n, _ := strconv.Atoi(os.Getenv("PROF_TOP"))
	if n == 0 {
		n = 25
	}
	for _, o := range ops[:min(n, len(ops))] {
		gf := 0.0
		if o.MS > 0 {
			gf = 2 * float64(o.MACs) / o.MS / 1e6
		}
		fmt.Printf("  %6.3f ms %6.1f GF/s %-22s %-45s %s\n", o.MS, gf, o.Op, o.Desc, o.Node)
	}
}

func TestZZDump(t *testing.T) {
	name := os.Getenv("DUMP_MODEL")
	if name == "" {
		t.Skip()
	}
	m := loadModel(t, name)
	for i, o := range m.ops {
		b := o.base()
		var ins []string
		for _, v := range b.in {
			ins = append(ins, fmt.Sprintf("%s%v", m.values[v].name, m.values[v].shape))
		}
		fmt.Printf("%3d %-26s %-45s <- %v\n", i, b.kind, describeOp(o, m.values), ins)
		fmt.Printf("      => %s\n", m.values[b.out[0]].name)
	}
}

func threadCPUz() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

func TestZZTime(t *testing.T) {
	if os.Getenv("ZZTIME") == "" {
		t.Skip()
	}
	runs, _ := strconv.Atoi(os.Getenv("ZZRUNS"))
	if runs == 0 {
		runs = 15
	}
	models := allModels
	if m := os.Getenv("ZZMODEL"); m != "" {
		models = []string{m}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, name := range models {
		m := loadModel(t, name)
		th, _ := strconv.Atoi(os.Getenv("ZZTHREADS"))
		r, _ := m.NewRunner(Options{Threads: max(1, th)})
		fillLCG(r, 1)
		ctx := context.Background()
		for range 3 {
			r.Run(ctx)
		}
		var wall, cpu []float64
		for range runs {
			c0 := threadCPUz()
			t0 := time.Now()
			r.Run(ctx)
			wall = append(wall, float64(time.Since(t0).Microseconds())/1000)
			cpu = append(cpu, float64(threadCPUz()-c0)/1e6)
		}
		sort.Float64s(wall)
		sort.Float64s(cpu)
		fmt.Printf("%-20s wall med %7.2f min %7.2f | cpu med %7.2f min %7.2f\n", name, wall[runs/2], wall[0], cpu[runs/2], cpu[0])
	}
}

func TestZZInter(t *testing.T) {
	if os.Getenv("ZZINTER") == "" {
		t.Skip()
	}
	runs, _ := strconv.Atoi(os.Getenv("ZZRUNS"))
	if runs == 0 {
		runs = 21
	}
	models := allModels
	if m := os.Getenv("ZZMODEL"); m != "" {
		models = []string{m}
	}
	ctx := context.Background()
	for _, name := range models {
		m := loadModel(t, name)
		r1, _ := m.NewRunner(Options{Threads: 1})
		r2, _ := m.NewRunner(Options{Threads: 2})
		fillLCG(r1, 1)
		fillLCG(r2, 1)
		for range 3 {
			r1.Run(ctx)
			r2.Run(ctx)
		}
		var w1, w2 []float64
		for range runs {
			t0 := time.Now()
			r1.Run(ctx)
			w1 = append(w1, float64(time.Since(t0).Microseconds())/1000)
			t0 = time.Now()
			r2.Run(ctx)
			w2 = append(w2, float64(time.Since(t0).Microseconds())/1000)
		}
		sort.Float64s(w1)
		sort.Float64s(w2)
		fmt.Printf("%-20s 1t med %7.2f min %7.2f | 2t med %7.2f min %7.2f | ratio %.2f\n", name, w1[runs/2], w1[0], w2[runs/2], w2[0], w1[runs/2]/w2[runs/2])
		r2.Close()
	}
}

func TestZZProf2(t *testing.T) {
	name := os.Getenv("PROF2")
	if name == "" {
		t.Skip()
	}
	m := loadModel(t, name)
	r1, _ := m.NewRunner(Options{Threads: 1})
	r2, _ := m.NewRunner(Options{Threads: 2})
	fillLCG(r1, 1)
	fillLCG(r2, 1)
	ctx := context.Background()
	for range 3 {
		r1.Run(ctx)
		r2.Run(ctx)
	}
	p1, _ := r1.Profile(ctx, 21)
	p2, _ := r2.Profile(ctx, 21)
	type row struct {
		i      int
		a, b   float64
	}
	var rows []row
	t1, t2 := 0.0, 0.0
	small1, small2 := 0.0, 0.0
	for i := range p1 {
		rows = append(rows, row{i, p1[i].MS, p2[i].MS})
		t1 += p1[i].MS
		t2 += p2[i].MS
		if p1[i].MS < 0.03 {
			small1 += p1[i].MS
			small2 += p2[i].MS
		}
	}
	fmt.Printf("total 1t %.2f 2t %.2f; ops < 30us: 1t %.2f 2t %.2f\n", t1, t2, small1, small2)
	sort.Slice(rows, func(i, j int) bool { return rows[i].a > rows[j].a })
	for _, r := range rows[:30] {
		fmt.Printf("  %6.3f %6.3f x%.2f %-22s %s\n", r.a, r.b, r.a/r.b, p1[r.i].Op, p1[r.i].Desc)
	}
}

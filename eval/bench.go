package eval

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/builtin"
	"github.com/ghostline/ghostline/retrieval"
)

// BuiltinBench is what BenchBuiltin measured.
type BuiltinBench struct {
	Repo     string
	Files    int
	Train    time.Duration
	Stats    builtin.Stats
	HeapMB   float64 // live heap after training and a GC
	RSSMB    float64 // resident set after training, once freed memory went back to the OS
	PeakMB   float64 // the process's peak resident set (VmHWM)
	Cursors  int
	Complete []time.Duration
}

// BenchBuiltin trains the built-in model on every file under root, then
// completes at n cursors drawn as Completion draws them (with in-file
// prompts), timing each Complete.
func BenchBuiltin(ctx context.Context, root string, n int, seed uint64) (BuiltinBench, error) {
	b := BuiltinBench{Repo: root}
	files, err := ListFiles(ctx, root)
	if err != nil {
		return b, err
	}
	b.Files = len(files)
	m := builtin.New(builtin.Options{})
	t0 := time.Now()
	if err := Train(ctx, m, files, nil); err != nil {
		return b, err
	}
	b.Train = time.Since(t0)
	b.Stats = m.Stats()
	debug.FreeOSMemory() // a GC, and what it freed goes back to the OS
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.HeapMB = float64(ms.HeapAlloc) / (1 << 20)
	b.RSSMB, b.PeakMB = procStatusMB("VmRSS"), procStatusMB("VmHWM")

	samples, err := Draw(files, n, seed)
	if err != nil {
		return b, err
	}
	b.Cursors = len(samples)
	for _, s := range samples {
		p := retrieval.InFile(retrieval.Query{Path: s.File.Abs, Language: s.File.Language, Text: s.Text, Offset: s.Offset})
		t := time.Now()
		if _, err := m.Complete(ctx, model.Request{Prefix: p.Prefix, Suffix: p.Suffix, Language: s.File.Language, Path: s.File.Path, SingleLine: true}); err != nil {
			return b, err
		}
		b.Complete = append(b.Complete, time.Since(t))
	}
	runtime.KeepAlive(m)
	return b, nil
}

// procStatusMB reads a kB field of /proc/self/status (0 where there is none).
func procStatusMB(field string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// Write prints the figures.
func (b BuiltinBench) Write(w io.Writer) error {
	_, err := fmt.Fprintf(w, `built-in model on %s
training:  %d files in %.1fs (GOMAXPROCS %d): %d distinct tokens, %d contexts, %d overflow counts, %d contexts pruned
memory:    heap %.0f MB, RSS %.0f MB after training, peak RSS %.0f MB
complete:  %d cursors, p50 %.2f ms, p99 %.2f ms, max %.2f ms
`, b.Repo, b.Files, b.Train.Seconds(), runtime.GOMAXPROCS(0), b.Stats.Vocab, b.Stats.Contexts, b.Stats.Overflow, b.Stats.Pruned,
		b.HeapMB, b.RSSMB, b.PeakMB,
		b.Cursors, ms(Percentile(b.Complete, 50)), ms(Percentile(b.Complete, 99)), ms(Percentile(b.Complete, 100)))
	return err
}

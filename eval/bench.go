package eval

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/builtin"
	"github.com/ghostline/ghostline/retrieval"
)

// BuiltinBench is what BenchBuiltin measured.
type BuiltinBench struct {
	Repo    string
	Files   int
	Train   time.Duration
	Stats   builtin.Stats
	HeapMB  float64 // live heap after training and a GC
	RSSMB   float64 // resident set after training, once freed memory went back to the OS
	PeakMB  float64 // the process's peak resident set (VmHWM)
	Cursors int
	// Complete times the model call on in-file prompts; Retrieved on the
	// prompts retrieval assembles (what the engine sends with retrieval on),
	// empty when retrieval was off. Index is the retrieval index's build.
	Complete  []time.Duration
	Retrieved []time.Duration
	Index     time.Duration
	// Save and Restore time the model's snapshot (what a later start reads
	// instead of training) of SnapshotMB; Restore is the median of 5.
	Save, Restore time.Duration
	SnapshotMB    float64
}

// BenchBuiltin trains the built-in model on every file under root, then
// completes at n cursors drawn as Completion draws them, timing each
// Complete: once on the in-file prompt and, with withRetrieval, once on the
// prompt a retrieval index of root (built into a temporary directory)
// assembles. Only the model call is timed.
func BenchBuiltin(ctx context.Context, root string, n int, seed uint64, withRetrieval bool) (BuiltinBench, error) {
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
	if err := b.timeSnapshot(m); err != nil {
		return b, err
	}

	samples, err := Draw(files, n, seed)
	if err != nil {
		return b, err
	}
	b.Cursors = len(samples)
	var asm Assembler
	if withRetrieval {
		t0 := time.Now()
		x, done, err := openIndex(ctx, root, "", nil)
		if err != nil {
			return b, fmt.Errorf("bench builtin: %w", err)
		}
		defer done()
		b.Index, asm = time.Since(t0), x
	}
	for _, s := range samples {
		q := retrieval.Query{Path: s.File.Abs, Language: s.File.Language, Text: s.Text, Offset: s.Offset}
		d, err := timeComplete(ctx, m, s, retrieval.InFile(q))
		if err != nil {
			return b, err
		}
		b.Complete = append(b.Complete, d)
		if asm == nil {
			continue
		}
		p, err := asm.Assemble(ctx, q)
		if err != nil {
			return b, fmt.Errorf("bench builtin: assemble %s: %w", s.File.Path, err)
		}
		if d, err = timeComplete(ctx, m, s, p); err != nil {
			return b, err
		}
		b.Retrieved = append(b.Retrieved, d)
	}
	runtime.KeepAlive(m)
	return b, nil
}

// timeSnapshot times saving m and restoring it into a fresh model.
func (b *BuiltinBench) timeSnapshot(m *builtin.Model) error {
	var buf bytes.Buffer
	t0 := time.Now()
	if err := m.Save(&buf, nil); err != nil {
		return fmt.Errorf("bench builtin: save: %w", err)
	}
	b.Save, b.SnapshotMB = time.Since(t0), float64(buf.Len())/(1<<20)
	var runs []time.Duration
	for range 5 {
		t0 := time.Now()
		if _, err := builtin.New(builtin.Options{}).Restore(buf.Bytes()); err != nil {
			return fmt.Errorf("bench builtin: restore: %w", err)
		}
		runs = append(runs, time.Since(t0))
	}
	b.Restore = Percentile(runs, 50)
	return nil
}

// timeComplete times the model's answer to one prompt, as the pipeline
// asks for it.
func timeComplete(ctx context.Context, m model.Backend, s Sample, p retrieval.Prompt) (time.Duration, error) {
	t := time.Now()
	if _, err := m.Complete(ctx, model.Request{Prefix: p.Prefix, Suffix: p.Suffix, Language: s.File.Language, Path: s.File.Path, SingleLine: true}); err != nil {
		return 0, fmt.Errorf("bench builtin: complete %s: %w", s.File.Path, err)
	}
	return time.Since(t), nil
}

// openIndex indexes root into dir (a temporary directory when empty) and
// waits for the first pass; done closes the index and removes a temporary
// directory.
func openIndex(ctx context.Context, root, dir string, onFile func(path string, src []byte)) (x *retrieval.Index, done func(), err error) {
	tmp := ""
	if dir == "" {
		if dir, err = os.MkdirTemp("", "ghostline-eval-index-"); err != nil {
			return nil, nil, err
		}
		tmp = dir
	}
	c := config.Defaults().Retrieval
	c.IndexDir = dir
	if x, err = retrieval.Open(ctx, root, c, retrieval.Options{OnFile: onFile}); err == nil {
		if err = x.Wait(ctx); err != nil {
			x.Close()
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	return x, func() { x.Close(); os.RemoveAll(tmp) }, nil
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
snapshot:  %.1f MB, saved in %.0f ms, restored in %.0f ms (median of 5; what a warm start reads instead of training)
complete:  %d cursors, in-file prompts:   p50 %.2f ms, p99 %.2f ms, max %.2f ms
`, b.Repo, b.Files, b.Train.Seconds(), runtime.GOMAXPROCS(0), b.Stats.Vocab, b.Stats.Contexts, b.Stats.Overflow, b.Stats.Pruned,
		b.HeapMB, b.RSSMB, b.PeakMB,
		b.SnapshotMB, ms(b.Save), ms(b.Restore),
		b.Cursors, ms(Percentile(b.Complete, 50)), ms(Percentile(b.Complete, 99)), ms(Percentile(b.Complete, 100)))
	if err != nil || len(b.Retrieved) == 0 {
		return err
	}
	_, err = fmt.Fprintf(w, "complete:  %d cursors, retrieved prompts: p50 %.2f ms, p99 %.2f ms, max %.2f ms (index built in %.1fs)\n",
		len(b.Retrieved), ms(Percentile(b.Retrieved, 50)), ms(Percentile(b.Retrieved, 99)), ms(Percentile(b.Retrieved, 100)), b.Index.Seconds())
	return err
}

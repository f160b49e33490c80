package eval

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ghostline/ghostline/retrieval"
)

// BenchReport holds the retrieval benchmark's figures.
type BenchReport struct {
	Repo          string
	Files, Chunks int
	Bytes         int64
	ColdIndex     time.Duration
	PeakRSS       int64 // bytes, VmHWM of this process
	IndexBytes    int64
	Reindex       []time.Duration // one edited file each, sorted
	// Settle is how long the merges the edits set off took to end after
	// the last one; Assemble is timed after them.
	Settle   time.Duration
	Assemble []time.Duration // sorted
	// SlowReindex and SlowAssemble are the slowest samples, slowest
	// first: what the tail has in common.
	SlowReindex, SlowAssemble []Slow
	Eval                      Report
}

// Slow is one of the slowest samples of a timing.
type Slow struct {
	Path  string // repository-relative
	Bytes int    // of the file
	Took  time.Duration
}

// settleMax bounds the wait for the edits' merges before Assemble is
// timed: a burst of 400 writes leaves merges that would otherwise be timed
// as Assemble's tail (scorch merging competes for the CPU), which typing,
// a write every few hundred milliseconds, does not.
const settleMax = time.Minute

// slowShown is how many of the slowest samples the report names.
const slowShown = 3

// Bench indexes o.Repo from scratch into o.Config.IndexDir (which should be
// empty), then times re-indexing single edited files and assembling
// prompts at o.Samples cursors, then runs the evaluation on the same index.
func Bench(ctx context.Context, o Options) (BenchReport, error) {
	r := BenchReport{Repo: o.Repo}
	t0 := time.Now()
	x, err := retrieval.Open(ctx, o.Repo, o.Config, retrieval.Options{Progress: o.Progress})
	if err != nil {
		return r, err
	}
	if err := x.Wait(ctx); err != nil {
		x.Close()
		return r, err
	}
	r.ColdIndex = time.Since(t0)
	r.PeakRSS = peakRSS()
	st := x.Stats()
	r.Files, r.Chunks, r.Bytes = st.Files, st.Chunks, st.Bytes

	var files []*file
	if err := retrieval.Walk(ctx, o.Repo, func(f retrieval.File) error {
		if evalLanguages[f.Language] {
			files = append(files, &file{rel: f.Path, abs: f.Abs, lang: f.Language})
		}
		return nil
	}); err != nil {
		x.Close()
		return r, err
	}
	samples, err := draw(files, o.Samples, o.Seed, o.Budget, 0)
	if err != nil {
		x.Close()
		return r, err
	}
	if err := r.timeSamples(ctx, x, samples, o.CPUProfile); err != nil {
		x.Close()
		return r, err
	}
	// Measured last: segments merged away by the cold pass's final merge
	// stay on disk until later snapshots are persisted (the edits above),
	// and would count twice right after Wait.
	r.IndexBytes = x.Stats().IndexBytes
	if err := x.Close(); err != nil {
		return r, err
	}
	r.Eval, err = Run(ctx, o)
	return r, err
}

// timeSamples times re-indexing an edit at each of the first 200 samples
// and, once the merges those edits set off have ended, assembling the
// prompt at every one, profiling both when prof is not nil.
func (r *BenchReport) timeSamples(ctx context.Context, x *retrieval.Index, samples []sample, prof io.Writer) error {
	if prof != nil {
		if err := pprof.StartCPUProfile(prof); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var slowRe, slowAs []Slow
	for _, s := range samples[:min(len(samples), 200)] {
		edited := s.q.Text[:s.q.Offset] + "x" + s.q.Text[s.q.Offset:]
		t := time.Now()
		if err := x.UpdateNow(ctx, s.q.Path, edited); err != nil {
			return err
		}
		d := time.Since(t)
		r.Reindex = append(r.Reindex, d)
		slowRe = append(slowRe, Slow{s.file.rel, len(s.file.text), d})
		// Put the file back as it is on disk.
		if err := x.UpdateNow(ctx, s.q.Path, s.file.text); err != nil {
			return err
		}
	}
	t := time.Now()
	sctx, cancel := context.WithTimeout(ctx, settleMax)
	err := x.Settle(sctx)
	cancel()
	if err != nil {
		return fmt.Errorf("bench: the index's merges did not end within %v of the last edit: %w", settleMax, err)
	}
	r.Settle = time.Since(t)
	for _, s := range samples {
		t := time.Now()
		if _, err := x.Assemble(ctx, s.q); err != nil {
			return err
		}
		d := time.Since(t)
		r.Assemble = append(r.Assemble, d)
		slowAs = append(slowAs, Slow{s.file.rel, len(s.file.text), d})
	}
	slices.Sort(r.Reindex)
	slices.Sort(r.Assemble)
	r.SlowReindex, r.SlowAssemble = slowest(slowRe), slowest(slowAs)
	return nil
}

// Write prints the figures.
func (r BenchReport) Write(w io.Writer) {
	fmt.Fprintf(w, "retrieval benchmark of %s\n", r.Repo)
	fmt.Fprintf(w, "cold index        %.1f s, %d files, %d chunks, %.1f MB of source\n", r.ColdIndex.Seconds(), r.Files, r.Chunks, float64(r.Bytes)/1e6)
	fmt.Fprintf(w, "peak RSS          %.0f MB (VmHWM)\n", float64(r.PeakRSS)/(1<<20))
	fmt.Fprintf(w, "index size        %.1f MB\n", float64(r.IndexBytes)/1e6)
	fmt.Fprintf(w, "re-index 1 file   p50 %.2f ms, p99 %.2f ms (%d edits)\n", ms(pct(r.Reindex, 50)), ms(pct(r.Reindex, 99)), len(r.Reindex))
	writeSlow(w, "  slowest", r.SlowReindex)
	fmt.Fprintf(w, "merges after them %.2f s (assemble waits for them)\n", r.Settle.Seconds())
	fmt.Fprintf(w, "assemble          p50 %.2f ms, p99 %.2f ms (%d cursors)\n", ms(pct(r.Assemble, 50)), ms(pct(r.Assemble, 99)), len(r.Assemble))
	writeSlow(w, "  slowest", r.SlowAssemble)
	fmt.Fprintln(w)
	r.Eval.Write(w, true)
}

// slowest returns the slowShown slowest of ss, slowest first.
func slowest(ss []Slow) []Slow {
	slices.SortStableFunc(ss, func(a, b Slow) int { return cmp.Compare(b.Took, a.Took) })
	return ss[:min(len(ss), slowShown)]
}

func writeSlow(w io.Writer, label string, ss []Slow) {
	if len(ss) == 0 {
		return
	}
	fmt.Fprintf(w, "%-17s", label)
	for i, s := range ss {
		if i > 0 {
			fmt.Fprint(w, ",")
		}
		fmt.Fprintf(w, " %.2f ms %s (%.0f KB)", ms(s.Took), s.Path, float64(s.Bytes)/1e3)
	}
	fmt.Fprintln(w)
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, len(d)*p/100)]
}

// peakRSS reads this process's peak resident set size (Linux); 0 elsewhere.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

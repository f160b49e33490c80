package offline

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/ranker"
)

// BenchCase is one request for MeasureLatency: a cursor at the end of a
// line of a real file, with the file's next line as the suggestion.
type BenchCase struct {
	Context    ranker.Context
	Suggestion ranker.Suggestion
}

// BenchCases builds up to n cases from the source files under root with
// extension ext (".go", ".py"), one cursor per file, half-way down.
func BenchCases(ctx context.Context, root, ext string, n int) ([]BenchCase, error) {
	language := lang.Of("x" + ext)
	var out []BenchCase
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil || len(out) >= n {
			return filepath.SkipAll
		}
		if err != nil {
			return nil // unreadable entries are skipped
		}
		if d.IsDir() || filepath.Ext(path) != ext {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		text := string(data)
		mid := strings.IndexByte(text[len(text)/2:], '\n')
		if mid < 0 {
			return nil
		}
		off := len(text)/2 + mid
		next, _, _ := strings.Cut(text[off+1:], "\n")
		now := time.Now()
		out = append(out, BenchCase{
			Context: ranker.Context{Language: language, Prefix: text[:off], Suffix: text[off:], Now: now,
				SinceKeystroke: 120 * time.Millisecond, TypingSpeed: 5, SinceShown: 3 * time.Second, SinceDecision: 8 * time.Second,
				RecentAcceptRate: 0.35, LastDecision: 0, LastRejected: strings.TrimSpace(next)},
			Suggestion: ranker.Suggestion{Text: "\n" + next, Confidence: -0.3, HasConfidence: true, Prompt: text[max(0, off-8000):off]},
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bench cases under %s: %w", root, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s files under %s", ext, root)
	}
	return out, nil
}

// Latency summarises per-call durations. CPU is the process's CPU time per
// call (0 where the system does not say): unlike the wall-clock figures it
// does not grow when other programs share the machine.
type Latency struct {
	N                        int
	Mean, P50, P99, Max, CPU time.Duration
}

func latency(ds []time.Duration, cpu time.Duration) Latency {
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	n := time.Duration(len(ds))
	return Latency{N: len(ds), Mean: sum / n, P50: ds[len(ds)/2], P99: ds[len(ds)*99/100], Max: ds[len(ds)-1], CPU: cpu / n}
}

// MeasureLatency times every gate call over rounds passes of the cases:
// each pass runs gate 1 on every case, then gate 2.
func MeasureLatency(g *ranker.Gate, cases []BenchCase, rounds int) (gate1, gate2 Latency) {
	var d1, d2 []time.Duration
	var cpu1, cpu2 time.Duration
	for range max(rounds, 1) {
		c0 := processCPU()
		for _, c := range cases {
			t0 := time.Now()
			g.Before(c.Context)
			d1 = append(d1, time.Since(t0))
		}
		c1 := processCPU()
		for _, c := range cases {
			t0 := time.Now()
			g.After(c.Context, c.Suggestion)
			d2 = append(d2, time.Since(t0))
		}
		c2 := processCPU()
		cpu1, cpu2 = cpu1+c1-c0, cpu2+c2-c1
	}
	return latency(d1, cpu1), latency(d2, cpu2)
}

// WriteLatency prints one line per gate.
func WriteLatency(w io.Writer, name string, l Latency) {
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	cpu := "-"
	if l.CPU > 0 {
		cpu = fmt.Sprintf("%.1f µs", us(l.CPU))
	}
	fmt.Fprintf(w, "%-7s %7d calls  mean %6.1f µs (cpu %s)  p50 %6.1f µs  p99 %6.1f µs  max %7.1f µs\n", name, l.N, us(l.Mean), cpu, us(l.P50), us(l.P99), us(l.Max))
}

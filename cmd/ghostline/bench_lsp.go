package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ghostline/ghostline/lsp/lspbench"

	"github.com/ghostline/ghostline/telemetry"
)

// maxCallsPerKey is the most model calls a keystroke may cost in the
// replay (issue 17's budget: early starts at token ends included).
const maxCallsPerKey = 0.2

func init() {
	benchGroup.add(command{name: "lsp", summary: "LSP server overhead per keystroke, and model calls in a typing replay", run: runBenchLSP})
}

func runBenchLSP(ctx context.Context, args []string) error {
	fs := newFlags("bench lsp", "")
	n := fs.Int("n", 2000, "keystrokes to time for the overhead figures")
	lines := fs.Int("lines", 5000, "lines of Go (from GOROOT/src/net/http) in the document")
	replay := fs.Bool("replay", true, "also replay typing 300-odd characters (takes about 30 s)")
	pauses := fs.Int("pauses", 4, "pauses of about 500 ms in the replay, besides the end of typing")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the overhead keystrokes to `FILE` (for go tool pprof)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := setupLogging("", "warn"); err != nil {
		return err
	}
	text, err := lspbench.GoSource(*lines)
	if err != nil {
		return err
	}
	stopProfile, err := startProfiles(*cpuprofile, "")
	if err != nil {
		return err
	}
	o, err := lspbench.Overhead(ctx, text, *n)
	stopProfile()
	if err != nil {
		return fmt.Errorf("overhead: %w", err)
	}
	fmt.Printf("overhead per keystroke (didChange + inlineCompletion, instant model, %d-line Go file, %d keystrokes):\n", o.Lines, o.Keystrokes)
	fmt.Printf("  p50 %s   p99 %s   max %s   (targets: p50 <= 1ms, p99 <= 5ms)\n", benchMs(o.P50), benchMs(o.P99), benchMs(o.Max))
	if !*replay {
		return nil
	}
	doc, typed, err := lspbench.TypingSample()
	if err != nil {
		return err
	}
	r, err := lspbench.Replay(ctx, lspbench.ReplayOptions{Document: doc, Typed: typed, Pauses: *pauses, Seed: 1})
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	fmt.Printf("typing replay (%d keystrokes, 40-120 ms apart, default debounce settings, %s):\n", r.Keystrokes, r.Duration.Round(time.Second/10))
	perKey := float64(r.ModelCalls) / float64(r.Keystrokes)
	fmt.Printf("  pauses %d (%d + end of typing)   model calls %d (%.3f a keystroke; target <= %.1f)   requests answered %d   cancelled by the next keystroke %d\n",
		r.Pauses, r.Pauses-1, r.ModelCalls, perKey, maxCallsPerKey, r.Answered, r.Cancelled)
	// Every pause gets its call; the debounce may start some sooner, at
	// token ends, within the budget.
	if r.ModelCalls < r.Pauses || perKey > maxCallsPerKey {
		return fmt.Errorf("model calls %d for %d pauses and %d keystrokes", r.ModelCalls, r.Pauses, r.Keystrokes)
	}
	return nil
}

func benchMs(d time.Duration) string { return fmt.Sprintf("%.3fms", telemetry.Ms(d)) }

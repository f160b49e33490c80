package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ghostline/ghostline/lsp/lspbench"
	"github.com/ghostline/ghostline/lsp/lsptest"

	"github.com/ghostline/ghostline/telemetry"
)

func init() {
	benchGroup.add(command{
		name:    "typing",
		summary: "the cost of typing: `serve` over stdio on a typing replay against an instant fake model server (tabby-agent beside it with --tabby-agent)",
		run:     runBenchTyping,
	})
}

func runBenchTyping(ctx context.Context, args []string) error {
	fs := newFlags("bench typing", "")
	target := replayFileFlags(fs)
	keys := fs.Int("keystrokes", 147, "keystrokes typed")
	pauses := fs.Int("pauses", 20, "pauses of 600-700 ms while typing, besides the end of typing")
	runs := fs.Int("runs", 2, "runs per server (alternating between servers)")
	seed := fs.Uint64("seed", 1, "random seed of the typing rhythm")
	settings := fs.String("settings", "", `more settings for ghostline as a JSON object of dotted keys, e.g. '{"completion.debounceMs":0}'`)
	tabby := fs.String("tabby-agent", "", "tabby-agent's `CLI` (dist/cli.js of `npm pack tabby-agent@1.5.0`), run alternately beside ghostline against a fake Tabby API")
	against := fs.String("against", "", "another ghostline `BINARY` (e.g. built from main) run alternately beside this one")
	memprofile := fs.String("memprofile", "", "write ghostline's heap profile at the end of the last run to `FILE`")
	cpuprofile := fs.String("cpuprofile", "", "write ghostline's CPU profile of the typing in the last run to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := setupLogging("", "warn"); err != nil {
		return err
	}
	repo, file, err := target.resolve(ctx)
	if err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	o := lspbench.TypingOptions{
		Repo: repo, File: file, Keystrokes: *keys, Pauses: *pauses, Seed: *seed,
		MinGap: 60 * time.Millisecond, MaxGap: 150 * time.Millisecond, Pause: 650 * time.Millisecond,
	}
	var extra map[string]any
	if *settings != "" {
		if err := json.Unmarshal([]byte(*settings), &extra); err != nil {
			return fmt.Errorf("%w: --settings: %v", errUsage, err)
		}
	}
	bins := []string{bin}
	if *against != "" {
		bins = append(bins, *against)
	}
	var results []lspbench.TypingResult
	for run := range *runs {
		for i, b := range bins {
			last := run == *runs-1 && i == 0
			r, err := typingRun(ctx, b, o, extra, profiles{cpu: pick(last, *cpuprofile), mem: pick(last, *memprofile)})
			if err != nil {
				return fmt.Errorf("%s run %d: %w", b, run+1, err)
			}
			if i > 0 {
				r.Server = "against"
			}
			results = append(results, r)
		}
		if *tabby != "" {
			r, err := tabbyRun(ctx, *tabby, o)
			if err != nil {
				return fmt.Errorf("tabby-agent run %d: %w", run+1, err)
			}
			results = append(results, r)
		}
	}
	fmt.Printf("typing replay: %d keystrokes %s-%s apart, %d pauses of %s±50ms (the last at the end), into %s of %s; instant fake model server\n",
		*keys, o.MinGap, o.MaxGap, *pauses+1, o.Pause, file, repo)
	printTyping(results)
	return nil
}

// typingRun runs ghostline's binary bin once, in a fresh home, against a
// fresh fake Ollama; profile asks for its CPU profile of the typing.
// profiles name the files for a run's profiles ("": none).
type profiles struct{ cpu, mem string }

func pick(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

func typingRun(ctx context.Context, bin string, o lspbench.TypingOptions, extra map[string]any, p profiles) (lspbench.TypingResult, error) {
	home, err := os.MkdirTemp("", "ghostline-bench-typing-")
	if err != nil {
		return lspbench.TypingResult{}, err
	}
	defer os.RemoveAll(home)
	ol := lsptest.NewOllama()
	defer ol.Close()
	srv := lspbench.Ghostline(bin, home, ol)
	for k, v := range extra {
		srv.Settings[k] = v
	}
	if p.mem != "" {
		srv.Args = append(srv.Args, "--memprofile", p.mem)
	}
	if p.cpu != "" {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return lspbench.TypingResult{}, err
		}
		srv.Args = append(srv.Args, "--pprof", addr)
		srv.Pprof, o.CPUProfile = "http://"+addr, p.cpu
	}
	return lspbench.Typing(ctx, srv, o)
}

// tabbyRun runs tabby-agent once, in a fresh home, against a fresh fake
// Tabby API.
func tabbyRun(ctx context.Context, cli string, o lspbench.TypingOptions) (lspbench.TypingResult, error) {
	home, err := os.MkdirTemp("", "ghostline-bench-tabby-")
	if err != nil {
		return lspbench.TypingResult{}, err
	}
	defer os.RemoveAll(home)
	api := lspbench.NewTabby()
	defer api.Close()
	srv, err := lspbench.TabbyAgent(cli, home, api)
	if err != nil {
		return lspbench.TypingResult{}, err
	}
	return lspbench.Typing(ctx, srv, o)
}

// bleveModule is the bleve module's folder in the Go module cache: a real
// repository nobody tuned on, for the typing benchmarks.
func bleveModule(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("%w: no --repo and no go toolchain to find the module cache: %v", errUsage, err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "github.com", "blevesearch", "bleve", "v2@v2.6.3"), nil
}

// printTyping prints one column per run.
func printTyping(rs []lspbench.TypingResult) {
	row := func(name string, f func(r lspbench.TypingResult) string) {
		fmt.Printf("  %-36s", name)
		for _, r := range rs {
			fmt.Printf(" %-22s", f(r))
		}
		fmt.Println()
	}
	row("", func(r lspbench.TypingResult) string { return r.Server })
	row("pause to answer p50 / p90", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%d / %d ms", r.PauseQuantile(0.5).Milliseconds(), r.PauseQuantile(0.9).Milliseconds())
	})
	row("pauses answered", func(r lspbench.TypingResult) string { return fmt.Sprintf("%d of %d", r.Answered, r.Pauses) })
	row("backend calls per keystroke", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%.3f (%d)", r.CallsPerKeystroke(), r.BackendCalls)
	})
	row("CPU while typing (net of idle)", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%.2f s", r.TypingCPU.Seconds())
	})
	row("CPU per keystroke", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%.1f ms", telemetry.Ms(r.CPUPerKeystroke()))
	})
	row("CPU idle", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%.1f ms/s", telemetry.Ms(r.IdleCPUPerSec))
	})
	row("CPU at start (indexing included)", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%.2f s in %.1f s", r.StartCPU.Seconds(), r.StartWall.Seconds())
	})
	row("CPU at a second start, same home", func(r lspbench.TypingResult) string {
		return fmt.Sprintf("%.2f s in %.1f s", r.RestartCPU.Seconds(), r.RestartWall.Seconds())
	})
	row("peak RSS", func(r lspbench.TypingResult) string { return fmt.Sprintf("%d MiB", r.PeakRSS>>20) })
	row("connections beyond loopback refused", func(r lspbench.TypingResult) string {
		if r.Refused < 0 {
			return "-"
		}
		return fmt.Sprint(r.Refused)
	})
}

// freeLoopbackAddr is a loopback address with a port free right now.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

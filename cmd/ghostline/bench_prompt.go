package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ghostline/ghostline/lsp/lspbench"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/ollamatest"
)

func init() {
	benchGroup.add(command{
		name:    "prompt-reuse",
		summary: "how much of each prompt a model server with a prompt cache must evaluate: a typing replay through `serve` against a logging fake Ollama, retrieval on and off",
		run:     runBenchPromptReuse,
	})
}

func runBenchPromptReuse(ctx context.Context, args []string) error {
	fs := newFlags("bench prompt-reuse", "")
	target := replayFileFlags(fs)
	funcs := fs.Int("functions", 5, "functions whose last lines are typed back")
	lines := fs.Int("lines", 3, "lines typed back at the end of each function")
	perToken := fs.Duration("token-cost", 250*time.Microsecond, "the fake server's time per prompt token its cache lacks (250µs: the tiny test model on one CPU thread)")
	bin := fs.String("bin", "", "ghostline binary to measure (default: this one)")
	seed := fs.Uint64("seed", 1, "random seed of the typing rhythm")
	which := fs.String("retrieval", "both", "replay with retrieval on, off or both")
	name := fs.String("model", "qwen2.5-coder:1.5b-base", "model name (its FIM family decides the prompt's order: codellama:7b-code is suffix-first)")
	real := fs.Bool("ollama", false, "replay against the real Ollama test server (scripts/install-ollama.sh's build; $OLLAMA_BIN, PATH or $GOPATH/bin) with the tiny random-weights model and OLLAMA_DEBUG=1, reading what its runner evaluated from its log")
	why := fs.Bool("why", false, "print, per request, where its prompt first differs from the one before and why")
	dump := fs.String("dump", "", "write every rendered prompt to `DIR`/on-N.txt and off-N.txt (retrieval on, off); with --ollama, its log to DIR/ollama-on.log and ollama-off.log")
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
	if *bin == "" {
		if *bin, err = os.Executable(); err != nil {
			return err
		}
	}
	fim, _, err := model.LookupFIM(*name, "")
	if err != nil {
		return err
	}
	o := lspbench.ReuseOptions{FIM: fim,
		Repo: repo, File: file, Functions: *funcs, Lines: *lines, Seed: *seed, PerToken: *perToken,
		MinGap: 60 * time.Millisecond, MaxGap: 150 * time.Millisecond, Pause: 600 * time.Millisecond,
	}
	runs := map[string][]bool{"both": {true, false}, "on": {true}, "off": {false}}[*which]
	if runs == nil {
		return fmt.Errorf("%w: --retrieval %q: want on, off or both", errUsage, *which)
	}
	if *real {
		return benchReuseOllama(ctx, *bin, o, runs, *why, *dump)
	}
	var results []lspbench.ReuseResult
	for _, retrieval := range runs {
		home, err := os.MkdirTemp("", "ghostline-bench-reuse-")
		if err != nil {
			return err
		}
		ol := lsptest.NewOllama()
		srv := lspbench.Ghostline(*bin, home, ol)
		srv.Settings["retrieval"] = map[string]any{"enabled": retrieval}
		srv.Settings["model"].(map[string]any)["name"] = *name
		srv.Name = map[bool]string{true: "retrieval on", false: "retrieval off"}[retrieval]
		if !retrieval {
			srv.Ready = nil // no index to wait for
		}
		r, err := lspbench.PromptReuse(ctx, srv, ol, o)
		ol.Close()
		os.RemoveAll(home)
		if err != nil {
			return fmt.Errorf("%s: %w", srv.Name, err)
		}
		results = append(results, r)
		if *dump != "" {
			if err := dumpPrompts(*dump, map[bool]string{true: "on", false: "off"}[retrieval], r.Prompts); err != nil {
				return err
			}
		}
	}
	fmt.Printf("prompt reuse: the last %d lines of %d functions of %s typed back (%s), VS Code style, %s-%s between keys, %s pauses every 5-12 characters and at line ends; fake Ollama serving %s, evaluating %s per uncached prompt token\n",
		*lines, *funcs, file, repo, o.MinGap, o.MaxGap, o.Pause, *name, *perToken)
	row := func(name string, f func(r lspbench.ReuseResult) string) {
		fmt.Printf("  %-40s", name)
		for _, r := range results {
			fmt.Printf(" %-20s", f(r))
		}
		fmt.Println()
	}
	row("", func(r lspbench.ReuseResult) string { return r.Name })
	row("keystrokes", func(r lspbench.ReuseResult) string { return fmt.Sprint(r.Keystrokes) })
	row("model requests (per keystroke)", func(r lspbench.ReuseResult) string {
		return fmt.Sprintf("%d (%.3f)", r.Requests, float64(r.Requests)/float64(max(r.Keystrokes, 1)))
	})
	row("mean rendered prompt", func(r lspbench.ReuseResult) string {
		return fmt.Sprintf("%.0f chars", r.MeanPrompt())
	})
	row("new work (share of prompt chars)", func(r lspbench.ReuseResult) string {
		return fmt.Sprintf("%.1f%%", 100*r.NewShare())
	})
	row("pauses answered", func(r lspbench.ReuseResult) string { return fmt.Sprintf("%d of %d", r.Answered, r.Pauses) })
	row("pause to answer p50 / p90", func(r lspbench.ReuseResult) string {
		return fmt.Sprintf("%d / %d ms", r.PauseQuantile(0.5).Milliseconds(), r.PauseQuantile(0.9).Milliseconds())
	})
	for _, c := range lspbench.Causes {
		row("  of which "+string(c), func(r lspbench.ReuseResult) string { return fmt.Sprintf("%.1f%%", 100*r.NewBy()[c]) })
	}
	if *why {
		for _, r := range results {
			fmt.Printf("%s: request, prompt chars, first difference at, new chars, cause, cursor and file part start (bytes of %s)\n", r.Name, file)
			for i, d := range r.Diffs {
				fmt.Printf("  %3d %6d %6d %6d  %-16s %6d %6d\n", i+1, r.PromptChars[i], d.At, d.New, d.Cause, d.Cursor, d.File)
			}
		}
	}
	return nil
}

// dumpPrompts writes each prompt to dir/name-N.txt.
func dumpPrompts(dir, name string, prompts []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, p := range prompts {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%02d.txt", name, i+1)), []byte(p), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// reuseModel is the model the real-Ollama replay creates: the tiny test
// model with a plain template (ghostline renders Qwen's FIM prompt raw,
// the tiny model having its special tokens) and an 8192-token window.
const reuseModel = "ghostline-bench-tiny"

// benchReuseOllama runs the replay against a real Ollama server and
// reports, from its runner's debug log, the share of prompt tokens it
// evaluated (its cache lacked), and how soon pauses were answered.
func benchReuseOllama(ctx context.Context, bin string, o lspbench.ReuseOptions, runs []bool, why bool, dump string) error {
	dir, err := os.MkdirTemp("", "ghostline-bench-ollama-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The server passes OLLAMA_DEBUG on to its runner, whose log has a
	// line per prompt with the tokens its cache held.
	os.Setenv("OLLAMA_DEBUG", "1")
	srv, err := ollamatest.Start(ctx, dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	gguf := filepath.Join(dir, "tiny.gguf")
	if err := ollamatest.WriteTinyGGUF(gguf, 1); err != nil {
		return err
	}
	if err := srv.Create(ctx, reuseModel, ollamatest.TinyModelfileCtx(gguf, false, 8192)); err != nil {
		return err
	}
	fmt.Printf("prompt reuse against Ollama (%s, tiny random-weights model, Qwen FIM rendered raw, num_ctx 8192, temperature 1): the last %d lines of %d functions of %s typed back (%s), %s-%s between keys, %s pauses\n",
		srv.URL(), o.Lines, o.Functions, o.File, o.Repo, o.MinGap, o.MaxGap, o.Pause)
	fmt.Printf("  %-14s %-11s %-12s %-14s %-10s %-27s %-20s %s\n", "", "keystrokes", "requests", "prompt tokens", "evaluated",
		"pauses answered before key", "p50 / p90", "with a suggestion, p50 / p90")
	for _, retrieval := range runs {
		home, err := os.MkdirTemp("", "ghostline-bench-reuse-")
		if err != nil {
			return err
		}
		from := len(srv.Logs())
		ts := lspbench.GhostlineAt(bin, home, srv.URL(), func() int { return len(ollamatest.CacheSlots(srv.Logs()[from:])) })
		ts.Settings["retrieval"] = map[string]any{"enabled": retrieval}
		ts.Settings["model"] = map[string]any{"provider": "ollama", "endpoint": srv.URL(), "name": reuseModel,
			"template": "qwen", "temperature": 1, "timeoutMs": 30000}
		ts.Name = map[bool]string{true: "retrieval on", false: "retrieval off"}[retrieval]
		if !retrieval {
			ts.Ready = nil
		}
		r, err := lspbench.PromptReuse(ctx, ts, nil, o)
		os.RemoveAll(home)
		if err != nil {
			return fmt.Errorf("%s: %w", ts.Name, err)
		}
		log := srv.Logs()[from:]
		slots := ollamatest.CacheSlots(log)
		if dump != "" {
			if err := os.MkdirAll(dump, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dump, "ollama-"+map[bool]string{true: "on", false: "off"}[retrieval]+".log"), []byte(log), 0o644); err != nil {
				return err
			}
		}
		var prompt, evaluated int
		for _, c := range slots {
			prompt += c.Prompt
			evaluated += c.Remaining
		}
		if len(slots) == 0 {
			return fmt.Errorf("%s: no cache slot lines in the Ollama log (a build without debug logging?)", ts.Name)
		}
		if why {
			for i, c := range slots {
				fmt.Printf("    request %2d: %5d prompt tokens, %5d cached, %5d evaluated\n", i+1, c.Prompt, c.Used, c.Remaining)
			}
		}
		fmt.Printf("  %-14s %-11d %-12s %-14d %-10s %-27s %-20s %d of %d, %d / %d ms\n", ts.Name, r.Keystrokes,
			fmt.Sprintf("%d (%.3f)", len(slots), float64(len(slots))/float64(max(r.Keystrokes, 1))), prompt/len(slots),
			fmt.Sprintf("%.1f%%", 100*float64(evaluated)/float64(max(prompt, 1))), fmt.Sprintf("%d of %d", r.Responded, r.Pauses),
			fmt.Sprintf("%d / %d ms", r.ResponseQuantile(0.5).Milliseconds(), r.ResponseQuantile(0.9).Milliseconds()),
			r.Answered, r.Pauses, r.PauseQuantile(0.5).Milliseconds(), r.PauseQuantile(0.9).Milliseconds())
	}
	return nil
}

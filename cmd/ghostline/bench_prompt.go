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
	why := fs.Bool("why", false, "print, per request, where its prompt first differs from the one before and why")
	dump := fs.String("dump", "", "write every rendered prompt to `DIR`/on-N.txt and off-N.txt (retrieval on, off)")
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
	var results []lspbench.ReuseResult
	runs := map[string][]bool{"both": {true, false}, "on": {true}, "off": {false}}[*which]
	if runs == nil {
		return fmt.Errorf("%w: --retrieval %q: want on, off or both", errUsage, *which)
	}
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

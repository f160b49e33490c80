package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/eval"
	"github.com/ghostline/ghostline/model"
)

func init() {
	evalGroup.add(command{name: "completion", summary: "exact match and edit similarity of completions at sampled cursors, retrieval on and off", run: runEvalCompletion})
}

func runEvalCompletion(ctx context.Context, args []string) error {
	fs := newFlags("eval completion", "")
	repo := fs.String("repo", ".", "repository to sample cursors from")
	samples := fs.Int("samples", 500, "number of cursors")
	seed := fs.Uint64("seed", 1, "sampling seed")
	modelFlag := fs.String("model", "builtin", "builtin (trained leave-file-out), or PROVIDER:NAME with PROVIDER ollama, openai or llamacpp")
	endpoint := fs.String("endpoint", "", "model server URL (default: OLLAMA_HOST or http://127.0.0.1:11434)")
	budget := fs.Int("budget", 0, "prompt token budget (0: the retrieval default)")
	retr := fs.Bool("retrieval", true, "also measure with retrieval on (indexes the repository into a temporary directory)")
	cursors := fs.String("cursors", "", "write every cursor's answer to this file, one tab-separated line each: hit or miss, row, kind (start, mid, member), file:line, the line before the cursor, want, got")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	o := eval.Options{Repo: *repo, Samples: *samples, Seed: *seed, Budget: *budget, Retrieval: *retr}
	var dump *bufio.Writer
	if *cursors != "" {
		f, err := os.Create(*cursors)
		if err != nil {
			return err
		}
		defer f.Close()
		dump = bufio.NewWriter(f)
		o.Cursors = dump
	}
	if *modelFlag != "builtin" {
		provider, name, ok := strings.Cut(*modelFlag, ":")
		if !ok || name == "" {
			return fmt.Errorf("%w: --model %q: want builtin or PROVIDER:NAME", errUsage, *modelFlag)
		}
		c := config.Defaults().Model
		c.Provider, c.Name, c.Endpoint = provider, name, *endpoint
		srv, err := model.Open(c)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if err := srv.Check(ctx); err != nil {
			return fmt.Errorf("model %s at %s: %w (run `ghostline doctor`)", name, srv.Endpoint(), err)
		}
		o.Model = srv
	}
	r, err := eval.Completion(ctx, o)
	if err != nil {
		return err
	}
	if dump != nil {
		if err := dump.Flush(); err != nil {
			return err
		}
	}
	return r.Write(os.Stdout)
}

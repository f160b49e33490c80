package main

import (
	"context"
	"os"

	"github.com/ghostline/ghostline/eval"
)

func init() {
	benchGroup.add(command{name: "builtin", summary: "train the built-in model on a repository: time, memory, completion latency with in-file and retrieved prompts", run: runBenchBuiltin})
}

func runBenchBuiltin(ctx context.Context, args []string) error {
	fs := newFlags("bench builtin", "")
	repo := fs.String("repo", ".", "repository to train on, e.g. $(go env GOROOT)/src")
	cursors := fs.Int("cursors", 1000, "completions to time")
	seed := fs.Uint64("seed", 1, "cursor sampling seed")
	withRetrieval := fs.Bool("retrieval", true, "also time prompts with retrieved context (indexes the repository into a temporary directory)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	b, err := eval.BenchBuiltin(ctx, *repo, *cursors, *seed, *withRetrieval)
	if err != nil {
		return err
	}
	return b.Write(os.Stdout)
}

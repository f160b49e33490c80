package main

import (
	"context"
	"os"

	"github.com/ghostline/ghostline/eval"
)

func init() {
	benchGroup.add(command{name: "builtin", summary: "train the built-in model on a repository: time, memory, completion latency", run: runBenchBuiltin})
}

func runBenchBuiltin(ctx context.Context, args []string) error {
	fs := newFlags("bench builtin", "")
	repo := fs.String("repo", ".", "repository to train on, e.g. $(go env GOROOT)/src")
	cursors := fs.Int("cursors", 1000, "completions to time")
	seed := fs.Uint64("seed", 1, "cursor sampling seed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	b, err := eval.BenchBuiltin(ctx, *repo, *cursors, *seed)
	if err != nil {
		return err
	}
	return b.Write(os.Stdout)
}

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/retrieval/eval"
)

func init() {
	evalGroup.add(command{
		name:    "retrieval",
		summary: "recall of the hidden rest of a line in prompts built with and without retrieval",
		run:     runEvalRetrieval,
	})
}

func runEvalRetrieval(ctx context.Context, args []string) error {
	fs := newFlags("eval retrieval", "")
	repo := fs.String("repo", ".", "repository to evaluate on")
	samples := fs.Int("samples", 500, "cursor positions")
	seed := fs.Uint64("seed", 1, "random seed (the same seed draws the same cursors)")
	budget := fs.Int("budget", 0, "prompt budget in tokens (default: retrieval.contextTokens)")
	sf := addSettingsFlags(fs, `{"retrieval":{"windowLines":30,"strideLines":15}}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, closeLog, err := sf.apply("")
	if err != nil {
		return err
	}
	defer closeLog()
	// The suffix as the configured model's layout caps it.
	rep, err := eval.Run(ctx, eval.Options{Repo: *repo, Samples: *samples, Seed: *seed, Budget: *budget,
		SuffixTokens: model.LayoutFor(s.Model).SuffixTokens, Config: s.Retrieval, Progress: newProgressBar()})
	if err != nil {
		return err
	}
	rep.Write(os.Stdout, true)
	fmt.Println()
	return nil
}

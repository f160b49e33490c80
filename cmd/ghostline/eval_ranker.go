package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/ranker/offline"
)

func init() {
	evalGroup.add(command{name: "ranker", summary: "cross-validate the acceptance predictor and its baselines, leaving programmers out", run: runEvalRanker})
}

func runEvalRanker(ctx context.Context, args []string) error {
	fs := newFlags("eval ranker", "")
	jsonl := fs.String("jsonl", "", "decisions as JSON lines: CUPS events or a ghostline telemetry export (- for stdin)")
	precision := fs.Float64("precision", config.Defaults().Ranker.Precision, "target fraction of hidden suggestions that would have been rejected")
	folds := fs.Int("folds", 0, "outer folds by programmer (0: leave one programmer out)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *jsonl == "" {
		return fmt.Errorf("%w: --jsonl FILE is required", errUsage)
	}
	ds, _, err := loadDecisions(*jsonl, "")
	if err != nil {
		return err
	}
	r, err := offline.Evaluate(ctx, ds, offline.EvalOptions{Precision: *precision, Folds: *folds})
	if err != nil {
		return err
	}
	return r.Write(os.Stdout)
}

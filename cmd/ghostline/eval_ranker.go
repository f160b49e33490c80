package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/ranker"
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
	model := fs.String("model", "", "score this trained model `FILE` (or \"shipped\") on the decisions as it is, instead of cross-validating")
	share := fs.Float64("share", offline.DefaultShare, "least share of the training programmers for whom fitted thresholds keep the precision (negative: pooled precision only)")
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
	var r *offline.Report
	if *model != "" {
		m, err := readRankerModel(*model)
		if err != nil {
			return err
		}
		r, err = offline.Score(ds, m, *precision)
		if err != nil {
			return err
		}
	} else if r, err = offline.Evaluate(ctx, ds, offline.EvalOptions{Precision: *precision, Folds: *folds, Share: *share}); err != nil {
		return err
	}
	return r.Write(os.Stdout)
}

// readRankerModel reads a model file, or the shipped model for "shipped".
func readRankerModel(path string) (*ranker.Model, error) {
	if path == "shipped" {
		return ranker.DefaultModel()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ranker model: %w", err)
	}
	m, err := ranker.ParseModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

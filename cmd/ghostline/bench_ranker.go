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
	benchGroup.add(command{name: "ranker", summary: "time the predictor's two gates on real source files", run: runBenchRanker})
}

func runBenchRanker(ctx context.Context, args []string) error {
	fs := newFlags("bench ranker", "")
	root := fs.String("root", "", "source tree to take cursors from (default: the Go standard library)")
	ext := fs.String("ext", ".go", "file extension to use under --root")
	files := fs.Int("files", 500, "files (one cursor each)")
	rounds := fs.Int("rounds", 20, "passes over the cursors")
	model := fs.String("model", "", "model file (default: the shipped model)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *root == "" {
		var err error
		if *root, err = goStdlib(ctx, "--root"); err != nil {
			return err
		}
	}
	cases, err := offline.BenchCases(ctx, *root, *ext, *files)
	if err != nil {
		return err
	}
	g, err := ranker.DefaultGate()
	if *model != "" {
		g, err = ranker.LoadGate(*model, config.Defaults().Ranker)
	}
	if err != nil {
		return err
	}
	g1, g2 := offline.MeasureLatency(g, cases, *rounds)
	fmt.Printf("ranker inference on %d cursors from %s (%s files)\n", len(cases), *root, *ext)
	offline.WriteLatency(os.Stdout, "gate 1", g1)
	offline.WriteLatency(os.Stdout, "gate 2", g2)
	return nil
}

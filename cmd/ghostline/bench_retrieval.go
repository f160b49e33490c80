package main

import (
	"context"
	"os"

	"github.com/ghostline/ghostline/retrieval/eval"
)

func init() {
	benchGroup.add(command{
		name:    "retrieval",
		summary: "cold indexing, re-indexing, prompt assembly and the retrieval evaluation on a repository",
		run:     runBenchRetrieval,
	})
}

func runBenchRetrieval(ctx context.Context, args []string) error {
	fs := newFlags("bench retrieval", "")
	repo := fs.String("repo", "", "repository (default: the Go standard library)")
	samples := fs.Int("samples", 500, "cursor positions")
	seed := fs.Uint64("seed", 1, "random seed")
	budget := fs.Int("budget", 0, "prompt budget in tokens (default: retrieval.contextTokens)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the timed re-indexing and assembly to `FILE` (for go tool pprof)")
	sf := addSettingsFlags(fs, `{"retrieval":{"windowLines":30}}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, closeLog, err := sf.apply("")
	if err != nil {
		return err
	}
	defer closeLog()
	if *repo == "" {
		if *repo, err = goStdlib(ctx, "--repo"); err != nil {
			return err
		}
	}
	// A fresh index directory: the benchmark measures a cold index.
	dir, err := os.MkdirTemp("", "ghostline-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s.Retrieval.IndexDir = dir
	o := eval.Options{Repo: *repo, Samples: *samples, Seed: *seed, Budget: *budget,
		Config: s.Retrieval, Progress: newProgressBar()}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		o.CPUProfile = f
	}
	r, err := eval.Bench(ctx, o)
	if err != nil {
		return err
	}
	r.Write(os.Stdout)
	return nil
}

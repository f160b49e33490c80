package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ghostline/ghostline/eval"
)

func init() {
	evalGroup.add(command{
		name:    "postprocess",
		summary: "run post-processing cases (a txtar directory or JSON lines) and print pass/fail per case",
		run:     runEvalPostprocess,
	})
}

func runEvalPostprocess(_ context.Context, args []string) error {
	fs := newFlags("eval postprocess", "DIR|FILE.jsonl")
	failures := fs.Bool("failures", false, "print only the cases that fail")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one DIR of .txtar cases or one FILE.jsonl (lines of {filename, prefix, suffix, model_output, expected})", errUsage)
	}
	cases, err := eval.LoadPostCases(fs.Arg(0))
	if err != nil {
		return err
	}
	r := eval.RunPost(cases)
	if *failures {
		r.Outcomes = r.Failures()
	}
	if err := r.Write(os.Stdout); err != nil {
		return err
	}
	if r.Passed < len(cases) {
		return fmt.Errorf("%d of %d cases failed", len(cases)-r.Passed, len(cases))
	}
	return nil
}

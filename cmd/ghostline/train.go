package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/ranker/offline"
)

func init() {
	register(command{name: "train", summary: "train the acceptance predictor from telemetry or a CUPS/export JSONL file", run: runTrain})
}

func runTrain(ctx context.Context, args []string) error {
	fs := newFlags("train", "")
	jsonl := fs.String("jsonl", "", "decisions as `FILE` of JSON lines: CUPS events or the output of ghostline telemetry export --jsonl (- for stdin)")
	from := fs.String("from", "", "telemetry database to train from")
	out := fs.String("out", "", "model file to write (default $XDG_DATA_HOME/ghostline/ranker.json)")
	folds := fs.Int("folds", 5, "cross-validation folds, split by programmer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*jsonl == "") == (*from == "") {
		return fmt.Errorf("%w: give exactly one of --jsonl FILE or --from telemetry.db", errUsage)
	}
	if *out == "" {
		p, err := ranker.DefaultModelPath()
		if err != nil {
			return err
		}
		*out = p
	}
	ds, source, err := loadDecisions(*jsonl, *from)
	if err != nil {
		return err
	}
	m, err := offline.Train(ds, offline.TrainOptions{Folds: *folds, Source: source})
	if err != nil {
		return err
	}
	if err := m.WriteFile(*out); err != nil {
		return err
	}
	fmt.Printf("trained on %d decisions (%d accepted) from %d programmers (%s format, %d skipped)\n",
		m.Decisions, m.Accepted, m.Groups, ds.Format, ds.Skipped)
	for i, g := range []ranker.GateModel{m.Gate1, m.Gate2} {
		fmt.Printf("gate %d: %s\n", i+1, g.Model)
		for _, c := range g.CV {
			fmt.Printf("  %-24s cv AUC %.3f  log-loss %.3f\n", c.Name, c.AUC, c.LogLoss)
		}
	}
	if err := offline.WriteThresholds(os.Stdout, m.Thresholds); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", *out)
	return nil
}

// loadDecisions reads a JSONL file (or stdin) or the telemetry store.
func loadDecisions(jsonl, db string) (*offline.Dataset, string, error) {
	if db != "" {
		// eval ranker shares this function without a context; reading a
		// local file needs no cancelling.
		return readTelemetryDataset(context.Background(), db)
	}
	var r io.Reader = os.Stdin
	if jsonl != "-" {
		f, err := os.Open(jsonl)
		if err != nil {
			return nil, "", fmt.Errorf("open decisions: %w", err)
		}
		defer f.Close()
		r = f
	}
	// A gzip file (testdata/cups/events.jsonl.gz) is read as it is.
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", jsonl, err)
		}
		r = zr
	} else {
		r = br
	}
	ds, err := offline.ReadDataset(r)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", jsonl, err)
	}
	return ds, ds.Format, nil
}

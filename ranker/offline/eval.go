package offline

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/ghostline/ghostline/ranker"
)

// EvalOptions configure Evaluate.
type EvalOptions struct {
	Precision  float64 // target fraction of hidden suggestions that were rejected; default 0.9
	Folds      int     // outer folds by programmer; 0: leave one programmer out
	InnerFolds int     // folds inside each training part; default 5
}

// EvalRow is one method's leave-programmers-out result, pooled over folds.
type EvalRow struct {
	Name    string
	AUC     float64 // NaN: the method has no score
	LogLoss float64
	// With thresholds fitted on the training folds, applied to the held-out programmers:
	Hidden       float64 // fraction of suggestions hidden or skipped
	Precision    float64 // fraction of those that were rejected (NaN: none hidden)
	AcceptedLost float64 // fraction of accepted suggestions hidden
	Skipped      float64 // fraction of generations skipped by gate 1
	// HiddenAtP is the most any threshold on this method's held-out scores
	// could hide at the target precision: the like-for-like comparison.
	HiddenAtP float64
}

// Report is the result of Evaluate.
type Report struct {
	Decisions, Accepted, Groups, Folds int
	Precision                          float64
	Rows                               []EvalRow
}

// contextualFilterFeatures are the inputs of Copilot's contextual filter
// (arXiv 2405.14753, Table 1), as named in this package's vector: previous
// decision, whitespace after the cursor, log time since the last decision,
// log lengths of the last prefix line with and without whitespace, log
// document length, log cursor offset, offset as a fraction, language, and
// the last character with and without whitespace. Their weights are fitted
// on the training folds.
var contextualFilterFeatures = func() []int {
	want := []string{"last_accepted", "ws_after_cursor", "since_decision_log", "line_chars_log", "line_trimmed_chars_log",
		"doc_chars_log", "prefix_chars_log", "offset_frac"}
	var idx []int
	for _, n := range want {
		idx = append(idx, ranker.FeatureIndex(n))
	}
	for i, n := range ranker.FeatureNames(true) {
		if strings.HasPrefix(n, "lang_") || strings.HasPrefix(n, "char_") {
			idx = append(idx, i)
		}
	}
	return idx
}()

// contextualFilterCandidates: its L2 strength is chosen by inner CV.
var contextualFilterCandidates = candidates[:3]

// Evaluate cross-validates the cascade and the baselines leaving
// programmers out: every model, calibration and threshold is fitted on the
// training programmers only and scored on the held-out ones.
func Evaluate(ctx context.Context, ds *Dataset, opt EvalOptions) (*Report, error) {
	if opt.Precision <= 0 || opt.Precision >= 1 {
		opt.Precision = 0.9
	}
	if opt.InnerFolds < 2 {
		opt.InnerFolds = 5
	}
	groups := ds.Groups()
	k := opt.Folds
	if k <= 0 || k > len(groups) {
		k = len(groups)
	}
	if k < 2 {
		return nil, fmt.Errorf("evaluate: need decisions from at least 2 programmers or sessions, have %d", len(groups))
	}
	folds := groupFolds(ds.Examples, k)
	y := labels(ds.Examples)
	const nRows = 5
	rows := [nRows]string{"show everything", "model's own confidence", "contextual filter (Copilot-style LR)", "ranker gate 1 (context only)", "ranker cascade (gate 1 + 2)"}
	probs := [nRows][]float64{}
	stats := [nRows]hideStats{}
	for i := range probs {
		probs[i] = make([]float64, len(y))
	}
	for f := range k {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var tr, te []int
		for i, fi := range folds {
			if fi == f {
				te = append(te, i)
			} else {
				tr = append(tr, i)
			}
		}
		trDS := &Dataset{Format: ds.Format}
		for _, i := range tr {
			trDS.Examples = append(trDS.Examples, ds.Examples[i])
		}
		trY := labels(trDS.Examples)

		// Show everything: the base rate, nothing hidden.
		base := mean(trY)
		for _, i := range te {
			probs[0][i] = base
			stats[0] = stats[0].add(hideOne(1, 1, ranker.Threshold{}, y[i] > 0.5))
		}

		// The model's own confidence, Platt-calibrated, one threshold.
		conf, trConf := baselineScores(ds.Examples, tr)
		cal := fitPlatt(trConf, trY)
		trP := apply(cal.Prob, trConf)
		t := fitThreshold(trP, trY, opt.Precision)
		for _, i := range te {
			p := cal.Prob(conf[i])
			probs[1][i] = p
			stats[1] = stats[1].add(hideOne(1, p, ranker.Threshold{Gate2: t}, y[i] > 0.5))
		}

		// Copilot's contextual filter, refitted.
		cfX := selectColumns(trDS.Examples, contextualFilterFeatures)
		cf, cfOOF, err := selectModel(cfX, trY, groupFolds(trDS.Examples, opt.InnerFolds), contextualFilterCandidates)
		if err != nil {
			return nil, err
		}
		t = fitThreshold(cfOOF, trY, opt.Precision)
		for _, i := range te {
			p := cf.Prob(gather(ds.Examples[i].X, contextualFilterFeatures))
			probs[2][i] = p
			stats[2] = stats[2].add(hideOne(1, p, ranker.Threshold{Gate2: t}, y[i] > 0.5))
		}

		// The ranker, trained exactly as `ghostline train` does.
		m, oof, err := train(trDS, TrainOptions{Folds: opt.InnerFolds})
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		t1 := fitThreshold(oof[0], trY, opt.Precision)
		th := m.Threshold(opt.Precision)
		for _, i := range te {
			x := ds.Examples[i].X
			p1, p2 := m.Gate1.Prob(x[:ranker.NumGate1]), m.Gate2.Prob(x)
			probs[3][i], probs[4][i] = p1, p2
			stats[3] = stats[3].add(hideOne(p1, 1, ranker.Threshold{Gate1: t1}, y[i] > 0.5))
			stats[4] = stats[4].add(hideOne(p1, p2, th, y[i] > 0.5))
		}
	}
	r := &Report{Decisions: len(y), Accepted: ds.Accepted(), Groups: len(groups), Folds: k, Precision: opt.Precision}
	for i, name := range rows {
		row := EvalRow{
			Name: name, AUC: AUC(probs[i], y), LogLoss: LogLoss(probs[i], y),
			Hidden: stats[i].hiddenFrac(), Precision: stats[i].precision(), AcceptedLost: stats[i].lostFrac(), Skipped: stats[i].skippedFrac(),
			HiddenAtP: hiddenAtPrecision(probs[i], y, opt.Precision),
		}
		if i == 0 {
			row.AUC, row.HiddenAtP = math.NaN(), 0
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// baselineScores returns every example's logged confidence, with a missing
// one scored as the lowest seen in training (the provider had no
// confidence to offer), and the training examples' scores.
func baselineScores(ex []Example, train []int) (all, tr []float64) {
	lowest := math.Inf(1)
	for _, i := range train {
		if ex[i].HasBaseline {
			lowest = min(lowest, ex[i].Baseline)
		}
	}
	if math.IsInf(lowest, 1) {
		lowest = 0
	}
	all = make([]float64, len(ex))
	for i, e := range ex {
		all[i] = lowest
		if e.HasBaseline && !math.IsNaN(e.Baseline) && !math.IsInf(e.Baseline, 0) {
			all[i] = e.Baseline
		}
	}
	for _, i := range train {
		tr = append(tr, all[i])
	}
	return all, tr
}

func selectColumns(ex []Example, idx []int) [][]float64 {
	X := make([][]float64, len(ex))
	for i, e := range ex {
		X[i] = gather(e.X, idx)
	}
	return X
}

func gather(x []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for j, i := range idx {
		out[j] = x[i]
	}
	return out
}

func apply(f func(float64) float64, xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Write prints the report as a table.
func (r *Report) Write(w io.Writer) error {
	fmt.Fprintf(w, "%d decisions (%d accepted) from %d programmers; %d folds leaving programmers out; target precision %.2f\n\n",
		r.Decisions, r.Accepted, r.Groups, r.Folds, r.Precision)
	fmt.Fprintf(w, "%-38s %6s %8s %7s %9s %9s %8s %10s\n", "method", "AUC", "logloss", "hidden", "prec(hid)", "acc lost", "skipped", fmt.Sprintf("hid@%.2f", r.Precision))
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%-38s %6s %8.3f %7.3f %9s %9.3f %8.3f %10.3f\n",
			row.Name, num(row.AUC), row.LogLoss, row.Hidden, num(row.Precision), row.AcceptedLost, row.Skipped, row.HiddenAtP)
	}
	_, err := fmt.Fprintf(w, "\nhidden/prec(hid)/acc lost/skipped: thresholds fitted on the training programmers, applied to the held-out ones.\n"+
		"hid@%.2f: the most a threshold on the held-out scores could hide at that precision (like-for-like).\n", r.Precision)
	return err
}

func num(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.3f", x)
}

// Row returns the row named name, or nil.
func (r *Report) Row(name string) *EvalRow {
	i := slices.IndexFunc(r.Rows, func(row EvalRow) bool { return row.Name == name })
	if i < 0 {
		return nil
	}
	return &r.Rows[i]
}

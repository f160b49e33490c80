package offline

import (
	"context"
	"errors"
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
	Share      float64 // TrainOptions.Share for every fitted threshold
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
	// Held is how many held-out programmers (of Report.Groups) saw the
	// promise kept: at least the target precision of what was hidden from
	// them was rejected, or nothing was hidden.
	Held int
}

// Report is the result of Evaluate or Score.
type Report struct {
	Decisions, Accepted, Groups, Folds int
	Precision                          float64
	// Model describes the model file Score applied (Evaluate: ""), and
	// Thresholds are its thresholds with what they did in its training.
	Model      string
	Thresholds []ranker.Threshold
	Rows       []EvalRow
}

// rowAcc accumulates one method's held-out probabilities and what its
// thresholds hid, pooled and per programmer.
type rowAcc struct {
	probs  []float64
	pooled hideStats
	per    map[string]hideStats
}

func newRowAcc(n int) *rowAcc {
	return &rowAcc{probs: make([]float64, n), per: map[string]hideStats{}}
}

// add records example i of ds scored p (the score AUC sees) with the
// cascade outcome st.
func (a *rowAcc) add(ds *Dataset, i int, p float64, st hideStats) {
	a.probs[i] = p
	a.pooled = a.pooled.add(st)
	g := ds.Examples[i].Group
	a.per[g] = a.per[g].add(st)
}

func (a *rowAcc) row(name string, y []float64, precision float64) EvalRow {
	st := a.pooled
	row := EvalRow{
		Name: name, AUC: AUC(a.probs, y), LogLoss: LogLoss(a.probs, y),
		Hidden: st.hiddenFrac(), Precision: st.precision(), AcceptedLost: st.lostFrac(), Skipped: st.skippedFrac(),
		HiddenAtP: hiddenAtPrecision(a.probs, y, precision),
	}
	for _, g := range a.per {
		if meets(g.HiddenRejected, g.Hidden, precision) {
			row.Held++
		}
	}
	return row
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
	names := []string{"show everything", "model's own confidence", "contextual filter (Copilot-style LR)", "ranker gate 1 (context only)", "ranker cascade (gate 1 + 2)"}
	acc := make([]*rowAcc, len(names))
	for i := range acc {
		acc[i] = newRowAcc(len(y))
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
		pr := newPromise(opt.Precision, groupIndex(trDS.Examples), opt.Share)

		// Show everything: the base rate, nothing hidden.
		base := mean(trY)
		for _, i := range te {
			acc[0].add(ds, i, base, hideOne(1, 1, ranker.Threshold{}, y[i] > 0.5))
		}

		// The model's own confidence, Platt-calibrated, one threshold.
		conf, trConf := baselineScores(ds.Examples, tr)
		cal := fitPlatt(trConf, trY)
		trP := apply(cal.Prob, trConf)
		t := fitThreshold(trP, trY, pr)
		for _, i := range te {
			p := cal.Prob(conf[i])
			acc[1].add(ds, i, p, hideOne(1, p, ranker.Threshold{Gate2: t}, y[i] > 0.5))
		}

		// Copilot's contextual filter, refitted.
		cfX := selectColumns(trDS.Examples, contextualFilterFeatures)
		cf, cfOOF, err := selectModel(cfX, trY, groupFolds(trDS.Examples, opt.InnerFolds), contextualFilterCandidates)
		if err != nil {
			return nil, err
		}
		t = fitThreshold(cfOOF, trY, pr)
		for _, i := range te {
			p := cf.Prob(gather(ds.Examples[i].X, contextualFilterFeatures))
			acc[2].add(ds, i, p, hideOne(1, p, ranker.Threshold{Gate2: t}, y[i] > 0.5))
		}

		// The ranker, trained exactly as `ghostline train` does.
		m, oof, err := train(trDS, TrainOptions{Folds: opt.InnerFolds, Share: opt.Share, Precisions: []float64{opt.Precision}})
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		t1 := fitThreshold(oof[0], trY, pr)
		th := m.Threshold(opt.Precision)
		for _, i := range te {
			x := ds.Examples[i].X
			p1, p2 := m.Gate1.Prob(x[:ranker.NumGate1]), m.Gate2.Prob(x)
			acc[3].add(ds, i, p1, hideOne(p1, 1, ranker.Threshold{Gate1: t1}, y[i] > 0.5))
			acc[4].add(ds, i, p2, hideOne(p1, p2, th, y[i] > 0.5))
		}
	}
	r := &Report{Decisions: len(y), Accepted: ds.Accepted(), Groups: len(groups), Folds: k, Precision: opt.Precision}
	for i, name := range names {
		row := acc[i].row(name, y, opt.Precision)
		if i == 0 {
			row.AUC, row.HiddenAtP = math.NaN(), 0
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// Score applies a trained model, as it is, to decisions it never saw (another
// team's export, a later month): its own thresholds for the precision, no
// refitting. The rows are its two gates.
func Score(ds *Dataset, m *ranker.Model, precision float64) (*Report, error) {
	if len(ds.Examples) == 0 {
		return nil, errors.New("score: no decisions")
	}
	y := labels(ds.Examples)
	th := m.Threshold(precision)
	g1, cascade := newRowAcc(len(y)), newRowAcc(len(y))
	for i, e := range ds.Examples {
		p1, p2 := m.Gate1.Prob(e.X[:ranker.NumGate1]), m.Gate2.Prob(e.X)
		g1.add(ds, i, p1, hideOne(p1, 1, ranker.Threshold{Gate1: th.Gate1}, e.Accepted))
		cascade.add(ds, i, p2, hideOne(p1, p2, th, e.Accepted))
	}
	r := &Report{Decisions: len(y), Accepted: ds.Accepted(), Groups: len(ds.Groups()), Precision: th.Precision,
		Model:      fmt.Sprintf("trained on %d decisions from %d programmers (%s), gate 2 %s", m.Decisions, m.Groups, m.Source, m.Gate2.Model),
		Thresholds: []ranker.Threshold{th}}
	r.Rows = append(r.Rows, g1.row("ranker gate 1 (context only)", y, th.Precision), cascade.row("ranker cascade (gate 1 + 2)", y, th.Precision))
	return r, nil
}

// WriteThresholds prints each threshold with what it did out of fold in
// training: the expected precision of what it hides.
func WriteThresholds(w io.Writer, ths []ranker.Threshold) error {
	fmt.Fprintln(w, "thresholds, and what they did out of fold in training (hidden, skipped, precision of the hidden, programmers for whom it held):")
	for _, t := range ths {
		exp := "-"
		if t.Hidden > 0 && t.Expected > 0 {
			exp = fmt.Sprintf("%.3f", t.Expected)
		}
		if _, err := fmt.Fprintf(w, "precision %.2f: skip when P(accept) < %.3f, hide when < %.3f: %.1f%% hidden, %.1f%% skipped, expected precision %s, held for %.0f%%\n",
			t.Precision, t.Gate1, t.Gate2, 100*t.Hidden, 100*t.Skipped, exp, 100*t.Held); err != nil {
			return err
		}
	}
	return nil
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
	if r.Model != "" {
		fmt.Fprintf(w, "%d decisions (%d accepted) from %d programmers; model %s\n", r.Decisions, r.Accepted, r.Groups, r.Model)
		if err := WriteThresholds(w, r.Thresholds); err != nil {
			return err
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "%d decisions (%d accepted) from %d programmers; %d folds leaving programmers out; target precision %.2f\n\n",
			r.Decisions, r.Accepted, r.Groups, r.Folds, r.Precision)
	}
	fmt.Fprintf(w, "%-38s %6s %8s %7s %9s %9s %8s %10s %7s\n", "method", "AUC", "logloss", "hidden", "prec(hid)", "acc lost", "skipped", fmt.Sprintf("hid@%.2f", r.Precision), "held")
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%-38s %6s %8.3f %7.3f %9s %9.3f %8.3f %10.3f %7s\n",
			row.Name, num(row.AUC), row.LogLoss, row.Hidden, num(row.Precision), row.AcceptedLost, row.Skipped, row.HiddenAtP, fmt.Sprintf("%d/%d", row.Held, r.Groups))
	}
	how := "thresholds fitted on the training programmers, applied to the held-out ones"
	if r.Model != "" {
		how = "the model's own thresholds, applied to these decisions"
	}
	_, err := fmt.Fprintf(w, "\nhidden/prec(hid)/acc lost/skipped: pooled over programmers; %s.\n"+
		"hid@%.2f: the most a threshold on these scores could hide at that precision (like-for-like).\n"+
		"held: programmers for whom at least %.2f of what was hidden from them was rejected (or nothing was hidden).\n", how, r.Precision, r.Precision)
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

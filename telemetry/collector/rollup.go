package collector

import (
	"math"
	"strconv"

	"github.com/ghostline/ghostline/telemetry"
)

// Counts are the additive measures of a set of events: the columns of
// rollup_daily, summed over whatever rows a query selects.
type Counts struct {
	Requested, Skipped, Generated, Hidden, Shown, Accepted, Partial,
	Rejected, Unseen, Errors, Survival int64
	// PartialSuggestions counts suggestions with at least one partial
	// accept (Partial counts the events: one suggestion may have several).
	PartialSuggestions int64
	// AcceptedChars: characters inserted from suggestions, counted once per
	// suggestion (the largest accepted prefix); TypedChars: typed by hand.
	AcceptedChars, TypedChars int64
	// SurvN/SurvSum: survival events and their summed edit similarity at
	// each checkpoint of SurvivalCheckpoints.
	SurvN   [4]int64
	SurvSum [4]float64
	// HeldSkipped and HeldHidden are the decisions (accepted in full,
	// rejected) on suggestions shown although the predictor would have
	// skipped or hidden them (telemetry.Event.HeldBack: a manual trigger, or
	// ranker.explore): the sample its realised precision comes from.
	HeldSkipped, HeldHidden Held
}

// Held counts decisions on suggestions the predictor would have held back.
type Held struct{ Accepted, Rejected int64 }

// Precision is the share of them that were rejected: what the predictor
// promised (ranker.precision) for what it holds back. NaN without any.
func (h Held) Precision() float64 { return ratio(h.Rejected, h.Accepted+h.Rejected) }

// Decided is how many of them were accepted or rejected.
func (h Held) Decided() int64 { return h.Accepted + h.Rejected }

// SurvivalCheckpoints are the SurvivalAfterS values the roll-ups keep apart.
var SurvivalCheckpoints = [4]int{30, 120, 300, 600}

var (
	// v1Measures are the roll-up columns of schema version 1, heldMeasures
	// those that version 2 added.
	v1Measures = []string{
		"n_requested", "n_skipped", "n_generated", "n_hidden", "n_shown", "n_accepted", "n_partial",
		"n_rejected", "n_unseen", "n_error", "n_survival", "partial_sugg", "accepted_chars", "typed_chars",
		"surv30_n", "surv120_n", "surv300_n", "surv600_n",
	}
	heldMeasures       = []string{"held_skip_acc", "held_skip_rej", "held_hide_acc", "held_hide_rej"}
	dailyMeasures      = append(append([]string{}, v1Measures...), heldMeasures...)
	dailyFloatMeasures = []string{"surv30_sum", "surv120_sum", "surv300_sum", "surv600_sum"}
)

// ints and floats list c's fields in the order of dailyMeasures and
// dailyFloatMeasures, so scanning and upserting need no per-field code.
func (c *Counts) ints() []*int64 {
	return []*int64{&c.Requested, &c.Skipped, &c.Generated, &c.Hidden, &c.Shown, &c.Accepted, &c.Partial,
		&c.Rejected, &c.Unseen, &c.Errors, &c.Survival, &c.PartialSuggestions, &c.AcceptedChars, &c.TypedChars,
		&c.SurvN[0], &c.SurvN[1], &c.SurvN[2], &c.SurvN[3],
		&c.HeldSkipped.Accepted, &c.HeldSkipped.Rejected, &c.HeldHidden.Accepted, &c.HeldHidden.Rejected}
}

func (c *Counts) floats() []*float64 {
	return []*float64{&c.SurvSum[0], &c.SurvSum[1], &c.SurvSum[2], &c.SurvSum[3]}
}

// Add adds o's measures to c.
func (c *Counts) Add(o Counts) {
	oi, of := o.ints(), o.floats()
	for i, p := range c.ints() {
		*p += *oi[i]
	}
	for i, p := range c.floats() {
		*p += *of[i]
	}
}

// Seen is the number of suggestions the programmer could read: shown but
// not superseded too quickly to count (unseen).
func (c Counts) Seen() int64 { return c.Shown - c.Unseen }

// AcceptRate is full accepts per seen suggestion (NaN when none were seen).
func (c Counts) AcceptRate() float64 { return ratio(c.Accepted, c.Seen()) }

// PartialRate is suggestions partially accepted per seen suggestion.
func (c Counts) PartialRate() float64 { return ratio(c.PartialSuggestions, c.Seen()) }

// CharShare is the share of inserted characters that came from accepted
// suggestions: accepted / (accepted + typed). CodeCompose reports 8%.
func (c Counts) CharShare() float64 { return ratio(c.AcceptedChars, c.AcceptedChars+c.TypedChars) }

// SurvivalAt is the mean edit similarity of accepted text after the given
// checkpoint (one of SurvivalCheckpoints), NaN without measurements.
func (c Counts) SurvivalAt(afterS int) float64 {
	for i, s := range SurvivalCheckpoints {
		if s == afterS && c.SurvN[i] > 0 {
			return c.SurvSum[i] / float64(c.SurvN[i])
		}
	}
	return math.NaN()
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// count adds one event's kind and survival to c. Accepted characters are
// not counted here: they need the suggestion's earlier accepts (see ingest).
func (c *Counts) count(e *telemetry.Event) {
	switch e.Kind {
	case telemetry.KindRequested:
		c.Requested++
	case telemetry.KindSkipped:
		c.Skipped++
	case telemetry.KindGenerated:
		c.Generated++
	case telemetry.KindHidden:
		c.Hidden++
	case telemetry.KindShown:
		c.Shown++
	case telemetry.KindAccepted:
		c.Accepted++
	case telemetry.KindPartial:
		c.Partial++
	case telemetry.KindRejected:
		c.Rejected++
	case telemetry.KindUnseen:
		c.Unseen++
	case telemetry.KindError:
		c.Errors++
	case telemetry.KindSurvival:
		c.Survival++
		for i, s := range SurvivalCheckpoints {
			if e.SurvivalAfterS == s {
				c.SurvN[i]++
				c.SurvSum[i] += e.Survival
			}
		}
	}
	c.TypedChars += int64(e.TypedChars)
	var h *Held
	switch e.HeldBack {
	case telemetry.KindSkipped:
		h = &c.HeldSkipped
	case telemetry.KindHidden:
		h = &c.HeldHidden
	default:
		return
	}
	switch e.Kind {
	case telemetry.KindAccepted:
		h.Accepted++
	case telemetry.KindRejected:
		h.Rejected++
	}
}

// Latency sketch: a log-bucketed histogram per stage. Bucket 0 holds
// values ≤ bucketBase ms; bucket i > 0 holds (base·g^(i-1), base·g^i].
// Reporting a bucket's geometric midpoint bounds the relative error of a
// percentile by √g − 1 ≈ 9.5%; 96 buckets reach 0.01 ms · 1.2^95 ≈ 340 s.
const (
	bucketBase   = 0.01
	bucketGrowth = 1.2
	numBuckets   = 96
)

func bucketColumns() []string {
	cols := make([]string, numBuckets)
	for i := range cols {
		cols[i] = "b" + strconv.Itoa(i)
	}
	return cols
}

func bucketOf(ms float64) int {
	if ms <= bucketBase {
		return 0
	}
	i := int(math.Ceil(math.Log(ms/bucketBase) / math.Log(bucketGrowth)))
	return min(max(i, 1), numBuckets-1)
}

// bucketValue is the value reported for bucket i.
func bucketValue(i int) float64 {
	if i == 0 {
		return bucketBase
	}
	return bucketBase * math.Pow(bucketGrowth, float64(i)-0.5)
}

// Hist is one stage's latency histogram (n, sum and bucket counts).
type Hist struct {
	N       int64
	SumMs   float64
	Buckets [numBuckets]int64
}

func (h *Hist) add(ms float64) {
	h.N++
	h.SumMs += ms
	h.Buckets[bucketOf(ms)]++
}

func (h *Hist) merge(o *Hist) {
	h.N += o.N
	h.SumMs += o.SumMs
	for i, n := range o.Buckets {
		h.Buckets[i] += n
	}
}

// Quantile returns the q-quantile (nearest rank) within the sketch's
// relative error, NaN when empty.
func (h *Hist) Quantile(q float64) float64 {
	if h.N == 0 {
		return math.NaN()
	}
	rank := int64(math.Ceil(q * float64(h.N)))
	rank = min(max(rank, 1), h.N)
	var cum int64
	for i, n := range h.Buckets {
		cum += n
		if cum >= rank {
			return bucketValue(i)
		}
	}
	return bucketValue(numBuckets - 1)
}

// Mean is the exact mean latency, NaN when empty.
func (h *Hist) Mean() float64 {
	if h.N == 0 {
		return math.NaN()
	}
	return h.SumMs / float64(h.N)
}

// rollupSpec is one roll-up table: the measures summed per value of dims.
// The page reads, for each table it shows, the narrowest roll-up that has
// the table's key and the active filters, so a page over millions of
// events reads a few thousand rows; the widest roll-ups (with indexes on
// repo and language) serve repository and language filters.
type rollupSpec struct {
	table string
	dims  []string // always starting with day, team
}

// countSpecs are ordered narrowest first; the last has every dimension.
var countSpecs = []rollupSpec{
	{"rollup_team", []string{"day", "team"}},
	{"rollup_model", []string{"day", "team", "model"}},
	{"rollup_language", []string{"day", "team", "language"}},
	{"rollup_repo", []string{"day", "team", "repo"}},
	{"rollup_member", []string{"day", "team", "member"}},
	{"rollup_repo_language", []string{"day", "team", "repo", "language"}},
	{"rollup_daily", countDims},
}

// latencySpecs: latencies are kept per stage, not per member or model.
var latencySpecs = []rollupSpec{
	{"latency_team", []string{"day", "team", "stage"}},
	{"latency_language", []string{"day", "team", "language", "stage"}},
	{"latency_repo", []string{"day", "team", "repo", "stage"}},
	{"rollup_latency", latencyDims},
}

var (
	countDims   = []string{"day", "team", "member", "repo", "language", "model"}
	latencyDims = []string{"day", "team", "repo", "language", "stage"}
)

// pick returns the first spec whose dims include every one of need.
func pick(specs []rollupSpec, need []string) rollupSpec {
	for _, sp := range specs {
		if containsAll(sp.dims, need) {
			return sp
		}
	}
	return specs[len(specs)-1]
}

func containsAll(have, need []string) bool {
	for _, n := range need {
		found := false
		for _, h := range have {
			found = found || h == n
		}
		if !found {
			return false
		}
	}
	return true
}

// project maps a key over `from` dims onto the dims of sp.
func project(key []string, from []string, to []string) []string {
	out := make([]string, len(to))
	for i, d := range to {
		for j, f := range from {
			if f == d {
				out[i] = key[j]
			}
		}
	}
	return out
}

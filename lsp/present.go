package lsp

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// The text the editors show for ghostline/status and ghostline/explain is
// worded here once; the plugins only render it.

// modelLabel is the model's name, or "built-in" for the offline model.
func modelLabel(model string) string {
	if model == "" || strings.HasPrefix(strings.ToLower(model), "builtin") || strings.HasPrefix(strings.ToLower(model), "built-in") {
		return "built-in"
	}
	return model
}

// indexing reports whether an indexing pass is under way.
func (st Status) indexing() bool {
	return st.Indexing != nil && st.Indexing.Total > 0 && st.Indexing.Done < st.Indexing.Total
}

func (st Status) summary() string {
	parts := []string{modelLabel(st.Model)}
	if st.indexing() {
		parts = append(parts, fmt.Sprintf("indexing %d%%", 100*st.Indexing.Done/st.Indexing.Total))
	}
	if st.LastLatencyMs > 0 {
		parts = append(parts, fmt.Sprintf("%d ms", int(math.Round(st.LastLatencyMs))))
	}
	if st.Hidden > 0 {
		parts = append(parts, fmt.Sprintf("%d hidden", st.Hidden))
	}
	return strings.Join(parts, " · ")
}

func (st Status) lines() []string {
	out := []string{"model: " + modelLabel(st.Model)}
	if !st.Enabled {
		out = append(out, "completion off (completion.enabled)")
	}
	if st.indexing() {
		title := cmp.Or(st.Indexing.Title, "indexing")
		out = append(out, fmt.Sprintf("%s: %d/%d", title, st.Indexing.Done, st.Indexing.Total))
	}
	if st.LastLatencyMs > 0 {
		out = append(out, fmt.Sprintf("last suggestion: %d ms", int(math.Round(st.LastLatencyMs))))
	}
	out = append(out, fmt.Sprintf("shown %d, hidden by the predictor %d", st.Shown, st.Hidden))
	if st.Error != "" {
		out = append(out, "error: "+st.Error)
	}
	return out
}

// lines renders the explanation: the outcome, the predictor's probability
// against its threshold, the reason, and the top features of the largest
// magnitude.
func (e Explanation) lines(top int) []string {
	if e.Outcome == "" {
		return []string{"No decision yet: type somewhere and ask again."}
	}
	what := e.Outcome
	if e.Stage != "" {
		what += " at " + e.Stage
	}
	out := []string{"Last decision: " + what}
	if len(e.Features) > 0 { // the predictor ran
		out = append(out, fmt.Sprintf("P(accept) = %.3f (threshold %.3f)", e.Probability, e.Threshold))
	}
	if e.Reason != "" {
		out = append(out, "Reason: "+e.Reason)
	}
	names := make([]string, 0, len(e.Features))
	for n := range e.Features {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(math.Abs(e.Features[b]), math.Abs(e.Features[a])), strings.Compare(a, b))
	})
	if len(names) > 0 {
		out = append(out, "Strongest features:")
		for _, n := range names[:min(top, len(names))] {
			v := e.Features[n]
			s := fmt.Sprintf("%.3f", v)
			if v == math.Trunc(v) {
				s = fmt.Sprintf("%d", int64(v))
			}
			out = append(out, fmt.Sprintf("  %s = %s", n, s))
		}
	}
	return out
}

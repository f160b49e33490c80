package lsp

import (
	"slices"
	"testing"
)

func TestStatusText(t *testing.T) {
	for _, c := range []struct {
		st      Status
		summary string
		lines   []string
	}{
		{Status{Enabled: true}, "built-in", []string{"model: built-in", "shown 0, hidden by the predictor 0"}},
		{Status{Enabled: true, Model: "qwen2.5-coder:1.5b-base", LastLatencyMs: 119.6, Shown: 4, Hidden: 2,
			Indexing: &Indexing{Title: "indexing the repository", Done: 50, Total: 200}},
			"qwen2.5-coder:1.5b-base · indexing 25% · 120 ms · 2 hidden",
			[]string{"model: qwen2.5-coder:1.5b-base", "indexing the repository: 50/200", "last suggestion: 120 ms", "shown 4, hidden by the predictor 2"}},
		{Status{Model: "builtin-ngram", Error: "ollama down", Indexing: &Indexing{Done: 5, Total: 5}},
			"built-in", []string{"model: built-in", "completion off (completion.enabled)", "shown 0, hidden by the predictor 0", "error: ollama down"}},
	} {
		if got := c.st.summary(); got != c.summary {
			t.Errorf("summary = %q, want %q", got, c.summary)
		}
		if got := c.st.lines(); !slices.Equal(got, c.lines) {
			t.Errorf("lines = %q, want %q", got, c.lines)
		}
	}
}

func TestExplainText(t *testing.T) {
	for _, c := range []struct {
		e    Explanation
		want []string
	}{
		{Explanation{}, []string{"No decision yet: type somewhere and ask again."}},
		{Explanation{Outcome: "hidden", Stage: "gate2", Probability: 0.1234, Threshold: 0.2, Reason: "below threshold",
			Features: map[string]float64{"a": 0.5, "b": -2, "c": 0.01, "d": 1}},
			[]string{"Last decision: hidden at gate2", "P(accept) = 0.123 (threshold 0.200)", "Reason: below threshold",
				"Strongest features:", "  b = -2", "  d = 1", "  a = 0.500"}},
		{Explanation{Outcome: "shown"}, []string{"Last decision: shown"}},
	} {
		if got := c.e.lines(3); !slices.Equal(got, c.want) {
			t.Errorf("lines = %q, want %q", got, c.want)
		}
	}
}

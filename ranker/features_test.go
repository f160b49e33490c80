package ranker

import (
	"math"
	"testing"
	"time"
)

func feat(t *testing.T, c Context, s *Suggestion) map[string]float64 {
	t.Helper()
	x := make([]float64, NumFeatures)
	Extract(&c, s, x)
	return FeatureMap(x, NumFeatures)
}

func TestFeatureNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range FeatureNames(true) {
		if seen[n] {
			t.Errorf("duplicate feature %q", n)
		}
		seen[n] = true
	}
	if got := len(FeatureNames(false)); got != NumGate1 {
		t.Errorf("gate 1 has %d names, want %d", got, NumGate1)
	}
}

func TestExtractContext(t *testing.T) {
	tests := []struct {
		name string
		c    Context
		want map[string]float64
	}{
		{"end of python line", Context{Language: "python", Prefix: "def f(x):\n    return x."},
			map[string]float64{"lang_python": 1, "char_dot": 1, "char_trimmed_dot": 1, "at_line_end": 1, "ws_after_cursor": 1, "indent_log": math.Log1p(4), "in_comment": 0, "in_string": 0}},
		{"python comment", Context{Language: "python", Prefix: "x = 1  # the ", Suffix: "\ny = 2"},
			map[string]float64{"in_comment": 1, "char_space": 1, "char_trimmed_letter": 1, "at_line_end": 1, "ws_after_cursor": 1}},
		{"hash is not a comment in go", Context{Language: "go", Prefix: `s := "#`},
			map[string]float64{"lang_go": 1, "in_comment": 0, "in_string": 1, "char_other": 1}},
		{"go line comment", Context{Language: "go", Prefix: "x := 1 // why"},
			map[string]float64{"in_comment": 1, "in_string": 0}},
		{"block comment closed", Context{Language: "c", Prefix: "/* a */ int x = f("},
			map[string]float64{"lang_c": 1, "in_comment": 0, "char_open": 1}},
		{"python docstring open", Context{Language: "python", Prefix: "def f():\n    \"\"\"Return the"},
			map[string]float64{"in_string": 1, "in_comment": 0}},
		{"escaped quote stays in string", Context{Language: "javascript", Prefix: `s = 'it\'s `},
			map[string]float64{"lang_javascript": 1, "in_string": 1}},
		{"mid line", Context{Language: "rust", Prefix: "foo(", Suffix: "bar)"},
			map[string]float64{"lang_rust": 1, "at_line_end": 0, "ws_after_cursor": 0, "offset_frac": 0.5}},
		{"start of document", Context{Language: "cobol"},
			map[string]float64{"lang_other": 1, "char_none": 1, "char_trimmed_none": 1, "prefix_chars_log": 0}},
		{"window offsets", Context{Prefix: "abc", DocLength: 100, Offset: 50},
			map[string]float64{"offset_frac": 0.5, "prefix_chars_log": math.Log1p(50), "doc_chars_log": math.Log1p(100)}},
		{"history", Context{SinceShown: 2 * time.Second, SinceDecision: -1, LastDecision: 0, RecentAcceptRate: 0.25, TypingSpeed: 3},
			map[string]float64{"since_shown_log": math.Log1p(2), "shown_never": 0, "decision_never": 1, "last_rejected": 1, "last_accepted": 0, "accept_rate": 0.25, "typing_speed_log": math.Log1p(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feat(t, tt.c, nil)
			for k, v := range tt.want {
				if math.Abs(got[k]-v) > 1e-9 {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestExtractSuggestion(t *testing.T) {
	c := Context{Language: "python", Prefix: "import numpy as np\nx = np.zeros(3)\nprint(", LastRejected: "x.sum())"}
	tests := []struct {
		name string
		s    Suggestion
		want map[string]float64
	}{
		{"closes the open paren", Suggestion{Text: "x.sum())", Confidence: -0.5, HasConfidence: true, Percentile: 0.25, HasPercentile: true, Tokens: 4},
			map[string]float64{"sugg_bracket_balance": -1, "sugg_unmatched_close": 0, "sugg_sim_rejected": 1, "confidence_pct": 0.25, "has_confidence": 1,
				"sugg_tokens_log": math.Log1p(4), "sugg_lines_log": math.Log1p(1), "sugg_chars_log": math.Log1p(8)}},
		{"extra closer", Suggestion{Text: "x))"}, map[string]float64{"sugg_unmatched_close": 1, "sugg_bracket_balance": -2, "has_confidence": 0}},
		{"invented names", Suggestion{Text: "compute_mean(values)"}, map[string]float64{"sugg_new_idents_log": math.Log1p(2), "sugg_new_idents_frac": 1}},
		{"known names", Suggestion{Text: "np.zeros"}, map[string]float64{"sugg_new_idents_frac": 0}},
		{"repeats a line", Suggestion{Text: "x)\nx = np.zeros(3)\nfoo = 1"}, map[string]float64{"sugg_repeats_prefix": 0.5, "sugg_lines_log": math.Log1p(3)}},
		{"comment", Suggestion{Text: "\n# plot it"}, map[string]float64{"sugg_comment": 1}},
		{"raw confidence alone is not a feature", Suggestion{Text: "a", Confidence: -0.5, HasConfidence: true}, map[string]float64{"confidence_pct": 0, "has_confidence": 0}},
		{"percentile clamped", Suggestion{Text: "a", Percentile: 7, HasPercentile: true}, map[string]float64{"confidence_pct": 1, "has_confidence": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feat(t, c, &tt.s)
			for k, v := range tt.want {
				if math.Abs(got[k]-v) > 1e-9 {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestExtractBadNumbers(t *testing.T) {
	c := Context{Prefix: "x", TypingSpeed: math.Inf(1), RecentAcceptRate: math.NaN(), SinceShown: math.MaxInt64, SinceKeystroke: math.MinInt64 + 5}
	s := Suggestion{Text: "y", Percentile: math.NaN(), HasPercentile: true, Tokens: -3}
	x := make([]float64, NumFeatures)
	Extract(&c, &s, x)
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %v", FeatureNames(true)[i], v)
		}
	}
	m := FeatureMap(x, NumFeatures)
	if m["has_confidence"] != 0 || m["accept_rate"] != priorAccept {
		t.Errorf("NaN confidence or rate not neutralised: %v %v", m["has_confidence"], m["accept_rate"])
	}
}

func TestGate1IgnoresSuggestion(t *testing.T) {
	c := Context{Language: "go", Prefix: "func main() {\n\tfmt.", Suffix: "\n}"}
	a, b := make([]float64, NumFeatures), make([]float64, NumFeatures)
	Extract(&c, nil, a)
	Extract(&c, &Suggestion{Text: "Println()"}, b)
	for i := range NumGate1 {
		if a[i] != b[i] {
			t.Fatalf("gate-1 feature %s depends on the suggestion", FeatureNames(false)[i])
		}
	}
}

func TestBigramDice(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"abc", "abc", 1}, {"abc", "xyz", 0}, {"", "", 1}, {"ab", "", 0}, {"abcd", "abxy", 2.0 / 6},
	}
	for _, tt := range tests {
		if got := bigramDice(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("bigramDice(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

package retrieval

import (
	"strings"
	"testing"
)

func TestFitWithinBudget(t *testing.T) {
	texts := []string{
		"",
		"a\nb\nc\n",
		strings.Repeat("\n", 500),
		strings.Repeat("0123456789", 200),
		strings.Repeat("func f() {\n\treturn 42\n}\n", 100),
		"héllo wörld ünïcode\n" + strings.Repeat("日本語のテキスト\n", 50),
	}
	for _, s := range texts {
		for _, budget := range []int{0, 1, 5, 50, 300, 5000} {
			tail, head := fitTail(s, budget), fitHead(s, budget)
			if !strings.HasSuffix(s, tail) || !strings.HasPrefix(s, head) {
				t.Fatalf("fit of %.20q: not a suffix/prefix", s)
			}
			if EstimateTokens(tail) > budget || EstimateTokens(head) > budget {
				t.Errorf("budget %d: tail %d, head %d tokens", budget, EstimateTokens(tail), EstimateTokens(head))
			}
			if EstimateTokens(s) <= budget && (tail != s || head != s) {
				t.Errorf("budget %d: text that fits was cut", budget)
			}
			// Cut at line boundaries whenever a whole line fits.
			last := s[strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1:]
			if tail != s && EstimateTokens(last) <= budget && !strings.HasSuffix(s[:len(s)-len(tail)], "\n") {
				t.Errorf("budget %d: tail %.20q does not start a line", budget, tail)
			}
		}
	}
}

func TestEstimateTokensSubadditive(t *testing.T) {
	parts := []string{"a", "bc\n", "123", "\n\n", "xyz", ""}
	for _, a := range parts {
		for _, b := range parts {
			if EstimateTokens(a+b) > EstimateTokens(a)+EstimateTokens(b) {
				t.Errorf("EstimateTokens(%q+%q) > sum", a, b)
			}
		}
	}
}

func TestInFile(t *testing.T) {
	text := strings.Repeat("line of code\n", 1000)
	q := Query{Text: text, Offset: len(text) / 2, Budget: 200}
	p := InFile(q)
	if p.Tokens > 200 || !strings.HasSuffix(text[:q.Offset], p.Prefix) || !strings.HasPrefix(text[q.Offset:], p.Suffix) {
		t.Errorf("InFile: %d tokens, prefix/suffix not around the cursor", p.Tokens)
	}
}

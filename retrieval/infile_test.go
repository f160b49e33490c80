package retrieval

import (
	"fmt"
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

// A capped suffix leaves the text below it to go before the prefix, where
// typing at the cursor does not change it; uncapped, there is none.
func TestInFileBelow(t *testing.T) {
	var text strings.Builder
	text.WriteString("package p\n\nfunc F() {\n\t")
	cursor := text.Len()
	text.WriteString("\n}\n")
	for i := range 40 {
		fmt.Fprintf(&text, "\nfunc G%d() int { return %d }\n", i, i)
	}
	q := Query{Path: "/r/p.go", Language: "go", Text: text.String(), Offset: cursor, Budget: 400, SuffixTokens: 16}
	p := InFile(q)
	if EstimateTokens(p.Suffix) > 16 || !strings.HasPrefix(p.Prefix, "// p.go\n\nfunc G") || !strings.HasSuffix(p.Prefix, "func F() {\n\t") {
		t.Fatalf("prefix %q\nsuffix %q", p.Prefix, p.Suffix)
	}
	if p.Tokens > q.Budget {
		t.Errorf("%d tokens, budget %d", p.Tokens, q.Budget)
	}
	q.Text, q.Offset = q.Text[:cursor]+"x := 1"+q.Text[cursor:], cursor+6
	if next := InFile(q); !strings.HasPrefix(next.Prefix, p.Prefix[:len(p.Prefix)-len("func F() {\n\t")]) || next.Suffix != p.Suffix {
		t.Errorf("typing changed the text below the cursor:\n%q\nwas\n%q", next.Prefix, p.Prefix)
	}
	q.SuffixTokens = 0
	if p := InFile(q); strings.Contains(p.Prefix, "// p.go") || !strings.Contains(p.Suffix, "func G1()") {
		t.Errorf("uncapped: prefix %q suffix %q", p.Prefix, p.Suffix)
	}
}

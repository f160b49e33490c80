package retrieval

import (
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ghostline/ghostline/lang"
)

// InFile assembles a prompt from the current document alone: as much of the
// text before the cursor as fits (cut at a line start, with slack: see
// trimHead), then the text after it (see cutAfter). It is the prompt when
// retrieval is off or no index exists yet.
func InFile(q Query) Prompt {
	a := cutAfter(q)
	prefix := trimHead(q.Text[:q.Offset], budgetOf(q)-EstimateTokens(a.suffix)-EstimateTokens(a.below))
	parts := []Part{
		{Kind: PartPrefix, Path: q.Path, Tokens: EstimateTokens(prefix), Text: prefix},
		{Kind: PartSuffix, Path: q.Path, Tokens: EstimateTokens(a.suffix), Text: a.suffix},
	}
	if a.below != "" {
		parts = append([]Part{a.belowPart(q)}, parts...)
	}
	return Prompt{
		Prefix: a.below + prefix,
		Suffix: a.suffix,
		Parts:  parts,
		Tokens: EstimateTokens(a.below+prefix) + EstimateTokens(a.suffix),
	}
}

// after is the text after the cursor as a prompt holds it: the suffix,
// and, when q caps the suffix below the default quarter of the budget,
// the text that follows it up to that quarter, headed by the file's name,
// to go before the prefix. A prefix-first prompt puts its suffix after
// the text that grows as the user types, so the server reads it again at
// every request; the text below the cursor does not change while the user
// types at it, so before the prefix the server's cache keeps it, and the
// model still sees the code that follows.
type after struct{ suffix, below string }

func cutAfter(q Query) after {
	rest := q.Text[q.Offset:]
	a := after{suffix: fitHead(rest, suffixTokens(q))}
	if q.SuffixTokens <= 0 || q.SuffixTokens >= budgetOf(q)/suffixPart {
		return a
	}
	hdr := lang.Get(q.Language).Comment(filepath.Base(q.Path)) + "\n"
	left := budgetOf(q)/suffixPart - EstimateTokens(a.suffix) - EstimateTokens(hdr)
	if below := fitHead(rest[len(a.suffix):], left); strings.TrimSpace(below) != "" && left > 0 {
		a.below = hdr + withNewline(below)
	}
	return a
}

// belowPart is a's below text as a part of q's prompt.
func (a after) belowPart(q Query) Part {
	return Part{Kind: PartBelow, Path: q.Path, Tokens: EstimateTokens(a.below), Text: a.below}
}

const (
	// DefaultBudget is the prompt budget in tokens when none is configured.
	DefaultBudget = 2048
	// suffixPart: by default the suffix gets at most budget/suffixPart
	// tokens, the prefix (and retrieved context) the rest.
	suffixPart = 4
	// headSlack is how far, in tokens, the cut at the top of the prefix
	// moves at once: it stays put while the prefix grows by up to this
	// much, so the text after it stays the same (a model server's prompt
	// cache keeps it).
	headSlack = 256
	// slackPart: the slack is at most budget/slackPart, so that a small
	// budget keeps most of its prefix.
	slackPart = 4
)

// budgetOf is q's budget, or the default.
func budgetOf(q Query) int {
	if q.Budget <= 0 {
		return DefaultBudget
	}
	return q.Budget
}

// suffixTokens is the most the suffix of q may take.
func suffixTokens(q Query) int {
	if q.SuffixTokens > 0 {
		return min(q.SuffixTokens, budgetOf(q)/suffixPart)
	}
	return budgetOf(q) / suffixPart
}

// trimHead keeps an end of the text before the cursor (prefix, which
// starts at the document's start) within budget tokens, cut at a line
// start. Where fitTail would move the cut a line down with every line
// typed, trimHead cuts only at the first line start after a multiple of
// headSlack tokens' worth of bytes (at most budget/slackPart; counted from
// the document's start, so that typing below does not move it): the cut
// stays put until the prefix has grown by that much, at the cost of up to
// that much unused budget.
func trimHead(prefix string, budget int) string {
	tail := fitTail(prefix, budget)
	from := len(prefix) - len(tail)
	if from == 0 || from > 0 && prefix[from-1] != '\n' {
		return tail // all of it fits, or not even the cursor's line does
	}
	step := min(headSlack, budget/slackPart) * bytesPerToken
	if step <= 0 {
		return tail
	}
	cut := (from + step - 1) / step * step
	if cut <= from || cut > len(prefix) {
		return tail
	}
	i := strings.IndexByte(prefix[cut-1:], '\n')
	if i < 0 {
		return tail // the cut would fall in the cursor's line
	}
	return prefix[cut+i:]
}

// EstimateTokens over-estimates the BPE token count of s: code tokenizers
// average 3–4 bytes a token, so it counts one per 3 bytes, plus one per line
// for indentation tokens, plus one per digit (Llama-family tokenizers split
// numbers into single digits). It never overshoots the model's window: the
// estimate of a concatenation is at most the sum of the parts' estimates.
func EstimateTokens(s string) int {
	var lines, digits int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			lines++
		case '0' <= c && c <= '9':
			digits++
		}
	}
	return estimate(len(s), lines, digits)
}

func estimate(bytes, lines, digits int) int {
	return (bytes-digits+bytesPerToken-1)/bytesPerToken + lines + digits
}

// bytesPerToken is EstimateTokens' rate for text other than digits.
const bytesPerToken = 3

// fitTail keeps the longest end of s within budget tokens that starts at a
// line start (or, when even the last line does not fit, the longest end
// that fits, starting at a character boundary). It scans only what it keeps.
func fitTail(s string, budget int) string {
	var lines, digits int
	best := len(s)
	for i := len(s) - 1; i >= 0; i-- {
		switch c := s[i]; {
		case c == '\n':
			lines++
		case '0' <= c && c <= '9':
			digits++
		}
		if estimate(len(s)-i, lines, digits) > budget {
			if best == len(s) { // no whole line fits: cut inside the last one
				best = i + 1
				for best < len(s) && !utf8.RuneStart(s[best]) {
					best++
				}
			}
			return s[best:]
		}
		if i == 0 || s[i-1] == '\n' {
			best = i
		}
	}
	return s
}

// fitHead keeps the longest start of s within budget tokens that ends at a
// line end (or, when even the first line does not fit, the longest start
// that fits, ending at a character boundary).
func fitHead(s string, budget int) string {
	var lines, digits int
	best := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			lines++
		case '0' <= c && c <= '9':
			digits++
		}
		if estimate(i+1, lines, digits) > budget {
			if best == 0 {
				best = i
				for best > 0 && !utf8.RuneStart(s[best]) {
					best--
				}
			}
			return s[:best]
		}
		if s[i] == '\n' || i == len(s)-1 {
			best = i + 1
		}
	}
	return s
}

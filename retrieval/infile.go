package retrieval

import "unicode/utf8"

// InFile assembles a prompt from the current document alone: as much of the
// text before the cursor as fits (cut at a line start), then the text after
// it. It is the prompt when retrieval is off or no index exists yet.
func InFile(q Query) Prompt {
	budget := q.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	prefix, suffix := q.Text[:q.Offset], q.Text[q.Offset:]
	suffix = fitHead(suffix, budget/suffixPart)
	prefix = fitTail(prefix, budget-EstimateTokens(suffix))
	return Prompt{
		Prefix: prefix,
		Suffix: suffix,
		Parts: []Part{
			{Kind: PartPrefix, Path: q.Path, Tokens: EstimateTokens(prefix), Text: prefix},
			{Kind: PartSuffix, Path: q.Path, Tokens: EstimateTokens(suffix), Text: suffix},
		},
		Tokens: EstimateTokens(prefix) + EstimateTokens(suffix),
	}
}

const (
	// DefaultBudget is the prompt budget in tokens when none is configured.
	DefaultBudget = 2048
	// suffixPart: the suffix gets at most budget/suffixPart tokens, the
	// prefix (and retrieved context) the rest.
	suffixPart = 4
)

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
	return (bytes-digits+2)/3 + lines + digits
}

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

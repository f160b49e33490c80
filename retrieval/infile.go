package retrieval

// InFile assembles a prompt from the current document alone: as much of the
// text before the cursor as fits (cut at a line start), then the text after
// it. It is the prompt when retrieval is off or no index exists yet.
func InFile(q Query) Prompt {
	budget := q.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	prefix, suffix := q.Text[:q.Offset], q.Text[q.Offset:]
	// The suffix gets at most a quarter of the budget; the prefix the rest.
	suffix = fitHead(suffix, budget/4)
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

// DefaultBudget is the prompt budget in tokens when none is configured.
const DefaultBudget = 2048

// EstimateTokens over-estimates the BPE token count of s: code tokenizers
// average 3–4 bytes a token, so counting one per 3 bytes (plus one per line
// for indentation tokens) never overshoots the model's window.
func EstimateTokens(s string) int {
	n := (len(s) + 2) / 3
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}

// fitTail keeps the end of s within budget tokens, starting at a line start.
func fitTail(s string, budget int) string {
	if EstimateTokens(s) <= budget {
		return s
	}
	lo := len(s) - budget*3
	for lo < len(s) && EstimateTokens(s[lo:]) > budget {
		lo += (EstimateTokens(s[lo:]) - budget) + 1
	}
	for i := lo; i < len(s); i++ {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s[min(lo, len(s)):]
}

// fitHead keeps the start of s within budget tokens, ending at a line end.
func fitHead(s string, budget int) string {
	if EstimateTokens(s) <= budget {
		return s
	}
	hi := min(budget*3, len(s))
	for hi > 0 && EstimateTokens(s[:hi]) > budget {
		hi -= EstimateTokens(s[:hi]) - budget
	}
	hi = max(hi, 0)
	for i := hi - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[:i+1]
		}
	}
	return s[:hi]
}

package postprocess

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// suffixReach is how many of the suffix's next lines a suggestion may run
// into: the model "continuing" into code that is already there.
const suffixReach = 8

// cutSuffixRepeat ends the suggestion where it starts writing what follows
// the cursor: a line equal or very similar to the suffix's next non-blank
// line, or two
// lines in a row equal to two successive lines among the suffix's next
// few. Nothing is left when that is where it starts.
func cutSuffixRepeat(c *cursor, s string) string {
	next := c.nextLines(suffixReach)
	if len(next) == 0 {
		return s
	}
	for i := range next {
		next[i] = norm(next[i])
	}
	ls := lines(s)
	for i, l := range ls {
		cur := norm(l)
		if !hasWord(cur) || c.keywordCloser(l) {
			continue
		}
		if (i > 0 || c.freshLine()) && (cur == next[0] || similar(cur, next[0])) {
			return strings.Join(ls[:i], "\n")
		}
		if i+1 < len(ls) {
			after := norm(ls[i+1])
			for j := 0; j+1 < len(next); j++ {
				if cur == next[j] && after == next[j+1] && hasWord(after) {
					return strings.Join(ls[:i], "\n")
				}
			}
		}
	}
	return s
}

// similar reports two long lines that differ in a few characters (at most
// one in ten), other than digits: a line written again with a typo or a
// renamed type repeats it; "f(2)" after "f(1)" is the next of a series.
func similar(a, b string) bool {
	if len(a) < 20 || len(b) < 20 || maskDigits(a) == maskDigits(b) {
		return false
	}
	return levenshtein.ComputeDistance(a, b)*10 <= max(len(a), len(b))
}

func maskDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '0'
		}
		return r
	}, s)
}

// norm is a line with its blanks dropped and no statement terminator: two
// lines are "the same" when they differ only there.
func norm(l string) string {
	return strings.TrimRight(strings.Join(strings.Fields(l), ""), ";,")
}

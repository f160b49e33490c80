package postprocess

import "strings"

// suffixReach is how many of the suffix's next lines a suggestion may run
// into: the model "continuing" into code that is already there.
const suffixReach = 8

// cutSuffixRepeat ends the suggestion where it starts writing what follows
// the cursor: a line equal to the suffix's next non-blank line, or two
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
		if cur == next[0] && (i > 0 || c.freshLine()) {
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

// norm is a line with its blanks dropped and no statement terminator: two
// lines are "the same" when they differ only there.
func norm(l string) string {
	return strings.TrimRight(strings.Join(strings.Fields(l), ""), ";,")
}

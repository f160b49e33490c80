package postprocess

import "strings"

// cutRepeats ends the suggestion before a line that repeats the line before
// it — for its first line, the line above the cursor. Lines of only
// brackets and punctuation repeat legitimately ("}" "}").
func cutRepeats(c *cursor, s string) string {
	above := ""
	if i := strings.LastIndexByte(c.prefix, '\n'); i >= 0 {
		before := strings.TrimRight(c.prefix[:i], "\n \t")
		above = strings.TrimSpace(before[strings.LastIndexByte(before, '\n')+1:])
	}
	prev := above
	ls := lines(s)
	for i, l := range ls {
		cur := strings.TrimSpace(l)
		if i == 0 {
			cur = strings.TrimSpace(c.linePrefix + l)
		}
		if cur != "" && cur == prev && hasWord(cur) && !c.keywordCloser(cur) {
			return strings.Join(ls[:i], "\n")
		}
		if cur != "" {
			prev = cur
		}
	}
	return s
}

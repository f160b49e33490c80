package postprocess

import "strings"

// dropLineLeftOpen shows nothing for a suggestion that breaks the line at
// once where the code before the cursor cannot end ("s." or "f(" or "x ="):
// the model lost the thread, and what follows would be inserted after a
// dangling operator.
func dropLineLeftOpen(c *cursor, s string) string {
	code := strings.TrimRight(c.linePrefix, " \t")
	first, rest, multi := strings.Cut(s, "\n")
	if code == "" || !multi || !isBlank(first) || isBlank(rest) {
		return s
	}
	if strings.ContainsRune(".([,=+-*/&|<>!:", rune(code[len(code)-1])) {
		return ""
	}
	return s
}

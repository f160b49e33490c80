package postprocess

import "strings"

// dropTruncatedLine drops the last line of a multi-line answer that stopped
// in the middle of it — at the token limit — leaving a bracket or string
// open that it opened itself, or a dangling operator. An answer that ends
// with a line break finished its last line.
func dropTruncatedLine(c *cursor, s string) string {
	i := strings.LastIndexByte(s, '\n')
	if i < 0 || strings.HasSuffix(s, "\n") {
		return s
	}
	last := s[i+1:]
	// The lexer state where the last line starts.
	st := c.lang.Scan(s[:i+1], c.atState, nil)
	if isBlank(last) || st.Class() != code || !unfinished(c, last) {
		return s
	}
	return s[:i]
}

// unfinished reports whether line, a whole line of code, leaves a bracket
// or string it opened unclosed or ends with an operator.
func unfinished(c *cursor, line string) bool {
	depth := 0
	st := c.lang.Scan(line, zeroState, func(sp span) {
		if sp.Class != code {
			return
		}
		for i := sp.Start; i < sp.End; i++ {
			switch {
			case isOpener(c.lang, line[i]):
				depth++
			case isCloser(c.lang, line[i]):
				depth--
			}
		}
	})
	if depth > 0 || st.Class() == str {
		return true
	}
	t := strings.TrimRight(line, " \t")
	return t != "" && strings.ContainsRune(".=+-*/%&^<", rune(t[len(t)-1])) && !strings.HasSuffix(t, "++") && !strings.HasSuffix(t, "--")
}

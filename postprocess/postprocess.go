package postprocess

import (
	"strings"
)

// Options tune Clean.
type Options struct {
	// SingleLine keeps only the first line of the suggestion.
	SingleLine bool
	// Stop sequences end the suggestion (the stop text is dropped), for
	// backends that do not apply them themselves.
	Stop []string
}

// Clean returns the part of raw worth inserting between prefix and suffix,
// or "" when nothing is. The steps, in order: stop rules; re-indentation in
// the document's style; repeated lines; the rest of the cursor's line (or
// the lines after it) repeated at the end of the suggestion; brackets
// balanced against the prefix and the suffix; trailing whitespace.
func Clean(raw, prefix, suffix string, o Options) string {
	s := strings.ReplaceAll(raw, "\r\n", "\n")
	for _, st := range o.Stop {
		if i := strings.Index(s, st); st != "" && i >= 0 {
			s = s[:i]
		}
	}
	if o.SingleLine {
		s, _, _ = strings.Cut(s, "\n")
	}
	linePrefix := prefix[strings.LastIndexByte(prefix, '\n')+1:]
	restOfLine, _, _ := strings.Cut(suffix, "\n")
	lines := strings.Split(s, "\n")
	if leavesLineOpen(linePrefix, lines) {
		return ""
	}
	// A suggestion that starts a line after its indentation gets no more.
	if linePrefix != "" && strings.TrimLeft(linePrefix, " \t") == "" {
		lines[0] = strings.TrimLeft(lines[0], " \t")
	}
	reindent(lines, prefix)
	lines = cutRepeats(lines, prefix, linePrefix)
	lines = cutUnreachable(lines)
	lines = cutSuffixLines(lines, suffix)
	s = strings.Join(lines, "\n")
	s = cutRestOfLine(s, restOfLine)
	s = balance(s, prefix, restOfLine)
	return trim(s)
}

// exits start the statements after which the rest of their block never
// runs; closers may follow them.
var (
	exits     = []string{"return", "break", "continue", "goto ", "panic(", "raise", "throw ", "os.Exit("}
	blockEnds = []string{"}", ")", "]", "case ", "default", "else", "elif", "except", "finally", "catch", "end"}
)

// cutUnreachable ends the suggestion before a line of the same block that
// follows a return (break, raise ...): a model that goes on there has lost
// the structure, and what follows is dead code or the next declaration.
func cutUnreachable(lines []string) []string {
	for i := 0; i+1 < len(lines); i++ {
		cur := strings.TrimLeft(lines[i], " \t")
		if !isExit(cur) || i == 0 && len(lines[i]) == len(cur) {
			continue
		}
		next := strings.TrimLeft(lines[i+1], " \t")
		if next != "" && !hasAnyPrefix(next, blockEnds) && len(lines[i+1])-len(next) >= len(lines[i])-len(cur) {
			return lines[:i+1]
		}
	}
	return lines
}

// isExit reports whether the statement s leaves its block ("return x", not
// "returned := x").
func isExit(s string) bool {
	for _, e := range exits {
		if strings.HasPrefix(s, e) && (len(s) == len(e) || !isWordByte(e[len(e)-1]) || !isWordByte(s[len(e)])) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// leavesLineOpen reports a suggestion that breaks the line at once where the
// code before the cursor cannot end there ("s." or "f(" or "x ="): the model
// lost the thread, and what follows would be inserted after a dangling
// operator.
func leavesLineOpen(linePrefix string, lines []string) bool {
	code := strings.TrimRight(linePrefix, " \t")
	if code == "" || len(lines) < 2 || strings.TrimSpace(lines[0]) != "" {
		return false
	}
	return strings.ContainsRune(".([,=+-*/&|<>!:", rune(code[len(code)-1]))
}

// trim drops trailing whitespace on every line and trailing blank lines;
// a whitespace-only suggestion becomes "".
func trim(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	s = strings.TrimRight(strings.Join(lines, "\n"), "\n")
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// reindent rewrites the indentation of the lines after the first in the
// document's style (tabs or spaces, as the prefix indents).
func reindent(lines []string, prefix string) {
	tabs, unit := docIndent(prefix)
	if unit == 0 || len(lines) < 2 {
		return
	}
	// How many spaces make a level in the suggestion itself.
	_, own := docIndent(strings.Join(lines[1:], "\n"))
	if own == 0 {
		own = 4
	}
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		ws := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		level := strings.Count(ws, "\t") + (strings.Count(ws, " ")+own/2)/own
		want := strings.Repeat(" ", level*unit)
		if tabs {
			want = strings.Repeat("\t", level)
		}
		if strings.Contains(ws, "\t") != tabs {
			lines[i] = want + l[len(ws):]
		}
	}
}

// docIndent reports whether the document indents with tabs and, for
// spaces, how many make a level (0: no indented line seen).
func docIndent(prefix string) (tabs bool, unit int) {
	var votes [9]int
	prev, seen := 0, false
	for _, l := range strings.Split(prefix, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if l[0] == '\t' {
			return true, 1
		}
		sp := len(l) - len(strings.TrimLeft(l, " "))
		if d := sp - prev; d > 0 && d <= 8 {
			votes[d]++
			seen = true
		}
		prev = sp
	}
	if !seen {
		return false, 0
	}
	best := 4
	for d := 2; d <= 8; d++ {
		if votes[d] > votes[best] {
			best = d
		}
	}
	return false, best
}

// cutRepeats ends the suggestion before a line that repeats the line before
// it, or (for its first line) the prefix's line just above the cursor.
// Lines of only brackets and punctuation repeat legitimately ("}" "}").
func cutRepeats(lines []string, prefix, linePrefix string) []string {
	above := ""
	if i := strings.LastIndexByte(prefix, '\n'); i >= 0 {
		before := strings.TrimRight(prefix[:i], "\n \t")
		above = strings.TrimSpace(before[strings.LastIndexByte(before, '\n')+1:])
	}
	prev := above
	for i, l := range lines {
		cur := strings.TrimSpace(l)
		if i == 0 {
			cur = strings.TrimSpace(linePrefix + l)
		}
		if cur != "" && cur == prev && hasWord(cur) {
			return lines[:i]
		}
		if cur != "" {
			prev = cur
		}
	}
	return lines
}

func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
	}) >= 0
}

// cutSuffixLines drops trailing lines of a multi-line suggestion that the
// document already has right after the cursor's line.
func cutSuffixLines(lines []string, suffix string) []string {
	if len(lines) < 2 {
		return lines
	}
	_, after, _ := strings.Cut(suffix, "\n")
	var next []string
	for _, l := range strings.Split(after, "\n") {
		if strings.TrimSpace(l) != "" {
			next = append(next, strings.TrimSpace(l))
		}
		if len(next) == len(lines)-1 {
			break
		}
	}
	for j := min(len(lines)-1, len(next)); j > 0; j-- {
		match := true
		for k := range j {
			if strings.TrimSpace(lines[len(lines)-j+k]) != next[k] {
				match = false
				break
			}
		}
		if match {
			return lines[:len(lines)-j]
		}
	}
	return lines
}

// cutRestOfLine drops the end of the suggestion when it repeats the text
// after the cursor on its line. Closers alone are left to balance, which
// can tell a bracket the suggestion opened from one the suffix supplies.
func cutRestOfLine(s, rest string) string {
	r := strings.TrimSpace(rest)
	if !hasWord(r) {
		return s
	}
	t := strings.TrimRight(s, " \t")
	if strings.HasSuffix(t, r) {
		return t[:len(t)-len(r)]
	}
	return s
}

const openers, closers = "([{", ")]}"

// balance cuts the suggestion where it closes a bracket it never opened,
// when that bracket is not the innermost one open before the cursor, or when
// the text after the cursor on its line already closes it.
func balance(s, prefix, rest string) string {
	open := openStack(prefix)
	supplied := suppliedClosers(rest)
	var own []byte
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote || c == '\n' {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case strings.IndexByte(openers, c) >= 0:
			own = append(own, c)
		case strings.IndexByte(closers, c) >= 0:
			want := openers[strings.IndexByte(closers, c)]
			if len(own) > 0 {
				if own[len(own)-1] != want {
					return s[:i]
				}
				own = own[:len(own)-1]
				continue
			}
			if len(open) == 0 || open[len(open)-1] != want || (len(supplied) > 0 && supplied[0] == c) {
				return s[:i]
			}
			open = open[:len(open)-1]
		}
	}
	return s
}

// openStack is the brackets open at the end of text (the last 8 KB),
// outside string literals on a line.
func openStack(text string) []byte {
	if len(text) > 8<<10 {
		text = text[len(text)-8<<10:]
	}
	var st []byte
	quote := byte(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote || (c == '\n' && quote != '`') {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case strings.IndexByte(openers, c) >= 0:
			st = append(st, c)
		case strings.IndexByte(closers, c) >= 0:
			if len(st) > 0 && st[len(st)-1] == openers[strings.IndexByte(closers, c)] {
				st = st[:len(st)-1]
			}
		}
	}
	return st
}

// suppliedClosers lists, in order, the closers in rest that close brackets
// opened before the cursor.
func suppliedClosers(rest string) []byte {
	var out []byte
	depth := 0
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case strings.IndexByte(openers, c) >= 0:
			depth++
		case strings.IndexByte(closers, c) >= 0:
			if depth > 0 {
				depth--
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}

package postprocess

import (
	"strings"

	"github.com/ghostline/ghostline/lang"
)

// cutAtBlockEnd ends a multi-line suggestion where the block it started in
// ends, so that it does not run on into the next branch, method or
// declaration:
//   - after a line of only closers that closes a bracket opened before the
//     cursor's line (and any such lines right after it), and before any
//     other line that starts by closing one ("} else {", "} catch");
//   - after a line that closes such a bracket further along ("b)");
//   - before a line indented less than the suggestion's first line (the
//     cursor's block), unless it is the language's block-ending keyword
//     alone ("end"), which is kept as the last line;
//   - before a line back at the first line's indentation after a blank
//     line, once the suggestion has opened and closed a block of its own
//     (the next declaration).
//
// A last line that only repeats the suffix's closing keyword goes too.
func cutAtBlockEnd(c *cursor, s string) string {
	ls := lines(s)
	if len(ls) < 2 {
		return s
	}
	ref := c.refIndent(ls)
	level := 0 // brackets open: the cursor's line's own, then the suggestion's
	for _, o := range c.open {
		if o.line {
			level++
		}
	}
	st := c.atState
	closed, deeper, prevBlank := false, false, false
	end := len(ls)
lines:
	for i, l := range ls {
		startLevel, inCode := level, st.Class() == code
		minLevel, first := level, true
		firstCloses := false
		st = c.walk(l, st, func(j, _ int, open bool) {
			if open {
				level++
			} else {
				level--
			}
			if first && !open && isBlank(l[:j]) {
				firstCloses = level < 0
			}
			first = false
			minLevel = min(minLevel, level)
		})
		blank := isBlank(l)
		if i > 0 && !blank && inCode {
			pure := c.onlyCloserLine(l)
			switch {
			case closed:
				if !(pure && minLevel < startLevel) {
					end = i
					break lines
				}
			case firstCloses:
				if !pure {
					end = i
					break lines
				}
				closed = true
			case startLevel > 0:
			case lang.IndentWidth(l) < ref:
				if !c.endsBlock(l, ls[i+1:]) {
					end = i
					break lines
				}
				closed = true
			case lang.IndentWidth(l) == ref && prevBlank && deeper:
				end = i
				break lines
			}
		}
		if !closed && minLevel < 0 && !blank {
			closed = true // "b)": closed the enclosing bracket further along
		}
		if !blank && (lang.IndentWidth(l) > ref || level > 0) && i > 0 {
			deeper = true
		}
		if level > 0 {
			deeper = true
		}
		prevBlank = blank
	}
	// A closing keyword the suffix already has on its next line.
	for end > 1 && isBlank(ls[end-1]) {
		end--
	}
	if last := ls[end-1]; end > 1 && c.keywordCloser(last) {
		if next := c.nextLines(1); len(next) == 1 && strings.TrimRight(next[0], " \t") == strings.TrimRight(last, " \t") {
			end--
		}
	}
	return strings.Join(ls[:end], "\n")
}

// refIndent is the indentation of the block the suggestion starts in: the
// cursor's line's, or, at the start of a line, that of the suggestion's
// first non-blank line.
func (c *cursor) refIndent(ls []string) int {
	if !c.freshLine() {
		return lang.IndentWidth(c.linePrefix)
	}
	for i, l := range ls {
		if !isBlank(l) {
			if i == 0 {
				return lang.IndentWidth(c.linePrefix + l)
			}
			return lang.IndentWidth(l)
		}
	}
	return lang.IndentWidth(c.linePrefix)
}

// onlyCloserLine reports a line of nothing but closing brackets and the
// punctuation after them ("}", "});", "],").
func (c *cursor) onlyCloserLine(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if b := t[i]; !isCloser(c.lang, b) && b != ';' && b != ',' && b != ' ' {
			return false
		}
	}
	return true
}

// endsBlock reports whether l, indented less than the block, closes it: the
// language's block-ending keyword alone on its line ("end", "fi"), with no
// deeper body after it (that would be a branch such as "else").
func (c *cursor) endsBlock(l string, after []string) bool {
	if !c.keywordCloser(l) {
		return false
	}
	for _, a := range after {
		if !isBlank(a) {
			return lang.IndentWidth(a) <= lang.IndentWidth(l)
		}
	}
	return true
}

// keywordCloser reports a line that is one block-ending keyword and no
// bracket ("end", "end;").
func (c *cursor) keywordCloser(l string) bool {
	t := strings.TrimRight(strings.TrimSpace(l), ";")
	return t != "" && hasLetter(t) && !strings.ContainsAny(t, " \t") && c.lang.IsBlockEnd(t) && strings.IndexFunc(t, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

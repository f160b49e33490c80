package builtin

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ghostline/ghostline/lang"
)

// The lexer turns source text into the model's tokens. A token is the exact
// text of one lexeme, with a leading " " when horizontal whitespace separated
// it from the previous token on the same line (so detokenising is a plain
// concatenation and spacing comes out as the code base writes it). A line
// break is one token that also says how the next line's indentation level
// changes against the previous non-blank line, so it costs one token of
// context, not two. Blank lines and comments are dropped: the model predicts
// code, not prose.
const (
	// longString replaces string literals too long to be worth remembering;
	// the model never emits it (generation stops there).
	longString = "\x00str"
	// maxStringToken is the longest string literal kept verbatim.
	maxStringToken = 48
)

// newlineToken is a line break followed by a change of indentation level,
// clamped to [-4, +3].
func newlineToken(delta int) string {
	delta = max(-4, min(3, delta))
	return newlineTokens[delta+4]
}

var newlineTokens = [...]string{"\x00n-4", "\x00n-3", "\x00n-2", "\x00n-1", "\x00n0", "\x00n+1", "\x00n+2", "\x00n+3"}

// newlineDelta is the inverse of newlineToken; ok is false for other tokens.
func newlineDelta(tok string) (int, bool) {
	if len(tok) < 3 || tok[0] != 0 || tok[1] != 'n' {
		return 0, false
	}
	for i, t := range newlineTokens {
		if t == tok {
			return i - 4, true
		}
	}
	return 0, false
}

// lexer state for one text.
type lexer struct {
	syn *lang.Language
	src string
	i   int
	out []string
	// spans are src's comments and strings (package lang), in order; next
	// is the first not yet passed.
	spans []lang.Span
	next  int
	// levels of the previous non-blank line, for indentation deltas.
	prevLevel int
	spaceUnit int // spaces per indentation level
	atLine    bool
	started   bool // a token has been emitted on this line
	space     bool // whitespace seen since the last token on this line
}

// lex tokenises src. When prefix is true src ends at a cursor: a last line
// holding only indentation still gets its line-break token, and
// the result reports whether the text ends inside a comment (then the
// cursor is in prose and the model stays quiet) and whether it ends with
// whitespace after a token (the next token's separating space is typed).
func lex(src, language string, prefix bool) (toks []string, inComment, trailingSpace bool) {
	toks, end, trailingSpace := lexFrom(src, language, lang.State{}, prefix)
	return toks, end == lang.Comment, trailingSpace
}

// lexFrom is lex for a text that begins in state st (inside a comment or
// string where a prompt cut its file); end is the class of what follows
// src.
func lexFrom(src, language string, st lang.State, prefix bool) (toks []string, end lang.Class, trailingSpace bool) {
	l := &lexer{syn: lang.Get(language), src: src, atLine: true, spaceUnit: detectSpaceUnit(src)}
	after := l.syn.Scan(src, st, func(s lang.Span) {
		if s.Class != lang.Code {
			l.spans = append(l.spans, s)
		}
	})
	l.run(prefix)
	return l.out, after.Class(), l.space && l.started
}

// isQuoted reports whether a token is a string literal (or a piece of a
// template literal).
func isQuoted(t string) bool {
	t = strings.TrimPrefix(t, " ")
	return t != "" && (t[0] == '"' || t[0] == '\'' || t[0] == '`')
}

func (l *lexer) emit(tok string) {
	if l.space && l.started {
		tok = " " + tok
	}
	l.out = append(l.out, tok)
	l.started, l.space = true, false
}

// run lexes the whole text.
func (l *lexer) run(prefix bool) {
	src := l.src
	for l.i < len(src) {
		if l.atLine {
			if l.lineStart(prefix) {
				continue
			}
			if l.i >= len(src) {
				break
			}
		}
		c := src[l.i]
		for l.next < len(l.spans) && l.spans[l.next].End <= l.i {
			l.next++
		}
		var span lang.Span
		if l.next < len(l.spans) && l.spans[l.next].Start == l.i {
			span = l.spans[l.next]
		}
		switch {
		case span.Class == lang.Comment:
			l.i = span.End
			l.space = true
		case span.Class == lang.String:
			l.emitString(src[span.Start:span.End])
			l.i = span.End
		case c == '\n':
			l.i++
			if l.started {
				l.atLine = true
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.i++
			l.space = true
		case c >= '0' && c <= '9' || (c == '.' && l.i+1 < len(src) && src[l.i+1] >= '0' && src[l.i+1] <= '9'):
			j := l.i + 1
			for j < len(src) && (isIdentByte(src[j]) || src[j] == '.' ||
				((src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E') && !strings.HasPrefix(src[l.i:], "0x"))) {
				j++
			}
			l.emit(src[l.i:j])
			l.i = j
		case isIdentStart(src, l.i):
			j := l.i
			for j < len(src) {
				r, size := utf8.DecodeRuneInString(src[j:])
				if !(r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					break
				}
				j += size
			}
			l.emit(src[l.i:j])
			l.i = j
		default:
			n := 1
			for _, op := range l.syn.Operators {
				if strings.HasPrefix(src[l.i:], op) {
					n = len(op)
					break
				}
			}
			if n == 1 && c >= utf8.RuneSelf {
				_, n = utf8.DecodeRuneInString(src[l.i:])
			}
			l.emit(src[l.i : l.i+n])
			l.i += n
		}
	}
	if prefix && l.atLine {
		l.lineStart(prefix) // the cursor starts a new line
	}
}

// lineStart handles indentation at the start of a line. It returns true when
// the line is blank and was skipped.
func (l *lexer) lineStart(prefix bool) bool {
	src := l.src
	j, tabs, spaces := l.i, 0, 0
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		if src[j] == '\t' {
			tabs++
		} else {
			spaces++
		}
		j++
	}
	if j < len(src) && (src[j] == '\n' || src[j] == '\r') {
		l.i = j + 1
		if src[j] == '\r' && l.i < len(src) && src[l.i] == '\n' {
			l.i++
		}
		return true
	}
	if j >= len(src) && !prefix {
		l.i = j
		return true
	}
	level := tabs + (spaces+l.spaceUnit/2)/l.spaceUnit
	if len(l.out) > 0 {
		l.out = append(l.out, newlineToken(level-l.prevLevel))
	}
	l.prevLevel = level
	l.i = j
	l.atLine, l.started, l.space = false, false, false
	return false
}

func (l *lexer) emitString(s string) {
	if len(s) > maxStringToken || strings.Contains(s, "\n") {
		s = longString
	}
	l.emit(s)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

func isIdentStart(s string, i int) bool {
	c := s[i]
	if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		return true
	}
	if c < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// detectSpaceUnit guesses how many spaces make one indentation level: the
// most common positive difference between consecutive space-indented lines.
func detectSpaceUnit(src string) int {
	var votes [9]int
	prev := 0
	for n, line := 0, ""; len(src) > 0 && n < 2000; n++ {
		line, src, _ = strings.Cut(src, "\n")
		if strings.TrimSpace(line) == "" || line[0] == '\t' {
			continue
		}
		sp := len(line) - len(strings.TrimLeft(line, " "))
		if d := sp - prev; d > 0 && d <= 8 {
			votes[d]++
		}
		prev = sp
	}
	best := 4
	for d := 2; d <= 8; d++ {
		if votes[d] > votes[best] {
			best = d
		}
	}
	return best
}

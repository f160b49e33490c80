package builtin

import (
	"strings"
	"unicode"
	"unicode/utf8"
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

// syntax is what the lexer needs to know about a language.
type syntax struct {
	lineComment  []string // e.g. "//", "#"
	blockComment [2]string
	tripleQuotes bool // Python's ''' and """
	backquote    bool // `raw` strings (Go, JavaScript templates)
	ops          []string
}

var (
	cLike = syntax{
		lineComment:  []string{"//"},
		blockComment: [2]string{"/*", "*/"},
		backquote:    true,
		ops: []string{"<<=", ">>=", "...", "&^=", "===", "!==", "**=", ">>>",
			":=", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--", "+=", "-=", "*=",
			"/=", "%=", "&=", "|=", "^=", "<<", ">>", "->", "::", "=>", "&^", "**", "?."},
	}
	hashComments = syntax{
		lineComment:  []string{"#"},
		tripleQuotes: true,
		ops: []string{"**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=",
			"**", "//", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "@="},
	}
)

func syntaxFor(lang string) *syntax {
	switch lang {
	case "python", "ruby", "shellscript", "sh", "bash", "perl", "r", "yaml", "toml", "makefile", "dockerfile", "cmake", "elixir", "nim":
		return &hashComments
	}
	return &cLike
}

// lexer state for one text.
type lexer struct {
	syn *syntax
	src string
	i   int
	out []string
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
func lex(src, lang string, prefix bool) (toks []string, inComment, trailingSpace bool) {
	l := &lexer{syn: syntaxFor(lang), src: src, atLine: true, spaceUnit: detectSpaceUnit(src)}
	inComment = l.run(prefix)
	return l.out, inComment, l.space && l.started
}

func (l *lexer) emit(tok string) {
	if l.space && l.started {
		tok = " " + tok
	}
	l.out = append(l.out, tok)
	l.started, l.space = true, false
}

// run lexes the whole text and reports whether it ended inside a comment.
func (l *lexer) run(prefix bool) bool {
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
		switch {
		case c == '\n':
			l.i++
			if l.started {
				l.atLine = true
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.i++
			l.space = true
		case l.hasAny(l.syn.lineComment):
			j := strings.IndexByte(src[l.i:], '\n')
			if j < 0 {
				l.i = len(src)
				return true
			}
			l.i += j
			l.space = true
		case l.syn.blockComment[0] != "" && strings.HasPrefix(src[l.i:], l.syn.blockComment[0]):
			j := strings.Index(src[l.i+2:], l.syn.blockComment[1])
			if j < 0 {
				l.i = len(src)
				return true
			}
			l.i += 2 + j + len(l.syn.blockComment[1])
			l.space = true
		case c == '"' || c == '\'' || (c == '`' && l.syn.backquote):
			l.str()
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
			for _, op := range l.syn.ops {
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
	return false
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

func (l *lexer) hasAny(prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(l.src[l.i:], p) {
			return true
		}
	}
	return false
}

// str lexes a string or character literal. An unterminated one (the cursor
// is inside it) runs to the end of the line.
func (l *lexer) str() {
	src := l.src
	q := src[l.i]
	if l.syn.tripleQuotes && strings.HasPrefix(src[l.i:], strings.Repeat(string(q), 3)) {
		end := strings.Index(src[l.i+3:], strings.Repeat(string(q), 3))
		j := len(src)
		if end >= 0 {
			j = l.i + 3 + end + 3
		}
		l.emitString(src[l.i:j])
		l.i = j
		return
	}
	j := l.i + 1
	for j < len(src) {
		c := src[j]
		if c == '\\' && q != '`' {
			j += 2
			continue
		}
		if c == '\n' && q != '`' {
			break
		}
		j++
		if c == q {
			break
		}
	}
	j = min(j, len(src))
	l.emitString(src[l.i:j])
	l.i = j
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

package lang

import (
	"path"
	"slices"
	"strings"
)

// Language is what ghostline knows about one language. Values come from Get
// and must not be modified.
type Language struct {
	// ID is the LSP language id.
	ID string
	// Family is the language this one is a dialect of ("javascript" for
	// javascriptreact, "typescript" for typescriptreact, "c" for
	// objective-c, "css" for scss), or ID itself.
	Family string
	// Extensions (lower case, without the dot) and Names (whole lower-case
	// file names such as "makefile") of the files in this language.
	Extensions, Names []string

	// LineComments open a comment that runs to the end of the line.
	LineComments []string
	// BlockComments open and close comments that may span lines.
	BlockComments []Pair
	// HashNeedsSpace: a line comment opens only at the start of a line or
	// after a blank ("$#" and "a#b" in shell, "a#b" in YAML are not
	// comments).
	HashNeedsSpace bool
	// Strings are the string and character literal delimiters, longest
	// opener first.
	Strings []Quote
	// DocStrings are string openers that, starting a line, begin
	// documentation (Python's docstrings).
	DocStrings []string
	// Brackets are the pairs that must balance in code.
	Brackets []Pair

	// BlockEnds start a line that closes the enclosing block or begins its
	// next branch ("}", "else", "end", "fi").
	BlockEnds []string
	// Exits start a statement after which the rest of the block never runs
	// ("return", "break", "raise", "panic(").
	Exits []string
	// Operators are the multi-byte operators, longest first.
	Operators []string

	keywords map[string]bool
	// opens marks the bytes a comment or string delimiter starts with.
	opens [256]bool
	// interp is the quote of Strings with an Interp, or nil.
	interp *Quote
}

// Pair is an opening and a closing delimiter.
type Pair struct{ Open, Close string }

// Quote is one kind of string or character literal.
type Quote struct {
	Open, Close string
	// Raw: a backslash escapes nothing (Go's `...`, shell's '...').
	Raw bool
	// Multiline: the literal may span lines; otherwise a line break ends
	// an unterminated one.
	Multiline bool
	// MaxLen, when set, is the longest literal in bytes, delimiters
	// included: an opener not closed within it is not a literal (Rust's
	// 'a' is a character, its 'a a lifetime).
	MaxLen int
	// Interp opens code inside the literal, up to the `}` that balances
	// it (JavaScript's `a ${b} c`). At most one quote of a language has
	// one: the lexer resumes that quote after the `}`.
	Interp string
}

// Of returns the LSP language id of the file at path p from its name
// ("go", "python", "typescriptreact", ...), or "" when the name says
// nothing known.
func Of(p string) string {
	base := strings.ToLower(path.Base(strings.ReplaceAll(p, "\\", "/")))
	if l, ok := byName[base]; ok {
		return l.ID
	}
	i := strings.LastIndexByte(base, '.')
	if i < 0 {
		return ""
	}
	if l, ok := byExt[base[i+1:]]; ok {
		return l.ID
	}
	return ""
}

// Get returns the language with LSP id id. An unknown id gets C-like
// syntax with no keywords, under its own id.
func Get(id string) *Language {
	if l, ok := byID[id]; ok {
		return l
	}
	l := *fallback
	l.ID, l.Family = id, id
	return &l
}

// Known reports whether id is a language listed here.
func Known(id string) bool {
	_, ok := byID[id]
	return ok
}

// IDs returns the ids of every language listed here, in table order.
func IDs() []string {
	out := make([]string, len(table))
	for i, l := range table {
		out[i] = l.ID
	}
	return out
}

// IsKeyword reports whether w is one of the language's keywords or most
// common predeclared names (builtin types and functions): words that say
// nothing about what a line of code is about.
func (l *Language) IsKeyword(w string) bool { return l.keywords[w] }

// Comment returns text as a one-line comment ("// a.go", "<!-- a.md -->").
// Languages without comments (JSON) get JSONC's "//".
func (l *Language) Comment(text string) string {
	switch {
	case len(l.LineComments) > 0:
		return l.LineComments[0] + " " + text
	case len(l.BlockComments) > 0:
		return l.BlockComments[0].Open + " " + text + " " + l.BlockComments[0].Close
	}
	return "// " + text
}

// IsCommentLine reports whether line, leading blanks aside, starts with a
// comment opener or a docstring (or continues a block comment with "*", C
// style).
func (l *Language) IsCommentLine(line string) bool {
	t := strings.TrimLeft(line, " \t")
	for _, c := range slices.Concat(l.LineComments, l.DocStrings) {
		if strings.HasPrefix(t, c) {
			return true
		}
	}
	for _, c := range l.BlockComments {
		if strings.HasPrefix(t, c.Open) || c.Open == "/*" && strings.HasPrefix(t, "*") {
			return true
		}
	}
	return false
}

// IsExit reports whether line, leading blanks aside, starts with one of
// the language's Exits.
func (l *Language) IsExit(line string) bool { return startsWithAny(line, l.Exits) }

// IsBlockEnd reports whether line, leading blanks aside, starts with one
// of the language's BlockEnds.
func (l *Language) IsBlockEnd(line string) bool { return startsWithAny(line, l.BlockEnds) }

// startsWithAny matches words whole ("end" is not "endpoint") and
// punctuation or call openers ("}", "panic(") as prefixes.
func startsWithAny(line string, words []string) bool {
	t := strings.TrimLeft(line, " \t")
	for _, w := range words {
		if !strings.HasPrefix(t, w) {
			continue
		}
		if !isWordByte(w[len(w)-1]) || len(t) == len(w) || !isWordByte(t[len(w)]) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

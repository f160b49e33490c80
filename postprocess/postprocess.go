package postprocess

import (
	"strings"

	"github.com/ghostline/ghostline/lang"
)

// Input is a model's raw answer and the document around the cursor.
type Input struct {
	Raw            string
	Prefix, Suffix string // the document before and after the cursor
	// Language is the LSP language id; "" takes it from Path.
	Language, Path string
	// SingleLine keeps one line whatever the cursor's line holds.
	SingleLine bool
	// Stop sequences end the answer (the stop text is dropped), for
	// backends that do not apply them themselves.
	Stop []string
}

// Result is what to offer: Text replaces the first Replace bytes of the
// suffix (on the cursor's line: closers the editor inserted, text the
// suggestion retypes) — an item's range. Text "" offers nothing.
type Result struct {
	Text    string
	Replace int
	// Changed names the filters that changed the answer, in order.
	Changed []string
}

// filter is one step: it gets the answer as the steps before left it and
// returns it changed or not. A filter may set c.replace.
type filter struct {
	name  string
	apply func(c *cursor, s string) string
}

// filters run in this order: the answer is first cut where the model
// stopped making sense (stop text, one line, unfinished last line), then
// whitespace is fixed, then what repeats itself or the suffix and what runs
// past the block goes, and last the range and the closers are decided
// against the suffix.
var filters = []filter{
	{"stop", cutAtStop},
	{"singleline", keepOneLine},
	{"truncated", dropTruncatedLine},
	{"leading", fixLeadingSpace},
	{"indent", reindent},
	{"lineopen", dropLineLeftOpen},
	{"degenerate", cutDegenerate},
	{"repeat", cutRepeats},
	{"suffix", cutSuffixRepeat},
	{"blockend", cutAtBlockEnd},
	{"unreachable", cutUnreachable},
	{"range", chooseRange},
	{"closers", fixClosers},
	{"trim", trim},
}

// Process runs every filter over in.Raw.
func Process(in Input) Result {
	c := newCursor(in)
	s := strings.ReplaceAll(in.Raw, "\r\n", "\n")
	var changed []string
	for _, f := range filters {
		before, replace := s, c.replace
		s = f.apply(c, s)
		if s != before || c.replace != replace {
			changed = append(changed, f.name)
		}
		if s == "" {
			break
		}
	}
	if s == "" || s == c.lineSuffix[:c.replace] {
		// Nothing left, or only what the document already has.
		return Result{Changed: changed}
	}
	return Result{Text: s, Replace: c.replace, Changed: changed}
}

// Clean is Process for callers that insert at the cursor and replace
// nothing: the text only, with no range.
func Clean(raw, prefix, suffix string, o Options) string {
	return Process(Input{Raw: raw, Prefix: prefix, Suffix: suffix, Language: o.Language, SingleLine: o.SingleLine, Stop: o.Stop}).Text
}

// Options tune Clean.
type Options struct {
	Language   string
	SingleLine bool
	Stop       []string
}

// MultiLine reports whether a suggestion at the cursor may span lines:
// where the rest of the cursor's line is empty or only closers the editor
// inserted (")", "});", a closing quote).
func MultiLine(language, suffix string) bool {
	rest, _, _ := strings.Cut(suffix, "\n")
	return onlyClosers(lang.Get(language), rest)
}

// cursor is what every filter is told about where the answer goes.
type cursor struct {
	lang           *lang.Language
	prefix, suffix string
	// linePrefix and lineSuffix are the cursor's line before and after it.
	linePrefix, lineSuffix string
	multiLine              bool
	stop                   []string
	indent                 indentation
	// brackets: the prefix's open brackets and lexer state at the cursor.
	open    []openBracket
	atState lang.State
	pairs   *pairTable
	// replace is the range's length in bytes of the suffix (set by chooseRange).
	replace int
}

func newCursor(in Input) *cursor {
	id := in.Language
	if id == "" {
		id = lang.Of(in.Path)
	}
	c := &cursor{lang: lang.Get(id), prefix: in.Prefix, suffix: in.Suffix, stop: in.Stop}
	c.linePrefix = in.Prefix[strings.LastIndexByte(in.Prefix, '\n')+1:]
	c.lineSuffix, _, _ = strings.Cut(in.Suffix, "\n")
	c.lineSuffix = strings.TrimSuffix(c.lineSuffix, "\r")
	c.multiLine = !in.SingleLine && onlyClosers(c.lang, c.lineSuffix)
	c.indent = docIndent(in.Prefix)
	c.pairs = pairsOf(c.lang)
	c.open, c.atState = openBrackets(c.lang, c.pairs, in.Prefix)
	return c
}

// onlyClosers reports whether rest holds nothing but blanks, closing
// brackets, quotes and the punctuation that ends a statement: what editors
// insert after the cursor as the user types an opener.
func onlyClosers(l *lang.Language, rest string) bool {
	for i := 0; i < len(rest); i++ {
		switch b := rest[i]; {
		case b == ' ' || b == '\t' || b == ';' || b == ',' || b == '\r':
		case isCloser(l, b) || isQuote(l, b):
		default:
			return false
		}
	}
	return true
}

func isQuote(l *lang.Language, b byte) bool {
	for _, q := range l.Strings {
		if q.Close != "" && q.Close[len(q.Close)-1] == b {
			return true
		}
	}
	return false
}

// lines splits s at line ends.
func lines(s string) []string { return strings.Split(s, "\n") }

// hasWord reports whether s has a letter or digit.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
	}) >= 0
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// nextLines returns the suffix's first n non-blank lines after the
// cursor's line.
func (c *cursor) nextLines(n int) []string {
	_, after, _ := strings.Cut(c.suffix, "\n")
	var out []string
	for len(out) < n && after != "" {
		var l string
		l, after, _ = strings.Cut(after, "\n")
		if !isBlank(l) {
			out = append(out, l)
		}
	}
	return out
}

// freshLine reports whether the answer's first line starts a line of its
// own (only blanks before the cursor).
func (c *cursor) freshLine() bool { return isBlank(c.linePrefix) }

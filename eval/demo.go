package eval

import (
	"regexp"
	"strings"
)

// CutKind is where a demo cursor stands in a line, as a programmer types it.
type CutKind string

const (
	CutAfterDot   CutKind = "after a selector dot"
	CutAfterParen CutKind = "after an opening parenthesis"
	CutAfterIdent CutKind = "after an identifier"
	CutLineStart  CutKind = "at the start of a body line"
	CutBlock      CutKind = "on the first line of a new block (multi-line)"
)

// CutKinds is the order the demo shows them in.
var CutKinds = []CutKind{CutAfterDot, CutAfterParen, CutAfterIdent, CutLineStart, CutBlock}

// Cut is a cursor in a real file with everything after it on its line (or,
// for a block, the block's body) removed: what the programmer has typed so
// far, and what they went on to type.
type Cut struct {
	Kind   CutKind
	Line   int    // 1-based
	Typed  string // the line up to the cursor
	Want   string // what really followed (for a block: its body)
	Text   string // the file as it was while typing: Want missing
	Offset int    // the cursor in Text, in bytes
}

// The lines each kind is cut in: statements inside a function body (one
// tab or more), long enough that the rest is worth predicting.
var (
	dotRe   = regexp.MustCompile(`^\t+[^/\s].*?\b[a-z]\w*\.()[A-Za-z]\w*\(.{8,}$`)
	parenRe = regexp.MustCompile(`^\t+[^/\s].*?\b[A-Za-z]\w*\(()[^)].{8,}$`)
	identRe = regexp.MustCompile(`^\t+[a-z]\w*()(?:, \w+)? :?= .{8,}$`)
	startRe = regexp.MustCompile(`^(\t\t+)()[a-z]\w*[.(].{12,}$`)
	blockRe = regexp.MustCompile(`^(\t+)if err != nil \{()$`)
)

// FindCut returns the first line of src (Go source) at or after line from
// (1-based) where a cursor of kind k fits, and false when none does.
func FindCut(src string, k CutKind, from int) (Cut, bool) {
	re := map[CutKind]*regexp.Regexp{CutAfterDot: dotRe, CutAfterParen: parenRe, CutAfterIdent: identRe, CutLineStart: startRe, CutBlock: blockRe}[k]
	lines := strings.SplitAfter(src, "\n")
	off := 0
	for i, l := range lines {
		line := strings.TrimSuffix(l, "\n")
		m := re.FindStringSubmatchIndex(line)
		if i+1 < from || m == nil {
			off += len(l)
			continue
		}
		col := m[len(m)-2] // the empty group marks the cursor
		c := Cut{Kind: k, Line: i + 1, Typed: line[:col], Offset: off + col}
		if k != CutBlock {
			c.Want = line[col:]
			c.Text = src[:off+col] + src[off+len(line):]
			return c, true
		}
		// The block's body and its closing line: the next line back at the
		// opening line's indentation.
		indent := line[m[2]:m[3]]
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], indent+"}") {
			end++
		}
		if end == len(lines) || end-i < 3 || end-i > 5 { // a body of 2 to 4 lines
			off += len(l)
			continue
		}
		// The cursor waits on the body's first line, indented, as an
		// editor leaves it after Enter, the closing brace already there.
		first := lines[i+1]
		ind := len(first) - len(strings.TrimLeft(first, "\t"))
		start := off + len(l) + ind
		c.Line, c.Typed, c.Offset = i+2, first[:ind], start
		c.Want = strings.TrimSuffix(strings.Join(lines[i+1:end], "")[ind:], "\n")
		c.Text = src[:start] + src[start+len(c.Want):]
		return c, true
	}
	return Cut{}, false
}

// Verdict compares a suggestion with what was really typed: "exact",
// "close" (edit similarity at least 0.5, or a correct start of it),
// "different", or "no suggestion".
func Verdict(got, want string) string {
	g, w := strings.TrimRight(got, " \t\n"), strings.TrimRight(want, " \t\n")
	switch {
	case g == "":
		return "no suggestion"
	case g == w:
		return "exact"
	case strings.HasPrefix(w, g) || EditSimilarity(g, w) >= 0.5:
		return "close"
	}
	return "different"
}

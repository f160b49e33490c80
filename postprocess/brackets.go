package postprocess

import (
	"strings"

	"github.com/ghostline/ghostline/lang"
)

// The lexer's vocabulary, for brevity.
type span = lang.Span

const (
	code = lang.Code
	str  = lang.String
)

var zeroState lang.State

// window bounds how much of the prefix and of the suffix the bracket stack
// reads: enough for the blocks around the cursor, cheap on every keystroke.
const window = 8 << 10

func isOpener(l *lang.Language, b byte) bool { return pairOf(l, b, true) >= 0 }
func isCloser(l *lang.Language, b byte) bool { return pairOf(l, b, false) >= 0 }

// pairOf is the index in l.Brackets of the one-byte pair that b opens
// (open) or closes, or -1.
func pairOf(l *lang.Language, b byte, open bool) int {
	for i, p := range l.Brackets {
		d := p.Close
		if open {
			d = p.Open
		}
		if len(d) == 1 && d[0] == b {
			return i
		}
	}
	return -1
}

// pairTable is pairOf for every byte, made once per cursor: the walks
// look up each byte of code they read.
type pairTable struct{ open, close [256]int16 }

func pairsOf(l *lang.Language) *pairTable {
	t := new(pairTable)
	for b := range 256 {
		t.open[b], t.close[b] = int16(pairOf(l, byte(b), true)), int16(pairOf(l, byte(b), false))
	}
	return t
}

// openBracket is a bracket left open before the cursor.
type openBracket struct {
	pair   int  // index in lang.Brackets
	line   bool // opened on the cursor's line
	indent int  // of the line it was opened on
}

// openBrackets lexes the end of prefix and returns the brackets open at
// its end, innermost last, and the lexer state there.
func openBrackets(l *lang.Language, pairs *pairTable, prefix string) ([]openBracket, lang.State) {
	start := 0
	if len(prefix) > window {
		start = len(prefix) - window
		if i := strings.IndexByte(prefix[start:], '\n'); i >= 0 {
			start += i + 1
		}
	}
	text := prefix[start:]
	lineStart := strings.LastIndexByte(text, '\n') + 1
	var open []openBracket
	st := l.Scan(text, zeroState, func(sp span) {
		if sp.Class != code {
			return
		}
		for i := sp.Start; i < sp.End; i++ {
			if p := int(pairs.open[text[i]]); p >= 0 {
				ls := strings.LastIndexByte(text[:i], '\n') + 1
				open = append(open, openBracket{p, i >= lineStart, lang.IndentWidth(text[ls:i])})
			} else if p := int(pairs.close[text[i]]); p >= 0 && len(open) > 0 && open[len(open)-1].pair == p {
				open = open[:len(open)-1]
			}
		}
	})
	return open, st
}

// walk calls fn with the offset and pair of every bracket in the code of
// s (lexed from st in c's language; open reports an opener) and returns
// the state after s.
func (c *cursor) walk(s string, st lang.State, fn func(i, pair int, open bool)) lang.State {
	return c.lang.Scan(s, st, func(sp span) {
		if sp.Class != code {
			return
		}
		for i := sp.Start; i < sp.End; i++ {
			if p := int(c.pairs.open[s[i]]); p >= 0 {
				fn(i, p, true)
			} else if p := int(c.pairs.close[s[i]]); p >= 0 {
				fn(i, p, false)
			}
		}
	})
}

// imbalance counts what is wrong with the brackets of the prefix, then s,
// then the start of suffix: closers that close nothing or the wrong
// bracket, and brackets s opened that are still open at the end. The
// prefix's own unclosed brackets count the same for every s, so only
// differences between answers matter.
func (c *cursor) imbalance(s, suffix string) int {
	stack := make([]int, 0, len(c.open)+8)
	for _, o := range c.open {
		stack = append(stack, o.pair)
	}
	errs := 0
	visit := func(_, p int, open bool) {
		switch {
		case open:
			stack = append(stack, p)
		case len(stack) > 0 && stack[len(stack)-1] == p:
			stack = stack[:len(stack)-1]
		default:
			errs++
		}
	}
	st := c.walk(s, c.atState, visit)
	c.walk(suffix[:min(len(suffix), window)], st, visit)
	return errs + len(stack)
}

// chooseRange decides whether the suggestion replaces the rest of the
// cursor's line: where it retypes that text — all of it, in order, the
// closers the editor inserted or the code after the cursor; or the start
// of it, at its very end — and the brackets come out no worse than by
// inserting. Then "number)" before ")" gives one ")", not two.
func chooseRange(c *cursor, s string) string {
	rest := strings.TrimRight(c.lineSuffix, " \t")
	n := matchRest(s, rest)
	if n == 0 {
		return s
	}
	if c.imbalance(s, c.suffix[n:]) <= c.imbalance(s, c.suffix) {
		c.replace = n
	}
	return s
}

// matchRest returns how many bytes of rest s retypes: all of rest when its
// non-blank bytes occur in s in order; else the longest start of rest
// whose bytes occur in order at the end of s, followed by nothing but
// punctuation; else 0.
func matchRest(s, rest string) int {
	var want []int // offsets in rest of its non-blank bytes
	for i := 0; i < len(rest); i++ {
		if rest[i] != ' ' && rest[i] != '\t' {
			want = append(want, i)
		}
	}
	if len(want) == 0 {
		return 0
	}
	j := 0
	for i := 0; i < len(s) && j < len(want); i++ {
		if s[i] == rest[want[j]] {
			j++
		}
	}
	if j == len(want) {
		return len(rest)
	}
	for n := len(want) - 1; n > 0; n-- {
		// Match rest's first n bytes backwards from the end of s.
		k, end := n-1, -1
		for i := len(s) - 1; i >= 0 && k >= 0; i-- {
			if s[i] == rest[want[k]] {
				if end < 0 {
					end = i
				}
				k--
			}
		}
		if k < 0 && !hasWord(s[end+1:]) {
			return want[n-1] + 1
		}
	}
	return 0
}

// fixClosers settles the closers the suggestion writes for brackets opened
// before the cursor, against the suffix after the range: the prefix's
// brackets that the suffix does not close may be closed; a closer of one
// the suffix closes duplicates the suffix's, and the suggestion ends
// before it (before its whole line when it starts one); a closer that
// closes nothing or the wrong bracket is dropped alone, keeping what
// surrounds it.
func fixClosers(c *cursor, s string) string {
	if len(c.lang.Brackets) == 0 {
		return s
	}
	claimed := c.suffixClaims(s)
	var own []int
	closed := 0 // prefix brackets the suggestion closed
	cut, drop := -1, []int(nil)
	c.walk(s, c.atState, func(i, p int, open bool) {
		switch {
		case cut >= 0:
		case open:
			own = append(own, p)
		case len(own) > 0:
			if own[len(own)-1] == p {
				own = own[:len(own)-1]
			} else {
				drop = append(drop, i)
			}
		case closed >= len(c.open) || c.open[len(c.open)-1-closed].pair != p:
			drop = append(drop, i)
		case claimed[len(c.open)-1-closed]:
			cut = i
		default:
			closed++
		}
	})
	if cut >= 0 {
		ls := strings.LastIndexByte(s[:cut], '\n')
		if ls >= 0 && isBlank(s[ls+1:cut]) {
			cut = ls
		}
		s = s[:cut]
	}
	for k := len(drop) - 1; k >= 0; k-- {
		if drop[k] < len(s) {
			s = s[:drop[k]] + s[drop[k]+1:]
		}
	}
	if c.replace > 0 && matchRest(s, strings.TrimRight(c.lineSuffix, " \t")) < c.replace {
		c.replace = 0 // what retyped the rest of the line was cut
	}
	return s
}

// suffixClaims tells, for each of the prefix's open brackets, whether the
// suffix after the range (lexed as it would follow s) closes it. Each
// closer the suffix has beyond its own brackets (and those s leaves open)
// closes the innermost bracket of its kind still unclaimed, outside the
// ones claimed before it; a closer that starts its line prefers the one
// opened on a line indented alike, so that the "}" of an enclosing class
// leaves the method's brace missing (else the innermost opened on a line
// indented less than the closer's).
func (c *cursor) suffixClaims(s string) []bool {
	claimed := make([]bool, len(c.open))
	own := 0 // brackets s opened and left open: the suffix closes them first
	st := c.walk(s, c.atState, func(_, _ int, open bool) {
		if open {
			own++
		} else if own > 0 {
			own--
		}
	})
	suffix := c.suffix[c.replace:]
	suffix = suffix[:min(len(suffix), window)]
	depth, limit := 0, len(c.open) // claims go outward from the cursor
	c.walk(suffix, st, func(i, p int, open bool) {
		switch {
		case limit == 0:
		case open:
			depth++
		case depth > 0:
			depth--
		case own > 0:
			own--
		default:
			ls := strings.LastIndexByte(suffix[:i], '\n') + 1
			ind := -1
			if isBlank(suffix[ls:i]) && ls > 0 {
				ind = lang.IndentWidth(suffix[ls:i])
			}
			pick, less := -1, -1
			for k := limit - 1; k >= 0; k-- {
				if c.open[k].pair != p {
					continue
				}
				if pick < 0 {
					pick = k
				}
				if ind < 0 || c.open[k].indent == ind {
					pick, less = k, -1
					break
				}
				if less < 0 && c.open[k].indent < ind {
					less = k
				}
			}
			if less >= 0 {
				pick = less
			}
			if pick >= 0 {
				claimed[pick], limit = true, pick
			}
		}
	})
	return claimed
}

package postprocess

import (
	"strings"

	"github.com/ghostline/ghostline/lang"
)

// indentation is how the document indents: with tabs, or with unit spaces
// a level (unit 0: no indented line seen).
type indentation struct {
	tabs bool
	unit int
}

// reindent puts the lines after the first on the document's indentation:
// tabs or spaces as the document uses them, and a line one column off the
// document's levels onto the nearest level.
func reindent(c *cursor, s string) string {
	ls := lines(s)
	doc := c.indent
	if doc.unit == 0 || len(ls) < 2 {
		return s
	}
	// How many spaces make a level in the suggestion itself: the greatest
	// common step of its indentations.
	own := 0
	for _, l := range ls[1:] {
		own = gcd(own, len(l)-len(strings.TrimLeft(l, " ")))
	}
	if own < 2 {
		own = 4
	}
	prev := lang.IndentWidth(c.linePrefix + ls[0])
	for i := 1; i < len(ls); i++ {
		l := ls[i]
		ws := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if ws == "" || ws == l {
			continue
		}
		spaces := strings.Count(ws, " ")
		switch {
		case strings.Contains(ws, "\t") != doc.tabs:
			level := strings.Count(ws, "\t") + (spaces+own/2)/own
			want := strings.Repeat(" ", level*doc.unit)
			if doc.tabs {
				want = strings.Repeat("\t", level)
			}
			ls[i] = want + l[len(ws):]
		case !doc.tabs && doc.unit > 1 && spaces%doc.unit != 0 && (spaces%doc.unit == 1 || spaces%doc.unit == doc.unit-1):
			ls[i] = strings.Repeat(" ", snap(spaces, doc.unit, prev)) + l[len(ws):]
		}
		prev = lang.IndentWidth(ls[i])
	}
	return strings.Join(ls, "\n")
}

// snap returns the level of unit nearest to n columns; between two, the
// one at the previous line's indentation prev, else the lower.
func snap(n, unit, prev int) int {
	lo := n / unit * unit
	switch hi := lo + unit; {
	case n-lo < hi-n:
		return lo
	case hi-n < n-lo || hi == prev:
		return hi
	}
	return lo
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// docIndent reads how text indents: tabs if a line starts with one, else
// the most common step between the indentations of successive lines.
func docIndent(text string) indentation {
	var votes [9]int
	prev, seen := 0, false
	if len(text) > window {
		text = text[len(text)-window:]
	}
	for _, l := range lines(text) {
		if isBlank(l) {
			continue
		}
		if l[0] == '\t' {
			return indentation{tabs: true, unit: 1}
		}
		sp := len(l) - len(strings.TrimLeft(l, " "))
		if d := sp - prev; d > 0 && d <= 8 {
			votes[d]++
			seen = true
		}
		prev = sp
	}
	if !seen {
		return indentation{}
	}
	best := 4
	for d := 2; d <= 8; d++ {
		if votes[d] > votes[best] {
			best = d
		}
	}
	return indentation{unit: best}
}

package postprocess

import "strings"

// cutDegenerate ends the suggestion before a line where the model fell into
// a loop — a piece of code repeated over and over on one line ("foo = foo =
// foo = ..."), or a runaway number — and shows nothing when that is its
// first line.
func cutDegenerate(c *cursor, s string) string {
	ls := lines(s)
	for i, l := range ls {
		if loops(l) {
			if i == 0 {
				return ""
			}
			return strings.Join(ls[:i], "\n")
		}
	}
	return s
}

// maxDigits is the longest run of digits a number plausibly has.
const maxDigits = 24

// loops reports a line that repeats one piece with a word in it at least
// four times in a row, covering most of the line, or has a run of more than
// maxDigits digits.
func loops(l string) bool {
	t := strings.TrimSpace(l)
	run := 0
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			if run++; run > maxDigits {
				return true
			}
		} else {
			run = 0
		}
	}
	for k := 2; k <= min(40, len(t)/4); k++ {
		for i := 0; i+4*k <= len(t); i++ {
			unit := t[i : i+k]
			n := 1
			for strings.HasPrefix(t[i+n*k:], unit) {
				n++
			}
			if n >= 4 && 2*n*k >= len(t) && hasLetter(unit) {
				return true
			}
		}
	}
	return false
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' }) >= 0
}

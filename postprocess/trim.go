package postprocess

import "strings"

// trim drops trailing blanks on every line and trailing blank lines; a
// blank suggestion becomes "".
func trim(c *cursor, s string) string {
	ls := lines(s)
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " \t\r")
	}
	s = strings.TrimRight(strings.Join(ls, "\n"), "\n")
	if isBlank(s) {
		return ""
	}
	return s
}

package postprocess

import "strings"

// fixLeadingSpace drops the blanks a suggestion starts with where the
// document already has them: after the indentation of a line (the editor
// indented), or after a space ("return  this"). Elsewhere a leading space is
// the model's and stays ("log(a," + " b)").
func fixLeadingSpace(c *cursor, s string) string {
	if c.linePrefix == "" {
		return s
	}
	if last := c.linePrefix[len(c.linePrefix)-1]; last == ' ' || last == '\t' {
		return strings.TrimLeft(s, " \t")
	}
	return s
}

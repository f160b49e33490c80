package postprocess

import "strings"

// fixLeadingSpace drops the start of a suggestion that restates the code
// before the cursor on its line, and the blanks it starts with where the
// document already has them: after the indentation of a line (the editor
// indented), or after a space ("return  this"). Elsewhere a leading space is
// the model's and stays ("log(a," + " b)").
func fixLeadingSpace(c *cursor, s string) string {
	if c.linePrefix == "" {
		return s
	}
	// A model that restates the line before the cursor ("const x = " then
	// "const x = 5;") means what follows it.
	if code := strings.TrimSpace(c.linePrefix); len(code) >= 4 && hasWord(code) {
		if t := strings.TrimLeft(s, " \t"); strings.HasPrefix(t, code) && len(t) > len(code) {
			s = t[len(code):]
		}
	}
	if last := c.linePrefix[len(c.linePrefix)-1]; last == ' ' || last == '\t' {
		return strings.TrimLeft(s, " \t")
	}
	return s
}

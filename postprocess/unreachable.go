package postprocess

import "strings"

// cutUnreachable ends the suggestion before a line of the same block that
// follows a return (break, raise ...): a model that goes on there has lost
// the structure, and what follows is dead code or the next declaration.
func cutUnreachable(c *cursor, s string) string {
	ls := lines(s)
	for i := 0; i+1 < len(ls); i++ {
		cur := strings.TrimLeft(ls[i], " \t")
		if !c.lang.IsExit(cur) || i == 0 && len(ls[i]) == len(cur) {
			continue
		}
		next := strings.TrimLeft(ls[i+1], " \t")
		if next != "" && !c.lang.IsBlockEnd(next) && len(ls[i+1])-len(next) >= len(ls[i])-len(cur) {
			return strings.Join(ls[:i+1], "\n")
		}
	}
	return s
}

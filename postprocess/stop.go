package postprocess

import (
	"strings"
	"sync"

	"github.com/ghostline/ghostline/model"
)

// fimTokens are every FIM family's special tokens: a model that writes one
// has finished, whichever server answered and whether or not it was told.
var fimTokens = sync.OnceValue(func() []string {
	var out []string
	for _, fam := range model.Families() {
		if f, ok, _ := model.LookupFIM("", fam); ok {
			out = append(out, f.Stop...)
			out = append(out, f.Prefix, f.Suffix, f.Middle)
		}
	}
	return out
})

// cutAtStop ends the answer at the first stop sequence or FIM token.
func cutAtStop(c *cursor, s string) string {
	for _, list := range [][]string{c.stop, fimTokens()} {
		for _, st := range list {
			if i := strings.Index(s, st); st != "" && i >= 0 {
				s = s[:i]
			}
		}
	}
	return s
}

// keepOneLine keeps the first line where the suggestion may not span lines:
// in the middle of a line, or when the settings ask for one line.
func keepOneLine(c *cursor, s string) string {
	if c.multiLine {
		return s
	}
	first, _, _ := strings.Cut(s, "\n")
	return first
}

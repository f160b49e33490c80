package retrieval

import "github.com/ghostline/ghostline/lang"

// Identifiers returns the identifiers in s in order of appearance, with
// repeats, skipping the keywords of the language with LSP id language and
// single letters (they carry no information about what to retrieve).
func Identifiers(language, s string) []string {
	l := lang.Get(language)
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		if !identStart(c) {
			// Skip numbers whole so "0x1F" does not yield "x1F".
			if isDigit(c) {
				for i < len(s) && (identStart(s[i]) || isDigit(s[i])) {
					i++
				}
				continue
			}
			i++
			continue
		}
		j := i + 1
		for j < len(s) && (identStart(s[j]) || isDigit(s[j])) {
			j++
		}
		if w := s[i:j]; j-i > 1 && !l.IsKeyword(w) {
			out = append(out, w)
		}
		i = j
	}
	return out
}

func identStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

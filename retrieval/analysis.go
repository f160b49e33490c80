package retrieval

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// The code tokenizers are hand-written rather than a regexp tokenizer and
// the camelCase and lowercase filters: analysis is most of the indexing
// time, and a byte scanner is several times faster than Go's regexp.
const (
	tokenizerWords  = "ghostline_code_words"
	tokenizerIdents = "ghostline_code_idents"
)

func init() {
	mustRegister := func(name string, t analysis.Tokenizer) {
		if err := registry.RegisterTokenizer(name, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
			return t, nil
		}); err != nil {
			panic(err)
		}
	}
	mustRegister(tokenizerWords, tokenizerFunc(codeWords))
	mustRegister(tokenizerIdents, tokenizerFunc(codeIdents))
}

// tokenizerFunc adapts a scanner to bleve's Tokenizer.
type tokenizerFunc func(src []byte, emit func(start, end int))

func (f tokenizerFunc) Tokenize(src []byte) analysis.TokenStream {
	// One allocation for all tokens: analysis dominates indexing time.
	toks := make([]analysis.Token, 0, len(src)/6+1)
	f(src, func(start, end int) {
		toks = append(toks, analysis.Token{Start: start, End: end, Term: lower(src[start:end]),
			Position: len(toks) + 1, Type: analysis.AlphaNumeric})
	})
	out := make(analysis.TokenStream, len(toks))
	for i := range toks {
		out[i] = &toks[i]
	}
	return out
}

// lower returns b lower-cased: b itself when it has no capitals (tokens may
// share the analysed text, as bleve's own tokenizers do), else a copy.
func lower(b []byte) []byte {
	upper := false
	for _, c := range b {
		if c >= 0x80 {
			return bytes.ToLower(b)
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if !upper {
		return b
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// Byte classes for splitting identifiers into words. Bytes of multi-byte
// UTF-8 sequences count as lower-case letters, so they stay whole.
const (
	clsSep = iota
	clsLower
	clsUpper
	clsDigit
)

func class(c byte) int {
	switch {
	case 'a' <= c && c <= 'z', c >= 0x80:
		return clsLower
	case 'A' <= c && c <= 'Z':
		return clsUpper
	case '0' <= c && c <= '9':
		return clsDigit
	}
	return clsSep
}

// codeWords emits the words of src: runs of letters and digits, split at
// underscores and other punctuation, at lower-to-upper case changes, before
// the last capital of an acronym that starts a word ("HTTPServer": HTTP,
// Server) and between letters and digits.
func codeWords(src []byte, emit func(start, end int)) {
	start := -1
	for i := 0; i < len(src); i++ {
		c := class(src[i])
		if c == clsSep {
			if start >= 0 {
				emit(start, i)
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		p := class(src[i-1])
		switch {
		case (c == clsDigit) != (p == clsDigit), c == clsUpper && p == clsLower:
			emit(start, i)
			start = i
		case c == clsLower && p == clsUpper && i-1 > start && src[i] < 0x80:
			emit(start, i-1)
			start = i - 1
		}
	}
	if start >= 0 {
		emit(start, len(src))
	}
}

// codeIdents emits whole identifiers: a letter, '_' or '$' followed by
// letters, digits, '_' and '$'. Numbers are skipped whole.
func codeIdents(src []byte, emit func(start, end int)) {
	for i := 0; i < len(src); {
		c := src[i]
		if !identStart(c) {
			if isDigit(c) {
				for i < len(src) && (identStart(src[i]) || isDigit(src[i])) {
					i++
				}
				continue
			}
			i++
			continue
		}
		j := i + 1
		for j < len(src) && (identStart(src[j]) || isDigit(src[j])) {
			j++
		}
		emit(i, j)
		i = j
	}
}

// splitWords splits an identifier into lower-cased words as the index's
// text field does.
func splitWords(id string) []string {
	var out []string
	b := []byte(id)
	codeWords(b, func(s, e int) { out = append(out, string(lower(b[s:e]))) })
	return out
}

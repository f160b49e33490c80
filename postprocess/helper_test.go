package postprocess

import (
	"strings"
	"testing"
)

// filterCase is one table row of a filter's test: a document with █ at the
// cursor, the answer the filter gets and what it must return.
type filterCase struct {
	name, lang, doc, in, want string
}

// runFilter applies f to each case, on a cursor built like Process builds it.
func runFilter(t *testing.T, f func(*cursor, string) string, cases []filterCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix, suffix, ok := strings.Cut(tc.doc, "█")
			if !ok {
				t.Fatal("no cursor █ in the document")
			}
			c := newCursor(Input{Prefix: prefix, Suffix: suffix, Language: tc.lang})
			if got := f(c, tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

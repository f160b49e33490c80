package skeleton

import (
	"errors"
	"fmt"
	"strings"
)

// Result is a file's skeleton.
type Result struct {
	// Bodies are the byte offsets around each function body, in order,
	// when the file parsed without errors (nil otherwise): its braces, or
	// in Python the newline before its first line and its end. The
	// declarations do not depend on what is between them, which lets Reuse
	// skip re-parsing after an edit inside one.
	Bodies [][2]int
	// Decls are the file's declarations, one record each (see Decl).
	Decls []Decl
}

// ErrUnsupported: the language has no skeleton extractor.
var ErrUnsupported = errors.New("no skeleton extractor for this language")

// Supported reports whether Extract handles the LSP language id lang.
func Supported(lang string) bool {
	if lang == "go" {
		return true
	}
	_, ok := specs[lang]
	return ok
}

// Extract returns the skeleton of src, a file in language lang (an LSP
// language id: go, python, javascript, javascriptreact, typescript,
// typescriptreact, java, rust, c, cpp). Syntax errors are tolerated: the
// skeleton covers what parses.
func Extract(lang string, src []byte) (Result, error) {
	if lang == "go" {
		return extractGo(src)
	}
	sp, ok := specs[lang]
	if !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnsupported, lang)
	}
	return extractTree(sp, src)
}

// firstLine returns the first line of text of a comment, as a comment of
// the same style, so the skeleton stays valid source: "/**\n * Finds a
// user.\n */" becomes "/** Finds a user. */".
func firstLine(comment string) string {
	open, close := "", ""
	switch {
	case strings.HasPrefix(comment, "/**"):
		open, close = "/** ", " */"
	case strings.HasPrefix(comment, "/*"):
		open, close = "/* ", " */"
	}
	for _, l := range strings.Split(comment, "\n") {
		t := strings.TrimSpace(l)
		if open != "" {
			t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(t, "/**"), "/*"), "*/"), "*"))
		}
		if t == "" || t == `"""` || t == "'''" {
			continue
		}
		return open + t + close
	}
	return ""
}

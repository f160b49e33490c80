package skeleton

import (
	"go/scanner"
	"go/token"
	"sort"
)

// Reuse returns prev, the skeleton of old, as the skeleton of src when the
// two differ only inside one function body of old (Result.Bodies) and that
// body is still one body: such an edit (the commonest, and a re-parse of a
// large file costs tens of milliseconds) leaves every declaration as it
// was. In Go the body must scan as one balanced block, so a body left with
// a syntax error keeps the skeleton of the last version that parsed, where
// a re-parse could lose the declarations after it. With tree-sitter the
// body must parse on its own without errors, and a Python body must keep
// its indentation and the first line of its docstring. The result's
// Bodies are shifted to src.
func Reuse(lang string, prev Result, old, src []byte) (Result, bool) {
	sp := specs[lang]
	if (lang != "go" && sp == nil) || len(prev.Bodies) == 0 {
		return Result{}, false
	}
	// The changed bytes: old[p:oldEnd] became src[p:len(src)-(len(old)-oldEnd)].
	p := 0
	for p < len(old) && p < len(src) && old[p] == src[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(src)-p && old[len(old)-1-s] == src[len(src)-1-s] {
		s++
	}
	oldEnd := len(old) - s
	i := sort.Search(len(prev.Bodies), func(i int) bool { return prev.Bodies[i][1] >= oldEnd })
	if i == len(prev.Bodies) || prev.Bodies[i][0] >= p {
		return Result{}, false
	}
	delta := len(src) - len(old)
	lbrace, rbrace := prev.Bodies[i][0], prev.Bodies[i][1]+delta
	if sp == nil && !balancedBlock(src[lbrace:rbrace+1]) || sp != nil && !sp.intact(old, src, lbrace, prev.Bodies[i][1], rbrace) {
		return Result{}, false
	}
	bodies := make([][2]int, len(prev.Bodies))
	copy(bodies, prev.Bodies[:i])
	bodies[i] = [2]int{lbrace, rbrace}
	for j := i + 1; j < len(bodies); j++ {
		bodies[j] = [2]int{prev.Bodies[j][0] + delta, prev.Bodies[j][1] + delta}
	}
	return Result{Bodies: bodies, Decls: prev.Decls}, true
}

// balancedBlock reports whether b scans without errors as Go tokens that
// open with '{', close with the matching '}' and balance every bracket in
// between, so that a parser sees it as one block wherever it stands.
func balancedBlock(b []byte) bool {
	var sc scanner.Scanner
	ok := true
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(b)), b, func(token.Position, string) { ok = false }, 0)
	if _, tok, _ := sc.Scan(); tok != token.LBRACE {
		return false
	}
	open := []token.Token{token.LBRACE}
	for len(open) > 0 {
		_, tok, _ := sc.Scan()
		switch tok {
		case token.EOF:
			return false
		case token.LBRACE, token.LPAREN, token.LBRACK:
			open = append(open, tok)
		case token.RBRACE, token.RPAREN, token.RBRACK:
			if open[len(open)-1] != opening[tok] {
				return false
			}
			open = open[:len(open)-1]
		}
	}
	// The closing brace must be the last token, an inserted semicolon aside.
	for {
		_, tok, lit := sc.Scan()
		switch {
		case tok == token.EOF:
			return ok
		case tok != token.SEMICOLON || lit != "\n":
			return false
		}
	}
}

var opening = map[token.Token]token.Token{token.RBRACE: token.LBRACE, token.RPAREN: token.LPAREN, token.RBRACK: token.LBRACK}

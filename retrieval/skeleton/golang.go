package skeleton

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
)

// extractGo records type declarations in full (fields and methods are the
// point), consts and vars with short values, and function signatures with
// the first line of their doc comment.
func extractGo(src []byte) (Result, error) {
	fset := token.NewFileSet()
	// A partial AST is still useful: go/parser returns what it could parse.
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if f == nil {
		return Result{}, err
	}
	var decls []Decl
	var bodies [][2]int
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	print := func(node any) string {
		var buf bytes.Buffer
		if err := cfg.Fprint(&buf, fset, node); err != nil {
			return ""
		}
		return buf.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			switch d.Tok {
			case token.TYPE:
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					docLine := ""
					if ts.Doc != nil {
						docLine = firstLine(ts.Doc.List[0].Text)
					} else if len(d.Specs) == 1 && d.Doc != nil {
						docLine = firstLine(d.Doc.List[0].Text)
					}
					ts.Doc, ts.Comment = nil, nil
					decls = append(decls, goTypeDecl(ts, docLine, print))
				}
			case token.CONST, token.VAR:
				if dd, ok := goValueDecl(d, print); ok {
					decls = append(decls, dd)
				}
			}
		case *ast.FuncDecl:
			if err == nil && d.Body != nil {
				bodies = append(bodies, [2]int{fset.Position(d.Body.Lbrace).Offset, fset.Position(d.Body.Rbrace).Offset})
			}
			docLine := ""
			if d.Doc != nil {
				docLine = firstLine(d.Doc.List[0].Text)
			}
			d.Doc, d.Body = nil, nil
			decls = append(decls, goFuncDecl(d, docLine, print(d)))
		}
	}
	return Result{Bodies: bodies, Decls: decls}, nil
}

// valueSpec prints names, type and, when short, the value.
func valueSpec(vs *ast.ValueSpec, print func(any) string) string {
	names := make([]string, len(vs.Names))
	for i, n := range vs.Names {
		names[i] = n.Name
	}
	s := strings.Join(names, ", ")
	if vs.Type != nil {
		s += " " + print(vs.Type)
	}
	if len(vs.Values) > 0 {
		vals := make([]string, len(vs.Values))
		for i, v := range vs.Values {
			vals[i] = print(v)
		}
		if v := strings.Join(vals, ", "); len(v) <= 60 && !strings.Contains(v, "\n") {
			s += " = " + v
		}
	}
	return s
}

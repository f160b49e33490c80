package skeleton

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
)

// extractGo prints the package clause, imports, type declarations in full
// (fields and methods are the point), const and var names with short values,
// and function signatures with the first line of their doc comment.
func extractGo(src []byte) (Result, error) {
	fset := token.NewFileSet()
	// A partial AST is still useful: go/parser returns what it could parse.
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if f == nil {
		return Result{}, err
	}
	var b strings.Builder
	var syms []string
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
	doc := func(g *ast.CommentGroup) {
		if g != nil {
			if l := firstLine(g.List[0].Text); l != "" {
				b.WriteString(l + "\n")
			}
		}
	}
	b.WriteString("package " + f.Name.Name + "\n")
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			switch d.Tok {
			case token.IMPORT:
				b.WriteString(print(stripComments(d)) + "\n")
			case token.TYPE:
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					syms = append(syms, ts.Name.Name)
					syms = append(syms, fieldNames(ts.Type)...)
					if ts.Doc != nil {
						doc(ts.Doc)
					} else if len(d.Specs) == 1 {
						doc(d.Doc)
					}
					docLine := ""
					if ts.Doc != nil {
						docLine = firstLine(ts.Doc.List[0].Text)
					} else if len(d.Specs) == 1 && d.Doc != nil {
						docLine = firstLine(d.Doc.List[0].Text)
					}
					ts.Doc, ts.Comment = nil, nil
					b.WriteString(capLines("type "+print(ts)) + "\n")
					decls = append(decls, goTypeDecl(ts, docLine, print))
				}
			case token.CONST, token.VAR:
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					for _, n := range vs.Names {
						syms = append(syms, n.Name)
					}
					b.WriteString(d.Tok.String() + " " + valueSpec(vs, print) + "\n")
				}
				if dd, ok := goValueDecl(d, print); ok {
					decls = append(decls, dd)
				}
			}
		case *ast.FuncDecl:
			syms = append(syms, d.Name.Name)
			if err == nil && d.Body != nil {
				bodies = append(bodies, [2]int{fset.Position(d.Body.Lbrace).Offset, fset.Position(d.Body.Rbrace).Offset})
			}
			doc(d.Doc)
			docLine := ""
			if d.Doc != nil {
				docLine = firstLine(d.Doc.List[0].Text)
			}
			d.Doc, d.Body = nil, nil
			sig := print(d)
			b.WriteString(sig + "\n")
			decls = append(decls, goFuncDecl(d, docLine, sig))
		}
	}
	return Result{Text: b.String(), Symbols: dedupe(syms), Bodies: bodies, Decls: decls}, nil
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

func stripComments(d *ast.GenDecl) *ast.GenDecl {
	c := *d
	c.Doc = nil
	return &c
}

// fieldNames lists the fields of a struct and the methods of an interface.
func fieldNames(t ast.Expr) []string {
	var list *ast.FieldList
	switch t := t.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list = t.Methods
	}
	if list == nil {
		return nil
	}
	var out []string
	for _, f := range list.List {
		for _, n := range f.Names {
			out = append(out, n.Name)
		}
	}
	return out
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, x := range s {
		if x != "" && x != "_" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

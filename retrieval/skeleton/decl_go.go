package skeleton

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// goTypeDecl is the record of a type spec: its fields or interface
// methods, printed without comments.
func goTypeDecl(ts *ast.TypeSpec, doc string, print func(any) string) Decl {
	d := Decl{Kind: DeclType, Name: ts.Name.Name, Type: ts.Name.Name}
	var list *ast.FieldList
	switch t := ts.Type.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		d.Kind, list = DeclIface, t.Methods
	default:
		d.Mentions = goMentions(ts.Type, nil)
	}
	if list != nil {
		for _, f := range list.List {
			f.Doc, f.Comment = nil, nil
			typ := goBase(f.Type)
			if ft, ok := f.Type.(*ast.FuncType); ok { // an interface method
				typ = goResult(ft)
			}
			if len(f.Names) == 0 {
				d.Fields = append(d.Fields, Field{Type: typ})
			}
			for _, n := range f.Names {
				d.Fields = append(d.Fields, Field{Name: n.Name, Type: typ})
			}
			d.Mentions = goMentions(f.Type, d.Mentions)
		}
	}
	d.Text = withDoc(doc, "type "+print(ts))
	return d
}

// goValueDecl is the record of a const or var group: the first name is
// its name, the others its fields.
func goValueDecl(g *ast.GenDecl, print func(any) string) (Decl, bool) {
	d := Decl{Kind: DeclValue}
	var lines []string
	for _, s := range g.Specs {
		vs := s.(*ast.ValueSpec)
		typ := goBase(vs.Type)
		if typ == "" && len(vs.Values) == 1 {
			typ = goValueType(vs.Values[0])
		}
		for _, n := range vs.Names {
			if n.Name == "_" {
				continue
			}
			if d.Name == "" {
				d.Name, d.Type = n.Name, typ
			} else {
				d.Fields = append(d.Fields, Field{Name: n.Name, Type: typ})
			}
		}
		if vs.Type != nil {
			d.Mentions = goMentions(vs.Type, d.Mentions)
		}
		lines = append(lines, valueSpec(vs, print))
	}
	if d.Name == "" {
		return d, false
	}
	doc := ""
	if g.Doc != nil {
		doc = firstLine(g.Doc.List[0].Text)
	}
	if len(lines) == 1 {
		d.Text = withDoc(doc, g.Tok.String()+" "+lines[0])
	} else {
		d.Text = withDoc(doc, g.Tok.String()+" (\n\t"+strings.Join(lines, "\n\t")+"\n)")
	}
	return d, true
}

// goFuncDecl is the record of a function or method; sig is its printed
// signature.
func goFuncDecl(f *ast.FuncDecl, doc, sig string) Decl {
	d := Decl{Kind: DeclFunc, Name: f.Name.Name, Type: goResult(f.Type), Text: withDoc(doc, sig)}
	if f.Recv != nil && len(f.Recv.List) > 0 {
		d.Kind, d.Container = DeclMethod, goBase(f.Recv.List[0].Type)
	}
	d.Mentions = goMentions(f.Type, nil)
	return d
}

// goValueType guesses a value's type from its form: &T{…}, T{…}, new(T).
func goValueType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return goValueType(e.X)
		}
	case *ast.CompositeLit:
		return goBase(e.Type)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "new" && len(e.Args) == 1 {
			return goBase(e.Args[0])
		}
	}
	return ""
}

// goResult is the base name of a function type's first result.
func goResult(ft *ast.FuncType) string {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return ""
	}
	return goBase(ft.Results.List[0].Type)
}

// goBase is the name of the named type an expression is built on: *T,
// []T, pkg.T, T[P] all give T; maps, funcs and channels give "".
func goBase(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.Ident:
			return t.Name
		case *ast.StarExpr:
			e = t.X
		case *ast.ArrayType:
			e = t.Elt
		case *ast.SelectorExpr:
			return t.Sel.Name
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ellipsis:
			e = t.Elt
		default:
			return ""
		}
	}
}

// goMentions appends the names of the named types in e that are not
// predeclared.
func goMentions(e ast.Expr, out []string) []string {
	ast.Inspect(e, func(n ast.Node) bool {
		switch t := n.(type) {
		case *ast.SelectorExpr:
			out = appendNew(out, t.Sel.Name)
			return false
		case *ast.Ident:
			if types.Universe.Lookup(t.Name) == nil {
				out = appendNew(out, t.Name)
			}
		case *ast.Field:
			// Parameter names are not types: visit the type only.
			if t.Type != nil {
				out = goMentions(t.Type, out)
			}
			return false
		}
		return true
	})
	return out
}

func appendNew(s []string, x string) []string {
	for _, y := range s {
		if y == x {
			return s
		}
	}
	return append(s, x)
}

// withDoc puts a doc comment's first line above text.
func withDoc(doc, text string) string {
	if doc == "" {
		return text
	}
	return doc + "\n" + text
}

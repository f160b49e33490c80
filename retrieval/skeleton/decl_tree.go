package skeleton

import (
	"slices"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// Node kinds of the tree-sitter grammars that declare types, and of those
// the interfaces (a container's body declares its members).
var (
	typeKinds = kinds("class_declaration", "abstract_class_declaration", "class", "class_definition",
		"interface_declaration", "record_declaration", "annotation_type_declaration", "trait_item",
		"class_specifier", "struct_specifier", "union_specifier", "enum_specifier", "struct_item", "enum_item",
		"union_item", "type_item", "type_alias_declaration", "enum_declaration", "type_definition")
	ifaceKinds = kinds("interface_declaration", "trait_item", "annotation_type_declaration")
	// notDecls are kept in skeletons but declare nothing of this file.
	notDecls = kinds("import_statement", "import_from_statement", "future_import_statement", "import_declaration",
		"package_declaration", "use_declaration", "extern_crate_declaration", "preproc_include", "decorator",
		"access_specifier", "using_declaration")
	// bodyKinds hold a type's members.
	bodyKinds = kinds("field_declaration_list", "object_type", "interface_body", "class_body", "enum_body",
		"enumerator_list", "enum_variant_list", "declaration_list")
)

// enter records the type container n declares, if it is one, and makes it
// the owner of the declarations in its body; the returned func restores
// the outer owner. Namespaces and modules own nothing; a Rust impl gives
// its methods to its type.
func (w *walker) enter(n *sitter.Node, head string) func() {
	cls, owner := w.cls, w.owner
	restore := func() { w.cls, w.owner = cls, owner }
	switch kind := n.Kind(); {
	case kind == "impl_item":
		w.cls, w.owner = -1, baseName(w.fieldText(n, "type"))
	case typeKinds[kind]:
		if name := w.declName(n); name != "" {
			return w.enterNamed(n, name, head, ifaceKinds[kind])
		}
	}
	return restore
}

// enterNamed records the type container n declares, named name, with head
// its text up to its body; see enter.
func (w *walker) enterNamed(n *sitter.Node, name, head string, iface bool) func() {
	cls, owner := w.cls, w.owner
	d := Decl{Kind: DeclType, Name: name, Type: name, Text: withDoc(w.docText(n), strings.TrimSpace(head)), Fields: w.bases(n)}
	for _, f := range d.Fields {
		d.Mentions = appendType(d.Mentions, f.Type)
	}
	if iface {
		d.Kind = DeclIface
	}
	w.decls = append(w.decls, d)
	w.cls, w.owner = len(w.decls)-1, name
	i, bare := w.cls, d.Text
	return func() {
		switch {
		case !w.sp.braces:
		case w.decls[i].Text == bare:
			w.decls[i].Text += " {}"
		default:
			w.decls[i].Text += "\n}"
		}
		w.cls, w.owner = cls, owner
	}
}

// member adds a field (or an interface's method) and its source line to
// the enclosing type.
func (w *walker) member(f Field, line string) {
	d := &w.decls[w.cls]
	if i := slices.IndexFunc(d.Fields, func(g Field) bool { return g.Name == f.Name }); f.Name != "" && i >= 0 {
		// Declared already (a class field set again in the constructor,
		// an attribute set in two branches): keep the first, typed.
		if d.Fields[i].Type == "" && f.Type != "" {
			d.Fields[i].Type = f.Type
			d.Mentions = appendType(d.Mentions, f.Type)
		}
		return
	}
	if f.Name != "" || f.Type != "" {
		d.Fields = append(d.Fields, f)
		d.Mentions = appendType(d.Mentions, f.Type)
	}
	if line = strings.TrimSpace(line); line != "" {
		if w.sp.braces && !strings.Contains(d.Text, " {\n  ") {
			d.Text += " {"
		}
		d.Text += "\n  " + firstCodeLine(line)
	}
}

// keptDecl records a declaration the skeleton keeps whole: a member of the
// enclosing type, or a type, prototype or variable at the top level.
func (w *walker) keptDecl(n *sitter.Node, text string) {
	kind := n.Kind()
	if notDecls[kind] || strings.Contains(kind, "import") {
		return
	}
	if w.cls >= 0 {
		w.member(Field{Name: w.declName(n), Type: w.typeOf(n)}, text)
		return
	}
	name := w.declName(n)
	if name == "" {
		return
	}
	d := Decl{Kind: DeclValue, Name: name, Container: w.owner, Type: w.typeOf(n), Text: withDoc(w.docText(n), text)}
	switch {
	case typeKinds[kind]:
		d.Kind, d.Type = DeclType, name
		if ifaceKinds[kind] {
			d.Kind = DeclIface
		}
		d.Fields = append(w.bases(n), w.fields(n)...)
		for _, f := range d.Fields {
			d.Mentions = appendType(d.Mentions, f.Type)
		}
	case isPrototype(n):
		d.Kind = DeclFunc
		if w.owner != "" {
			d.Kind = DeclMethod
		}
	default:
		if ft := functionType(n); ft != nil { // TS `const parse: <T>(…) => R = …`
			d.Kind, d.Type = DeclFunc, baseName(w.fieldText(ft, "return_type"))
			w.mentions(ft.ChildByFieldName("parameters"), &d.Mentions)
		}
	}
	d.Mentions = appendType(d.Mentions, d.Type)
	w.decls = append(w.decls, d)
}

// funcDecl records a function or method: n is the declaration (its name
// and doc), fn the function node (its result type), head its text up to
// the body.
func (w *walker) funcDecl(n, fn *sitter.Node, head string) {
	name := w.declName(n)
	if name == "" {
		return
	}
	d := Decl{Kind: DeclFunc, Name: name, Type: w.typeOf(fn)}
	if b := fn.ChildByFieldName("body"); d.Type == "" && b != nil {
		d.Type = w.valueClass(b, nil) // `(x) => new Foo(x)`
	}
	if w.owner != "" {
		d.Kind, d.Container = DeclMethod, w.owner
		switch name {
		case "__init__", "constructor", w.owner, "new":
			d.Type = w.owner
		}
		if w.cls >= 0 && w.decls[w.cls].Kind == DeclIface {
			w.member(Field{Name: name, Type: d.Type}, "")
		}
	}
	head = strings.TrimSpace(head)
	if w.sp.braces {
		head += " { ... }"
	} else {
		head = dropComments(head, "#")
	}
	d.Text = withDoc(w.docText(n), head)
	w.mentions(fn.ChildByFieldName("parameters"), &d.Mentions)
	d.Mentions = appendType(d.Mentions, d.Type)
	w.decls = append(w.decls, d)
	if w.isCtor(n) {
		w.ctorFields(fn)
	}
}

// fields lists the members declared in the body of a type kept whole (a
// struct, enum or interface).
func (w *walker) fields(n *sitter.Node) []Field {
	if parts := aliasParts(n); parts != nil {
		var out []Field
		for _, p := range parts {
			if p.Kind() == "object_type" {
				out = append(out, w.bodyFields(p)...)
			}
		}
		return out
	}
	body := n.ChildByFieldName("body")
	if body == nil {
		for i := uint(0); i < n.NamedChildCount(); i++ {
			if c := n.NamedChild(i); bodyKinds[c.Kind()] {
				body = c
				break
			}
			if c := n.NamedChild(i); typeKinds[c.Kind()] { // typedef struct {…} T
				return w.fields(c)
			}
		}
	}
	if body == nil {
		return nil
	}
	return w.bodyFields(body)
}

// bodyFields are the named members of a type's body.
func (w *walker) bodyFields(body *sitter.Node) []Field {
	var out []Field
	for i := uint(0); i < body.NamedChildCount(); i++ {
		c := body.NamedChild(i)
		if w.sp.comments[c.Kind()] {
			continue
		}
		if name := w.declName(c); name != "" {
			out = append(out, Field{Name: name, Type: w.typeOf(c)})
		}
	}
	return out
}

// declName is the name n declares: its name field, or the name in its
// declarator (C, C++, Java), or the target of an assignment (Python).
func (w *walker) declName(n *sitter.Node) string {
	for depth := 0; n != nil && depth < 8; depth++ {
		switch n.Kind() {
		case "identifier", "field_identifier", "type_identifier", "property_identifier", "enumerator",
			"private_property_identifier", "shorthand_property_identifier":
			return w.text(n.StartByte(), n.EndByte())
		}
		if name := n.ChildByFieldName("name"); name != nil {
			if k := name.Kind(); strings.HasSuffix(k, "identifier") || k == "enumerator" {
				return w.text(name.StartByte(), name.EndByte())
			}
			n = name
			continue
		}
		next := (*sitter.Node)(nil)
		for _, f := range []string{"declarator", "left", "declaration"} {
			if next = n.ChildByFieldName(f); next != nil {
				break
			}
		}
		if next == nil {
			// lexical_declaration, field_declaration (Java): the first declarator.
			for i := uint(0); i < n.NamedChildCount(); i++ {
				if k := n.NamedChild(i).Kind(); k == "variable_declarator" || k == "assignment" {
					next = n.NamedChild(i)
					break
				}
			}
		}
		n = next
	}
	return ""
}

// typeOf is the base name of the type of what n declares: a function's
// result, a field's or variable's declared type.
func (w *walker) typeOf(n *sitter.Node) string {
	for _, f := range []string{"return_type", "type"} {
		if t := n.ChildByFieldName(f); t != nil {
			return baseName(w.text(t.StartByte(), t.EndByte()))
		}
	}
	// TS `const x: T = …` and `const x = new T()`: look at the declarator.
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		if c.Kind() != "variable_declarator" {
			continue
		}
		if t := c.ChildByFieldName("type"); t != nil {
			return baseName(w.text(t.StartByte(), t.EndByte()))
		}
		if v := c.ChildByFieldName("value"); v != nil && v.Kind() == "new_expression" {
			return baseName(w.fieldText(v, "constructor"))
		}
	}
	return ""
}

// mentions appends the type names in the subtree at n.
func (w *walker) mentions(n *sitter.Node, out *[]string) {
	if n == nil {
		return
	}
	if k := n.Kind(); k == "type_identifier" || k == "type" && n.NamedChildCount() == 1 && n.NamedChild(0).Kind() == "identifier" {
		*out = appendType(*out, w.text(n.StartByte(), n.EndByte()))
		return
	}
	for i := uint(0); i < n.NamedChildCount(); i++ {
		w.mentions(n.NamedChild(i), out)
	}
}

func (w *walker) fieldText(n *sitter.Node, field string) string {
	if c := n.ChildByFieldName(field); c != nil {
		return w.text(c.StartByte(), c.EndByte())
	}
	return ""
}

// functionType is the function type a TS variable declaration is
// annotated with, or nil.
func functionType(n *sitter.Node) *sitter.Node {
	if n.NamedChildCount() != 1 || n.NamedChild(0).Kind() != "variable_declarator" {
		return nil
	}
	t := n.NamedChild(0).ChildByFieldName("type")
	if t == nil || t.NamedChildCount() != 1 || t.NamedChild(0).Kind() != "function_type" {
		return nil
	}
	return t.NamedChild(0)
}

// isPrototype: a C or C++ declaration of a function without a body.
func isPrototype(n *sitter.Node) bool {
	for d := n.ChildByFieldName("declarator"); d != nil; d = d.ChildByFieldName("declarator") {
		if d.Kind() == "function_declarator" {
			return true
		}
	}
	return false
}

func appendType(s []string, t string) []string {
	if t = baseName(t); t == "" {
		return s
	}
	return appendNew(s, t)
}

// firstCodeLine is s's first line, with " …" when more followed.
func firstCodeLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimRight(s[:i], " \t\r") + " …"
	}
	return s
}

// dropComments removes the whole-line comments of a declaration's head.
func dropComments(s, marker string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), marker) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

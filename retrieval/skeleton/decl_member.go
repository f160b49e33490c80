package skeleton

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// Members a type gets from outside its body's declarations: its bases,
// the fields its constructor sets, the properties of an object literal
// that serves as a namespace. All are read from the one parse the walker
// already has.

// baseClauses are the nodes that list a type's bases: superclasses,
// extended and implemented interfaces, C++ base classes.
var baseClauses = kinds("class_heritage", "extends_clause", "implements_clause", "extends_type_clause",
	"superclass", "super_interfaces", "extends_interfaces", "type_list", "base_class_clause")

// notBases are the nodes of a base list that name no base.
var notBases = kinds("keyword_argument", "type_arguments", "access_specifier", "comment", "line_comment", "block_comment")

// bases are the types n extends or implements, as embedded fields (no
// name): their members are n's too.
func (w *walker) bases(n *sitter.Node) []Field {
	if sc := n.ChildByFieldName("superclasses"); sc != nil { // Python
		return w.baseList(sc, nil)
	}
	var out []Field
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if c := n.NamedChild(i); baseClauses[c.Kind()] {
			out = w.baseList(c, out)
		}
	}
	// TS `type T = A & B<X> & {…}` and `type T = A`: the named parts.
	for _, p := range aliasParts(n) {
		switch p.Kind() {
		case "type_identifier", "generic_type", "nested_type_identifier":
			if t := baseName(w.text(p.StartByte(), p.EndByte())); t != "" && !hasField(out, "", t) {
				out = append(out, Field{Type: t})
			}
		}
	}
	return out
}

// aliasParts are the types a TS type alias intersects (itself alone when
// it is no intersection).
func aliasParts(n *sitter.Node) []*sitter.Node {
	if v := n.ChildByFieldName("value"); n.Kind() == "type_alias_declaration" && v != nil {
		return intersected(v, nil)
	}
	return nil
}

func intersected(v *sitter.Node, out []*sitter.Node) []*sitter.Node {
	if v.Kind() != "intersection_type" {
		return append(out, v)
	}
	for i := uint(0); i < v.NamedChildCount(); i++ {
		out = intersected(v.NamedChild(i), out)
	}
	return out
}

func (w *walker) baseList(n *sitter.Node, out []Field) []Field {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch {
		case baseClauses[c.Kind()]:
			out = w.baseList(c, out)
		case notBases[c.Kind()]:
		default:
			// Python's implicit base says nothing.
			if t := baseName(w.text(c.StartByte(), c.EndByte())); t != "" && t != "object" && !hasField(out, "", t) {
				out = append(out, Field{Type: t})
			}
		}
	}
	return out
}

func hasField(fs []Field, name, typ string) bool {
	for _, f := range fs {
		if f.Name == name && (name != "" || f.Type == typ) {
			return true
		}
	}
	return false
}

// isCtor: the method n declares a constructor whose body declares fields
// of its class (Python __init__, JS/TS constructor).
func (w *walker) isCtor(n *sitter.Node) bool {
	if w.cls < 0 {
		return false
	}
	name := w.declName(n)
	return !w.sp.braces && name == "__init__" || w.sp.braces && name == "constructor"
}

// ctorFields records the fields a constructor declares: TS parameter
// properties (`constructor(private db: Db)`) and the attributes its body
// assigns on self or this, typed from their value when it names a class
// (`Foo(…)`, `new Foo(…)`) or from the annotation of the parameter
// assigned.
func (w *walker) ctorFields(fn *sitter.Node) {
	params := map[string]string{}
	if ps := fn.ChildByFieldName("parameters"); ps != nil {
		for i := uint(0); i < ps.NamedChildCount(); i++ {
			p := ps.NamedChild(i)
			name, typ := w.param(p)
			if name == "" {
				continue
			}
			params[name] = typ
			if isParamProperty(p) {
				w.member(Field{Name: name, Type: typ}, w.text(p.StartByte(), p.EndByte()))
			}
		}
	}
	w.selfAssigns(fn.ChildByFieldName("body"), params, 0)
}

// param is the name and type of a parameter that has one of each.
func (w *walker) param(p *sitter.Node) (name, typ string) {
	switch p.Kind() {
	case "typed_parameter": // Python x: T
		if p.NamedChildCount() > 0 && p.NamedChild(0).Kind() == "identifier" {
			name = w.text(p.NamedChild(0).StartByte(), p.NamedChild(0).EndByte())
		}
	case "typed_default_parameter":
		name = w.fieldText(p, "name")
	case "required_parameter", "optional_parameter": // TS
		if pat := p.ChildByFieldName("pattern"); pat != nil && pat.Kind() == "identifier" {
			name = w.text(pat.StartByte(), pat.EndByte())
		}
	case "identifier":
		return w.text(p.StartByte(), p.EndByte()), ""
	}
	return name, baseName(w.fieldText(p, "type"))
}

// isParamProperty: a TS constructor parameter that declares a property.
func isParamProperty(p *sitter.Node) bool {
	for i := uint(0); i < p.ChildCount(); i++ {
		switch p.Child(i).Kind() {
		case "accessibility_modifier", "readonly", "override_modifier":
			return true
		}
	}
	return false
}

// maxAssignDepth bounds how deep in a constructor's statements
// assignments are looked for (if, try, with, loops nest them).
const maxAssignDepth = 12

// scopes are the nodes whose self or this is not the constructor's.
var scopes = kinds("function_definition", "class_definition", "decorated_definition", "lambda",
	"function_declaration", "function_expression", "function", "arrow_function", "class_declaration", "class",
	"method_definition", "generator_function_declaration")

// selfAssigns records the self.x and this.x assignments under n.
func (w *walker) selfAssigns(n *sitter.Node, params map[string]string, depth int) {
	if n == nil || depth > maxAssignDepth {
		return
	}
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch k := c.Kind(); {
		case scopes[k]:
		case k == "assignment" || k == "assignment_expression":
			w.selfAssign(c, params)
		default:
			w.selfAssigns(c, params, depth+1)
		}
	}
}

// selfAssign records the targets on self or this of one assignment, and
// of the assignments chained in its value (`self.a = self.b = None`).
func (w *walker) selfAssign(a *sitter.Node, params map[string]string) {
	right := a.ChildByFieldName("right")
	typ := baseName(w.fieldText(a, "type"))
	if right != nil && (right.Kind() == "assignment" || right.Kind() == "assignment_expression") {
		w.selfAssign(right, params)
	} else if typ == "" {
		typ = w.valueClass(right, params)
	}
	left := a.ChildByFieldName("left")
	if left == nil {
		return
	}
	targets := []*sitter.Node{left}
	if k := left.Kind(); k == "pattern_list" || k == "tuple_pattern" {
		targets, typ = nil, ""
		for i := uint(0); i < left.NamedChildCount(); i++ {
			targets = append(targets, left.NamedChild(i))
		}
	}
	for _, t := range targets {
		if name := w.selfAttr(t); name != "" {
			// As a declaration of the language: `self.x: T`, TS `x: T`,
			// JS `x` (JS has no annotations).
			line := name
			if !w.sp.braces {
				line = "self." + name
			}
			if typ != "" && !strings.HasPrefix(w.sp.grammar, "javascript") {
				line += ": " + typ
			}
			w.member(Field{Name: name, Type: typ}, line)
		}
	}
}

// selfAttr is the attribute name of a `self.x` or `this.x` node, or "".
func (w *walker) selfAttr(t *sitter.Node) string {
	switch t.Kind() {
	case "attribute":
		if w.fieldText(t, "object") == "self" {
			return w.fieldText(t, "attribute")
		}
	case "member_expression":
		if o := t.ChildByFieldName("object"); o != nil && o.Kind() == "this" {
			if p := t.ChildByFieldName("property"); p != nil && p.Kind() == "property_identifier" {
				return w.text(p.StartByte(), p.EndByte())
			}
		}
	}
	return ""
}

// valueClass is the class a value is an instance of, when it says so:
// `Foo(…)` (a capitalized callee: Python's convention for classes),
// `new Foo(…)`, or a parameter with an annotation.
func (w *walker) valueClass(v *sitter.Node, params map[string]string) string {
	if v == nil {
		return ""
	}
	switch v.Kind() {
	case "call", "call_expression":
		if t := baseName(w.fieldText(v, "function")); isClassName(t) {
			return t
		}
	case "new_expression":
		return baseName(w.fieldText(v, "constructor"))
	case "identifier":
		return params[w.text(v.StartByte(), v.EndByte())]
	}
	return ""
}

// isClassName: t starts, after underscores, with a capital letter.
func isClassName(t string) bool {
	t = strings.TrimLeft(t, "_$")
	return t != "" && 'A' <= t[0] && t[0] <= 'Z'
}

// objectNamespace records `const ns = { a: …, f() {…} }` (JS, TS) as a
// type of its own name with the object's properties as fields, so that
// `ns.` resolves to them. It reports whether decl was one.
func (w *walker) objectNamespace(n, decl *sitter.Node) bool {
	obj := decl.ChildByFieldName("value")
	for obj != nil && (obj.Kind() == "as_expression" || obj.Kind() == "satisfies_expression" || obj.Kind() == "parenthesized_expression") {
		obj = obj.NamedChild(0)
	}
	name := w.fieldText(decl, "name")
	if obj == nil || obj.Kind() != "object" || !isIdent(name) || w.cls >= 0 {
		return false
	}
	head := strings.TrimRight(w.text(n.StartByte(), obj.StartByte()), " \t\n")
	d := Decl{Kind: DeclType, Name: name, Container: w.owner, Type: name, Text: withDoc(w.docText(n), head)}
	w.decls = append(w.decls, d)
	cls := w.cls
	w.cls = len(w.decls) - 1
	for i := uint(0); i < obj.NamedChildCount(); i++ {
		p := obj.NamedChild(i)
		var f Field
		switch p.Kind() {
		case "pair":
			if k := p.ChildByFieldName("key"); k != nil && k.Kind() == "property_identifier" {
				f = Field{Name: w.text(k.StartByte(), k.EndByte()), Type: w.valueClass(p.ChildByFieldName("value"), nil)}
			}
		case "method_definition", "shorthand_property_identifier":
			f.Name = w.declName(p)
		}
		if f.Name != "" {
			line := w.text(p.StartByte(), p.EndByte())
			if b := p.ChildByFieldName("body"); b != nil && b.Kind() == "statement_block" {
				line = strings.TrimRight(w.text(p.StartByte(), b.StartByte()), " \t\n") + " { ... }"
			}
			w.member(f, line)
		}
	}
	if d := &w.decls[w.cls]; d.Text == head {
		d.Text += " {}"
	} else {
		d.Text += "\n}"
	}
	w.cls = cls
	return true
}

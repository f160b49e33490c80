package skeleton

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/ghostline/ghostline/lang/grammar"
)

// spec tells the generic walker what each node kind of a grammar means.
type spec struct {
	grammar string // the LSP id whose grammar (package grammar) parses it
	// keep: recorded whole (imports, fields, type aliases, prototypes).
	keep set
	// signature: recorded up to their "body" field, body elided.
	signature set
	// container: recorded up to their body, then their body is walked.
	container set
	// transparent: walked through as if their children stood in their place
	// (export statements, decorators, templates, extern "C" blocks).
	transparent set
	// prefixed: wrappers (export, template<...>) whose declaration inside
	// is recorded as if it stood alone.
	prefixed set
	// braces: the language delimits bodies with { }; otherwise (Python) ":".
	braces bool
	// comments: node kinds that are comments (for doc lines).
	comments set
}

type set map[string]bool

func kinds(ks ...string) set {
	s := set{}
	for _, k := range ks {
		s[k] = true
	}
	return s
}

var (
	comments = kinds("comment", "line_comment", "block_comment")
	jsSpec   = func(id string) *spec {
		return &spec{
			grammar: id,
			keep: kinds("import_statement", "type_alias_declaration", "interface_declaration", "enum_declaration",
				"public_field_definition", "field_definition", "method_signature", "abstract_method_signature",
				"function_signature", "property_signature", "ambient_declaration"),
			signature:   kinds("function_declaration", "generator_function_declaration", "method_definition"),
			container:   kinds("class_declaration", "abstract_class_declaration", "class", "internal_module", "module"),
			transparent: kinds("export_statement", "lexical_declaration", "variable_declaration"),
			prefixed:    kinds("export_statement"),
			braces:      true, comments: comments,
		}
	}
	ts = jsSpec("typescript")
	js = jsSpec("javascript")
	c  = &spec{
		grammar:     "c",
		keep:        kinds("preproc_include", "preproc_def", "type_definition", "declaration", "struct_specifier", "enum_specifier", "union_specifier", "field_declaration"),
		signature:   kinds("function_definition"),
		transparent: kinds("preproc_ifdef", "preproc_if", "preproc_else", "linkage_specification"),
		braces:      true, comments: comments,
	}
	cpp = &spec{
		grammar:     "cpp",
		keep:        kinds("preproc_include", "preproc_def", "type_definition", "alias_declaration", "using_declaration", "declaration", "enum_specifier", "field_declaration", "access_specifier"),
		signature:   kinds("function_definition"),
		container:   kinds("class_specifier", "struct_specifier", "namespace_definition"),
		transparent: kinds("preproc_ifdef", "preproc_if", "preproc_else", "linkage_specification", "template_declaration"),
		prefixed:    kinds("template_declaration"),
		braces:      true, comments: comments,
	}
	specs = map[string]*spec{
		"python": {
			grammar:     "python",
			keep:        kinds("import_statement", "import_from_statement", "future_import_statement", "decorator", "assignment"),
			signature:   kinds("function_definition"),
			container:   kinds("class_definition"),
			transparent: kinds("decorated_definition", "expression_statement"),
			comments:    kinds("comment"),
		},
		"javascript":      js,
		"javascriptreact": js,
		"typescript":      ts,
		"typescriptreact": jsSpec("typescriptreact"),
		"java": {
			grammar:   "java",
			keep:      kinds("package_declaration", "import_declaration", "field_declaration", "constant_declaration", "enum_declaration"),
			signature: kinds("method_declaration", "constructor_declaration", "compact_constructor_declaration"),
			container: kinds("class_declaration", "interface_declaration", "record_declaration", "annotation_type_declaration"),
			braces:    true, comments: comments,
		},
		"rust": {
			grammar: "rust",
			keep: kinds("use_declaration", "extern_crate_declaration", "struct_item", "enum_item", "union_item", "type_item",
				"const_item", "static_item", "function_signature_item", "associated_type", "macro_definition"),
			signature: kinds("function_item"),
			container: kinds("impl_item", "trait_item", "mod_item"),
			braces:    true, comments: comments,
		},
		"c":   c,
		"cpp": cpp,
	}
)

func (sp *spec) language() *sitter.Language { return grammar.For(sp.grammar) }

// extractTree walks the syntax tree of src with the rules of sp.
func extractTree(sp *spec, src []byte) (Result, error) {
	tree, err := sp.parse(src)
	if err != nil {
		return Result{}, err
	}
	defer tree.Close()
	w := walker{sp: sp, src: src, cls: -1}
	w.walk(tree.RootNode())
	if tree.RootNode().HasError() {
		w.bodies = nil // Reuse needs bodies that parsed
	}
	return Result{Bodies: w.bodies, Decls: w.decls}, nil
}

type walker struct {
	sp     *spec
	src    []byte
	bodies [][2]int
	decls  []Decl
	cls    int    // index in decls of the enclosing type, -1 outside one
	owner  string // name of the enclosing type or impl, "" outside one
}

func (w *walker) text(start, end uint) string { return string(w.src[start:end]) }

// walk records the declarations of n's named children.
func (w *walker) walk(n *sitter.Node) {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		w.node(n.NamedChild(i))
	}
}

func (w *walker) node(n *sitter.Node) {
	kind := n.Kind()
	switch {
	case w.sp.keep[kind]:
		w.keptDecl(n, strings.TrimRight(w.text(n.StartByte(), n.EndByte()), " \t\r\n"))
	case w.sp.signature[kind], w.sp.container[kind]:
		body := n.ChildByFieldName("body")
		if body == nil { // a declaration without a body: keep it whole
			w.keptDecl(n, w.text(n.StartByte(), n.EndByte()))
			return
		}
		head := strings.TrimRight(w.text(n.StartByte(), body.StartByte()), " \t\n")
		if w.sp.signature[kind] {
			w.funcDecl(n, n, head)
			if !w.isCtor(n) { // a constructor's body declares fields
				w.body(n, body)
			}
			return
		}
		defer w.enter(n, head)()
		w.walk(body)
	case w.sp.transparent[kind]:
		w.transparent(n)
	case kind == "ERROR":
		w.recoverClass(n)
	}
}

// recoverClass walks a part of the file that did not parse. Tree-sitter
// leaves a class it could not close as an ERROR holding the class keyword,
// its name and its members: they are recorded as that class's; any other
// ERROR's children are walked as if they stood in its place.
func (w *walker) recoverClass(n *sitter.Node) {
	for i := uint(0); i+1 < n.ChildCount(); i++ {
		kw, name := n.Child(i), n.Child(i+1)
		if kw.IsNamed() || !typeKeywords[kw.Kind()] || !strings.HasSuffix(name.Kind(), "identifier") {
			continue
		}
		head := w.text(n.StartByte(), name.EndByte())
		defer w.enterNamed(n, w.text(name.StartByte(), name.EndByte()), head, kw.Kind() == "interface")()
		for j := i + 2; j < n.ChildCount(); j++ {
			if c := n.Child(j); c.IsNamed() {
				w.node(c)
			}
		}
		return
	}
	w.walk(n)
}

// typeKeywords start a type's declaration.
var typeKeywords = kinds("class", "interface", "struct")

// transparent handles wrappers: an export keyword or variable declaration
// around a function is recorded as a signature of the whole.
func (w *walker) transparent(n *sitter.Node) {
	if w.sp.prefixed[n.Kind()] {
		if inner := w.declaration(n); inner != nil {
			w.node(inner)
			return
		}
	}
	// `const f = (x) => { ... }` and `export function f() {}`: find a
	// function value and emit everything up to its body.
	t := w.text(n.StartByte(), n.EndByte())
	oneLine := !strings.Contains(t, "\n") && len(t) <= maxValueLine
	if fn := findFunctionValue(n); fn != nil {
		// A body in braces, or an expression over several lines: the
		// signature; a one-line arrow function is kept whole below.
		if body := fn.ChildByFieldName("body"); body != nil && (body.Kind() == "statement_block" || !oneLine) {
			if body.Kind() == "statement_block" {
				w.body(n, body)
			}
			head := strings.TrimRight(w.text(n.StartByte(), body.StartByte()), " \t\n")
			w.funcDecl(n, fn, head)
			return
		}
	}
	if n.Kind() == "lexical_declaration" || n.Kind() == "variable_declaration" {
		d := n.NamedChild(0)
		switch {
		case n.NamedChildCount() == 1 && d.Kind() == "variable_declarator" && w.objectNamespace(n, d):
		case oneLine:
			w.keptDecl(n, t)
		case n.NamedChildCount() == 1 && d.Kind() == "variable_declarator":
			w.keptDecl(n, w.valueHead(n, d))
		}
		return
	}
	w.walk(n)
}

// maxValueLine is the longest one-line variable declaration kept whole;
// longer ones and those over several lines keep their head.
const maxValueLine = 120

// valueHead is a variable declaration without its value: up to the end of
// its type when it has one (`const parse: <T>(…) => R = …`), else its
// first line.
func (w *walker) valueHead(n, d *sitter.Node) string {
	if t := d.ChildByFieldName("type"); t != nil {
		return w.text(n.StartByte(), t.EndByte()) + " = …"
	}
	return firstCodeLine(w.text(n.StartByte(), n.EndByte()))
}

func findFunctionValue(n *sitter.Node) *sitter.Node {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch c.Kind() {
		case "arrow_function", "function_expression", "function":
			return c
		case "variable_declarator":
			if v := c.ChildByFieldName("value"); v != nil {
				switch v.Kind() {
				case "arrow_function", "function_expression", "function":
					return v
				}
			}
		}
	}
	return nil
}

// declaration returns the last named child of a wrapper that the walker
// records (the function under `export` or `template <...>`).
func (w *walker) declaration(n *sitter.Node) *sitter.Node {
	for i := int(n.NamedChildCount()) - 1; i >= 0; i-- {
		c := n.NamedChild(uint(i))
		if k := c.Kind(); w.sp.keep[k] || w.sp.signature[k] || w.sp.container[k] || w.sp.transparent[k] {
			return c
		}
	}
	return nil
}

// indentOf returns the whitespace that starts n's line.
func (w *walker) indentOf(n *sitter.Node) string {
	start := int(n.StartByte())
	i := start
	for i > 0 && w.src[i-1] != '\n' {
		i--
	}
	j := i
	for j < start && (w.src[j] == ' ' || w.src[j] == '\t') {
		j++
	}
	return string(w.src[i:j])
}

// docText is the first line of the comment directly above n, or "".
func (w *walker) docText(n *sitter.Node) string {
	prev := n.PrevNamedSibling()
	if prev == nil || !w.sp.comments[prev.Kind()] {
		return ""
	}
	if prev.EndPosition().Row+1 < n.StartPosition().Row {
		return ""
	}
	return firstLine(w.text(prev.StartByte(), prev.EndByte()))
}

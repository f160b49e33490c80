package grammar

import (
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/ghostline/ghostline/lang"
)

// Each grammar parses a line of its own language without errors and
// yields the node kind that only that grammar has.
func TestFor(t *testing.T) {
	cases := map[string]struct{ src, kind string }{
		"python":          {"def f(x):\n    return x\n", "function_definition"},
		"javascript":      {"function f(x) { return x }", "function_declaration"},
		"javascriptreact": {"const a = <b c={1}/>;", "jsx_self_closing_element"},
		"typescript":      {"let x: number = 1;", "type_annotation"},
		"typescriptreact": {"const a = <b c={1}/>;", "jsx_self_closing_element"},
		"java":            {"class A { void f() {} }", "method_declaration"},
		"rust":            {"fn f() -> u8 { 1 }", "function_item"},
		"c":               {"int f(void) { return 1; }", "function_definition"},
		"cpp":             {"template <class T> T f(T x) { return x; }", "template_declaration"},
	}
	for _, id := range lang.IDs() {
		g := For(id)
		c, want := cases[id]
		if g == nil {
			if want {
				t.Errorf("%s: no grammar", id)
			}
			continue
		}
		if !want {
			t.Errorf("%s: a grammar without a test case", id)
			continue
		}
		p := sitter.NewParser()
		if err := p.SetLanguage(g); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		tree := p.Parse([]byte(c.src), nil)
		root := tree.RootNode()
		if root.HasError() || !has(root, c.kind) {
			t.Errorf("%s: %q parsed as %s", id, c.src, root.ToSexp())
		}
		tree.Close()
		p.Close()
	}
}

func has(n *sitter.Node, kind string) bool {
	if n.Kind() == kind {
		return true
	}
	for i := uint(0); i < n.ChildCount(); i++ {
		if has(n.Child(i), kind) {
			return true
		}
	}
	return false
}

package retrieval

import (
	"testing"

	"github.com/ghostline/ghostline/lang"
)

func TestDropComments(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"go", "// Doc.\nfunc F() // trailing\n\n/* a\n b */\ntype T struct{}", "func F() // trailing\n\ntype T struct{}"},
		{"c", "#include <a.h>\n/** Doc. */\nint f(void);\n", "#include <a.h>\nint f(void);\n"},
		{"python", "def f():\n    \"\"\"Doc.\"\"\"\n    # note\n    ...\n", "def f():\n    ...\n"},
		{"lua", "-- doc\nfunction f() end\n", "function f() end\n"},
	} {
		if got := dropComments(lang.Get(c.lang), c.in); got != c.want {
			t.Errorf("%s: dropComments(%q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

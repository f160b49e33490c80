package skeleton

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// reuseSrc is, per language, a file with at least two function bodies.
var reuseSrc = map[string]string{
	"go": `package p

import "fmt"

// T is a thing.
type T struct{ A int }

// Get returns A.
func (t T) Get() int {
	x := map[string]int{"a": 1}
	return t.A + x["a"]
}

func Print(t T) {
	fmt.Println(t.Get())
}
`,
	"python": `import os


class Box:
    """A box.

    More.
    """

    def get(self, key):
        """Return the value.

        Details.
        """
        value = self.items[key]
        if value:
            return value
        return None

    def put(self, key, value):
        self.items[key] = value
        return "{"


def helper(path):
    return os.path.join(path, "x")
# about tail


def tail():
    pass
`,
	"typescript": `import { x } from "./x";

/** A box. */
export class Box {
  items: Map<string, number> = new Map();

  get(key: string): number {
    const v = this.items.get(key);
    return v ?? 0;
  }
}

export const put = (b: Box, k: string): void => {
  b.items.set(k, 1);
};

function helper(s: string): string {
  return s + "}";
}
`,
	"java": `package p;

import java.util.Map;

/** A box. */
public class Box {
    private Map<String, Integer> items;

    public int get(String key) {
        Integer v = items.get(key);
        return v == null ? 0 : v;
    }

    public void put(String key, int v) {
        items.put(key, v);
    }
}
`,
}

// TestReuse: an edit re-uses the old skeleton only where extracting the
// new text would give the same one, and the shifted body offsets are
// those a fresh extraction finds.
func TestReuse(t *testing.T) {
	tests := []struct {
		lang, name, old, new string
		reuse                bool
	}{
		{"go", "statement added in a body", "return t.A", "y := 2\n\treturn t.A + y", true},
		{"go", "line removed from a body", "\tx := map[string]int{\"a\": 1}\n", "", true},
		{"go", "call changed in the last body", "fmt.Println(t.Get())", "fmt.Println(t.Get(), \"more\")", true},
		{"go", "signature changed", "Print(t T)", "Print(t T, n int)", false},
		{"go", "type changed", "A int", "A, B int", false},
		{"go", "doc comment changed", "// Get returns A.", "// Get returns the A field.", false},
		{"go", "body closed early", "return t.A + x[\"a\"]", "return 0\n}\n\nfunc Extra() {", false},
		{"go", "brace left open", "return t.A", "if true {\n\treturn t.A", false},
		{"go", "bracket left open", "return t.A", "return t.A[", false},
		{"go", "raw string left open", "return t.A", "return `", false},
		{"go", "edit across two bodies", "return t.A + x[\"a\"]\n}\n\nfunc Print(t T) {", "return 0\n}\n\nfunc Print(t T) {\n\t_ = 1", false},

		{"python", "statement changed", "return value\n", "return value + 1\n", true},
		{"python", "statement added", "        return None", "        x = 1\n        return None", true},
		{"python", "first statement of a body changed", "self.items[key] = value", "self.items[key] = value * 2", true},
		{"python", "docstring detail changed", "        Details.", "        More details.", true},
		{"python", "docstring first line changed", "Return the value.", "Return a value.", true},
		{"python", "first statement made a docstring", `        self.items[key] = value`, `        "Put it."`, true},
		{"python", "first statement indented deeper", "        self.items[key] = value\n", "            self.items[key] = value\n", false},
		{"python", "blank line added before the first statement", "value):\n        self", "value):\n\n        self", false},
		{"python", "nested def added", "        return None", "        def inner():\n            return 1\n        return inner()", true},
		{"python", "line dedented out of the body", "        return None", "    return None", false},
		{"python", "line dedented to the module", "        return None", "return None", false},
		{"python", "def added at the method's indentation", "        return None", "        return None\n\n    def extra(self):\n        pass", false},
		{"python", "brace in a string", `return "{"`, `return "{}}"`, true},
		{"python", "bracket left open", "return value\n", "return value[\n", false},
		{"python", "string left open", "return value\n", "return 'value\n", false},
		{"python", "line continued into the next", "        return None", "        return None \\", false},
		{"python", "comment added at the end of a body", `return "{"`, "return \"{\"\n        # done", false},
		{"python", "last function's body changed", "os.path.join(path, \"x\")", "os.path.join(path, \"y\")", true},
		{"python", "signature changed", "def put(self, key, value):", "def put(self, key, value=None):", false},
		{"python", "edit across two bodies", "None\n\n    def put(self, key, value):\n        self", "1\n\n    def put(self, key, value):\n        this", false},

		{"typescript", "statement changed in a method", "return v ?? 0;", "return v ?? 1;", true},
		{"typescript", "arrow function body changed", "b.items.set(k, 1);", "b.items.set(k, 2);\n  b.items.delete(\"z\");", true},
		{"typescript", "brace in a string", `return s + "}";`, `return s + "}}{";`, true},
		{"typescript", "template with braces", `return s + "}";`, "return `${s}{`;", true},
		{"typescript", "brace left open", "return v ?? 0;", "if (v) {\n    return v ?? 0;", false},
		{"typescript", "unbalanced bracket", "return v ?? 0;", "return (v ?? 0;", false},
		{"typescript", "body closed early", "return v ?? 0;", "return 0;\n  }\n  extra() {", false},
		{"typescript", "signature changed", "get(key: string)", "get(key: string, d = 0)", false},

		{"java", "statement changed", "items.put(key, v);", "items.put(key, v + 1);", true},
		{"java", "statement added", "return v == null ? 0 : v;", "int w = 2;\n        return v == null ? w : v;", true},
		{"java", "brace in a string", "items.put(key, v);", "items.put(key + \"{\", v);", true},
		{"java", "brace left open", "items.put(key, v);", "if (v > 0) {\n        items.put(key, v);", false},
		{"java", "method closed early", "items.put(key, v);", "}\n    public void extra() {", false},
		{"java", "syntax error in a body", "items.put(key, v);", "items.put(key, v)", false},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			old := reuseSrc[tt.lang]
			prev, err := Extract(tt.lang, []byte(old))
			if err != nil || len(prev.Bodies) < 2 {
				t.Fatalf("extract: %v, bodies %v; want at least 2", err, prev.Bodies)
			}
			if !strings.Contains(old, tt.old) {
				t.Fatalf("source lacks %q", tt.old)
			}
			src := []byte(strings.Replace(old, tt.old, tt.new, 1))
			got, ok := Reuse(tt.lang, prev, []byte(old), src)
			if ok != tt.reuse {
				t.Fatalf("reused %t, want %t", ok, tt.reuse)
			}
			if !ok {
				return
			}
			want, err := Extract(tt.lang, src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Decls, want.Decls) || !slices.Equal(got.Bodies, want.Bodies) {
				t.Errorf("re-used %+v\nextracted %+v", got, want)
			}
		})
	}
	src := []byte(reuseSrc["go"])
	prev, _ := Extract("go", src)
	if _, ok := Reuse("plaintext", prev, src, append(src, 'x')); ok {
		t.Error("re-used a skeleton for a language without an extractor")
	}
	for lang, s := range reuseSrc {
		broken := []byte(strings.Replace(s, "return ", "return (", 1))
		if r, _ := Extract(lang, broken); r.Bodies != nil {
			t.Errorf("%s: a file with a syntax error has body offsets %v", lang, r.Bodies)
		}
	}
}

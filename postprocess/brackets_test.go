package postprocess

import "testing"

// rangeThen applies chooseRange, then shows the text with the replaced
// part of the suffix in brackets, to test both at once.
func rangeThen(c *cursor, s string) string {
	s = chooseRange(c, s)
	return s + "[" + c.lineSuffix[:c.replace] + "]"
}

func TestChooseRange(t *testing.T) {
	runFilter(t, rangeThen, []filterCase{
		{"retypes the closer", "go", "f(█)", "x)", "x)[)]"},
		{"retypes closer and semicolon", "js", "f(█);", `"a");`, `"a");[);]`},
		{"own parens", "go", "f(█)", "g()", "g()[]"},
		{"retypes the start of the rest", "tsx", "<App █/>;", "m={m} />", "m={m} />[/>]"},
		{"words after a partial match", "python", "open(█, \"r\")", "p, mode", "p, mode[]"},
		{"multi-line body before the brace", "ts", "function f() {█}", "\n  return 1;\n}", "\n  return 1;\n}[}]"},
		{"parameters, then a body", "rust", "fn f(█)", "n: u64) -> u64 {\n    n\n}", "n: u64) -> u64 {\n    n\n}[)]"},
		{"nothing after the cursor", "go", "x := █", "1", "1[]"},
	})
}

func TestFixClosers(t *testing.T) {
	runFilter(t, fixClosers, []filterCase{
		{"the suffix closes the struct", "go", "type A struct {\n\tB int\n\t█\n}", "C int\n}", "C int"},
		{"the suffix lacks the method's brace", "js", "class A {\n  f() {\n    █\n\n  g() {}\n}", "x();\n  }", "x();\n  }"},
		{"the inner brace stays", "csharp", "class P\n{\n    public P(int █\n}", "a)\n    {\n        A = a;\n    }", "a)\n    {\n        A = a;\n    }"},
		{"a stray closer alone goes", "sql", "HAVING x > █", "8.5)", "8.5"},
		{"a stray closer mid-line", "js", "const a = b / █", "c.length);", "c.length;"},
		{"wrong kind", "go", "v := []int{1,█", " 2)", " 2"},
		{"brackets in strings", "go", "f(█", `"a)" + b)`, `"a)" + b)`},
		{"brackets in comments", "c", "int f() {\n    █\n}", "return 1; /* } */\n}", "return 1; /* } */"},
		{"closes outer blocks at the end of the file", "go", "func f() {\n\tif x {\n\t\ty()\n\t█", "}\n}", "}\n}"},
		{"the suffix closes the inner object by indentation", "json", "{\n  \"a\": {\n    █\n  },\n  \"b\": [", "\"x\": 1\n  },", "\"x\": 1"},
	})
}

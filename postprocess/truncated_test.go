package postprocess

import "testing"

func TestDropTruncatedLine(t *testing.T) {
	runFilter(t, dropTruncatedLine, []filterCase{
		{"open call", "python", "def f():\n    █", "a = 1\n    return g(", "a = 1"},
		{"open string", "go", "func f() {\n\t█", "a := 1\n\tb := \"abc", "a := 1"},
		{"dangling operator", "go", "func f() {\n\t█", "a := 1\n\tb := a +", "a := 1"},
		{"finished with a line break", "go", "func f() {\n\t█", "a := 1\n\tb := g(\n", "a := 1\n\tb := g(\n"},
		{"closes a string opened earlier", "python", "x = \"\"\"█", "a\n\"\"\"", "a\n\"\"\""},
		{"one line is not judged", "go", "x := █", "g(", "g("},
		{"increment", "go", "func f() {\n\t█", "a := 1\n\ta++", "a := 1\n\ta++"},
	})
}

package postprocess

import "testing"

func TestReindent(t *testing.T) {
	runFilter(t, reindent, []filterCase{
		{"spaces to tabs", "go", "func f() {\n\tif x {\n\t\t█", "for {\n            g()\n        }", "for {\n\t\t\tg()\n\t\t}"},
		{"tabs to spaces", "python", "def f():\n    if x:\n        █", "for a in b:\n\t\t\tg(a)", "for a in b:\n            g(a)"},
		{"one column off", "ts", "enum E {\n  A,\n  █", "B,\n   C,", "B,\n  C,"},
		{"on the grid already", "ts", "enum E {\n  A,\n  █", "B,\n  C,", "B,\n  C,"},
		{"no indentation seen", "go", "█", "a\n   b", "a\n   b"},
	})
}

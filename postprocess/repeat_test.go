package postprocess

import "testing"

func TestCutRepeats(t *testing.T) {
	runFilter(t, cutRepeats, []filterCase{
		{"repeated line", "go", "func f() {\n\t█", "g(x)\n\tg(x)\n\tg(x)", "g(x)"},
		{"repeats the line above", "go", "\tx := f(a)\n\t█", "x := f(a)", ""},
		{"closers repeat", "go", "\t\t█", "}\n}", "}\n}"},
		{"keyword closers repeat", "ruby", "    █", "end\nend", "end\nend"},
	})
}

package postprocess

import "testing"

func TestCutSuffixRepeat(t *testing.T) {
	runFilter(t, cutSuffixRepeat, []filterCase{
		{"the next line", "go", "func f() {\n\t█\n\treturn x\n}", "return x\n}", ""},
		{"the next line, later", "go", "func f() {\n\t█\n\treturn x\n}", "x++\n\treturn x", "x++"},
		{"a run of the suffix", "js", "f() {█\n\n  f() {\n    a();\n    b();\n  }", "    a();\n    b();\n  }", ""},
		{"differs only in blanks and ;", "ts", "  █\n  return run(args);", "return  run(args)", ""},
		{"mid-line first line is not judged alone", "go", "\tx := █\n\ty()", "y()", "y()"},
		{"unrelated", "go", "func f() {\n\t█\n\treturn x\n}", "x++", "x++"},
		{"very similar", "ts", "  █\n  const snippets: CodeSnippet[] = [];", "const snippets: CodSnippet[] = [];", ""},
		{"the next of a series", "python", "█\nresults.append(compute(3))", "results.append(compute(2))", "results.append(compute(2))"},
	})
}

package postprocess

import "testing"

func TestFixLeadingSpace(t *testing.T) {
	runFilter(t, fixLeadingSpace, []filterCase{
		{"after a space", "ts", "return █", " this;", "this;"},
		{"after the indentation", "go", "\t█", "  x()", "x()"},
		{"after a comma", "js", "log(a,█", " b)", " b)"},
		{"at column 0", "python", "█", "    x = 1", "    x = 1"},
		{"restates the line", "ts", "  const total = █", "const total = a + b;", "a + b;"},
		{"short prefix is not judged", "go", "	x = █", "x = 2", "x = 2"},
	})
}

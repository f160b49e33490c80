package postprocess

import "testing"

func TestCutDegenerate(t *testing.T) {
	runFilter(t, cutDegenerate, []filterCase{
		{"loop on the first line", "go", "x := █", "foo = foo = foo = foo = foo = foo", ""},
		{"loop on a later line", "go", "func f() {\n\t█", "a := 1\n\tb = b = b = b = b = b = b", "a := 1"},
		{"runaway number", "ts", "const n = █", "1000000000000000000000000000000000", ""},
		{"zeros in an array are fine", "go", "x := █", "[]int{0, 0, 0, 0, 0, 0}", "[]int{0, 0, 0, 0, 0, 0}"},
		{"a separator is fine", "markdown", "█", "----------------", "----------------"},
	})
}

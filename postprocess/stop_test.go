package postprocess

import "testing"

func TestCutAtStop(t *testing.T) {
	runFilter(t, cutAtStop, []filterCase{
		{"fim token", "go", "x := █", `"a"<|endoftext|>package`, `"a"`},
		{"another family's token", "go", "x := █", "1<｜end▁of▁sentence｜>", "1"},
		{"none", "go", "x := █", "f(1)", "f(1)"},
	})
}

func TestKeepOneLine(t *testing.T) {
	runFilter(t, keepOneLine, []filterCase{
		{"mid-line", "go", "f(a█, b)", "x\ny", "x"},
		{"before closers only", "go", "f(█)", "x,\ny)", "x,\ny)"},
		{"line end", "go", "f(█\n", "x\ny", "x\ny"},
	})
}

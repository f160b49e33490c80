package postprocess

import "testing"

func TestTrim(t *testing.T) {
	runFilter(t, trim, []filterCase{
		{"trailing blanks and lines", "go", "x := █", "1  \n\n", "1"},
		{"blank", "go", "x := █", " \n\t", ""},
		{"leading line break kept", "go", "x := 1█", "\n\ty()", "\n\ty()"},
	})
}

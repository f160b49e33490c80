package postprocess

import "testing"

func TestDropLineLeftOpen(t *testing.T) {
	runFilter(t, dropLineLeftOpen, []filterCase{
		{"after a dot", "go", "\titem := s.█", "\n\treturn nil", ""},
		{"after an assignment", "go", "\tx = █", "\n\ty()", ""},
		{"after a statement", "go", "\tx := 1█", "\n\ty()", "\n\ty()"},
		{"same line", "go", "\tx := s.█", "Get()", "Get()"},
	})
}

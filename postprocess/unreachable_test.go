package postprocess

import "testing"

func TestCutUnreachable(t *testing.T) {
	runFilter(t, cutUnreachable, []filterCase{
		{"after return", "go", "\tif x█", " {\n\t\treturn err\n\t\tg()", " {\n\t\treturn err"},
		{"closer after return", "go", "\tif x█", " {\n\t\treturn err\n\t}\n\th()", " {\n\t\treturn err\n\t}\n\th()"},
		{"not an exit", "go", "\t█", "x := 1\n\treturned := g()\n\th()", "x := 1\n\treturned := g()\n\th()"},
	})
}

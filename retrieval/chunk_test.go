package retrieval

import (
	"strings"
	"testing"
)

func TestWindows(t *testing.T) {
	text := ""
	for i := 1; i <= 25; i++ {
		text += "line" + strings.Repeat("x", i%3) + "\n"
	}
	got := windows(text, 10, 5)
	var ranges [][2]int
	for _, c := range got {
		ranges = append(ranges, [2]int{c.start, c.end})
		if n := strings.Count(c.text, "\n"); n != c.end-c.start+1 {
			t.Errorf("window %d-%d has %d lines", c.start, c.end, n)
		}
	}
	want := [][2]int{{1, 10}, {6, 15}, {11, 20}, {16, 25}}
	if len(ranges) != len(want) {
		t.Fatalf("windows %v, want %v", ranges, want)
	}
	for i := range want {
		if ranges[i] != want[i] {
			t.Fatalf("windows %v, want %v", ranges, want)
		}
	}
	if w := windows("a\nb\n", 10, 5); len(w) != 1 || w[0].start != 1 || w[0].end != 2 {
		t.Errorf("short file: %+v", w)
	}
	if w := windows("\n\n\n", 2, 1); len(w) != 0 {
		t.Errorf("blank windows kept: %+v", w)
	}
}

func TestChunkFileDecls(t *testing.T) {
	src := []byte("package p\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n")
	snips, decls, _ := chunkFile("p.go", "go", src, 20, 10, nil)
	if len(decls) != 1 || decls[0].text != "// Add adds.\nfunc Add(a, b int) int" {
		t.Fatalf("declarations %+v", decls)
	}
	if len(snips) != 1 {
		t.Errorf("%d snippets", len(snips))
	}
	if _, decls, _ := chunkFile("x.md", "markdown", []byte("# title\n"), 20, 10, nil); decls != nil {
		t.Errorf("markdown got declarations")
	}
}

func TestCodeWords(t *testing.T) {
	for in, want := range map[string]string{
		"parseHTTPRequest":  "parse http request",
		"foo_bar getUserID": "foo bar get user id",
		"utf8Decode":        "utf 8 decode",
		"x":                 "x",
	} {
		var got []string
		for _, w := range strings.Fields(in) {
			got = append(got, splitWords(w)...)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Identifiers("go", "if x := foo.Bar(0x1F, y2); err != nil { return baz }"); strings.Join(got, " ") != "foo Bar y2 err baz" {
		t.Errorf("Identifiers = %q", got)
	}
}

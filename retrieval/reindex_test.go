package retrieval

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestReindexEditedMiddle edits a file in the middle, adding and removing
// lines (which moves every later window), and checks after each edit that
// every retrieved snippet of it is the new text at the lines it names, that
// what was removed is never retrieved and that what was added is.
func TestReindexEditedMiddle(t *testing.T) {
	orig := bigFile(30)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"lib/big.go": orig, "main.go": "package main\n"})
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()

	tests := []struct {
		name     string
		old, new string
		gone     []string // identifiers no longer in the file
		added    []string
	}{
		{"lines added in a body", "\treturn word12\n", "\tn := fresh12a\n\tn += fresh12b\n\treturn word12 + n\n", nil, []string{"fresh12a", "fresh12b"}},
		{"functions removed", "\nfunc f14() int {\n\treturn word14\n}\n\nfunc f15() int {\n\treturn word15\n}\n", "", []string{"word14", "word15", "f15"}, nil},
		{"function replaced", "func f16() int {\n\treturn word16\n}\n", "func g16() int {\n\tv := fresh16\n\treturn v\n}\n", []string{"word16", "f16"}, []string{"fresh16", "g16"}},
		{"lines removed from a body", "\tn := fresh12a\n\tn += fresh12b\n", "\tn := 0\n", []string{"fresh12a", "fresh12b"}, nil},
		// A stride's worth of lines: the windows after them keep their text
		// and only their line numbers move.
		{"three lines inserted", "func f19", "// one\n// two\n// three\nfunc f19", nil, nil},
		{"edit near the end", "return word28", "return fresh28", []string{"word28"}, []string{"fresh28"}},
	}
	text := orig
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(text, tt.old) {
				t.Fatalf("file lacks %q", tt.old)
			}
			text = strings.Replace(text, tt.old, tt.new, 1)
			if err := x.UpdateNow(context.Background(), filepath.Join(root, "lib/big.go"), text); err != nil {
				t.Fatal(err)
			}
			checkRetrieved(t, x, root, text, append([]string{"word03", "word20"}, tt.added...), tt.gone)
		})
	}
}

// bigFile is a Go file of n small functions, each returning wordNN.
func bigFile(n int) string {
	var b strings.Builder
	b.WriteString("package lib\n")
	for i := range n {
		fmt.Fprintf(&b, "\nfunc f%02d() int {\n\treturn word%02d\n}\n", i, i)
	}
	return b.String()
}

// checkRetrieved queries each identifier from main.go and checks that the
// ones in present are retrieved from lib/big.go, the ones in gone are not,
// and that every snippet of lib/big.go is text at the lines it names.
func checkRetrieved(t *testing.T, x *Index, root, text string, present, gone []string) {
	t.Helper()
	cur := strings.SplitAfter(text, "\n")
	for _, ident := range append(append([]string{}, present...), gone...) {
		src := "package main\n\nfunc use() int {\n\treturn " + ident
		p, err := x.AssembleFrom(context.Background(), Query{Path: filepath.Join(root, "main.go"), Language: "go", Text: src, Offset: len(src), Budget: 2048}, Sources{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, part := range p.Parts {
			if part.Path != "lib/big.go" {
				continue
			}
			if strings.Contains(part.Text, ident) {
				found = true
			}
			if part.Kind != PartSnippet {
				continue
			}
			body := strings.TrimPrefix(part.Text, "// lib/big.go\n")
			if part.StartLine < 1 || part.EndLine > len(cur) ||
				body != strings.Join(cur[part.StartLine-1:part.EndLine], "") {
				t.Errorf("snippet of lines %d-%d is not the new text there:\n%s", part.StartLine, part.EndLine, body)
			}
		}
		if want := !slices.Contains(gone, ident); found != want {
			t.Errorf("%s retrieved: %t, want %t", ident, found, want)
		}
	}
}

// TestReindexConcurrentEdits: edits of one file that race (a debounced
// change and a save) leave the index holding the last one whole, never a
// mix of chunks diffed against the same old state.
func TestReindexConcurrentEdits(t *testing.T) {
	orig := bigFile(30)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"lib/big.go": orig, "main.go": "package main\n"})
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	var wg sync.WaitGroup
	for k := range 8 {
		wg.Go(func() {
			text := strings.Replace(orig, fmt.Sprintf("word%02d", 3*k), fmt.Sprintf("racer%d", k), 1)
			if err := x.UpdateNow(context.Background(), "lib/big.go", text); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	final := strings.Replace(orig, "word29", "last29", 1)
	if err := x.UpdateNow(context.Background(), "lib/big.go", final); err != nil {
		t.Fatal(err)
	}
	var racers []string
	for k := range 8 {
		racers = append(racers, fmt.Sprintf("racer%d", k))
	}
	checkRetrieved(t, x, root, final, []string{"word00", "word03", "word21", "last29"}, racers)
}

// TestEntryRecord: file records keep the chunk sums across restarts; a
// damaged one does not read.
func TestEntryRecord(t *testing.T) {
	e := fileEntry{size: 10, mtime: 7, hash: "ab", snippets: 2, decls: 1, sums: []uint64{1, 1 << 63, 42}}
	got, err := parseEntry(e.String())
	if err != nil || got.String() != e.String() || len(got.sums) != 3 || got.sums[1] != 1<<63 {
		t.Errorf("round trip of %v: %v, %v", e, got, err)
	}
	tests := []struct {
		meta string
		ok   bool
	}{
		{"10 7 ab 0 0", true},
		{"10 7 ab 1 1 AQAAAAAAAAA", false}, // one sum for a snippet and a declaration
		{"10 7 ab 0 0 !!", false},
		{"10 7 ab 2 true", false},
		{"10 7 ab", false},
	}
	for _, tt := range tests {
		if e, err := parseEntry(tt.meta); (err == nil) != tt.ok || err == nil && len(e.sums) != 0 {
			t.Errorf("parseEntry(%q) = %v, %v; want ok %t and no sums", tt.meta, e, err, tt.ok)
		}
	}
}

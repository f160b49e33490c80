package eval

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"

	"github.com/ghostline/ghostline/config"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden runs the evaluation on a small repository; the table (without
// timings) must match testdata/eval.golden. Run with -update after an
// intended change to retrieval and review the diff.
func TestGolden(t *testing.T) {
	c := config.Defaults().Retrieval
	c.IndexDir = t.TempDir()
	c.WindowLines, c.StrideLines = 6, 3
	rep, err := Run(context.Background(), Options{Repo: "../testdata/repo", Samples: 40, Seed: 1, Budget: 256, Config: c})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.Write(&b, false)
	const golden = "testdata/eval.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("report differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
	// Invariants that hold whatever the figures: retrieval never loses to
	// the current file alone on cross-file identifiers, and every row stays
	// within the budget.
	for _, r := range rep.Rows {
		if r.MeanTokens > float64(rep.Budget) {
			t.Errorf("%s: mean prompt %v tokens over the budget %d", r.Name, r.MeanTokens, rep.Budget)
		}
	}
	if in, bm := rep.Rows[0], rep.Rows[2]; bm.CrossFile <= in.CrossFile {
		t.Errorf("snippets cross-file recall %v not above in-file %v", bm.CrossFile, in.CrossFile)
	}
}

func TestDrawIsDeterministic(t *testing.T) {
	files := []*file{{rel: "a.go", abs: "../testdata/repo/store/store.go", lang: "go"}}
	a, err := draw(files, 10, 7, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	files[0].lines = nil
	b, _ := draw(files, 10, 7, 100, 0)
	for i := range a {
		if a[i].q.Offset != b[i].q.Offset || len(a[i].truth) == 0 {
			t.Fatalf("sample %d differs or has no ground truth", i)
		}
		// The rest of the line is hidden: the text continues at a newline.
		if rest := a[i].q.Text[a[i].q.Offset:]; rest != "" && rest[0] != '\n' {
			t.Fatalf("sample %d: rest of line not hidden: %.20q", i, rest)
		}
	}
}

func TestWordStart(t *testing.T) {
	for _, c := range []struct {
		line string
		col  int
		want int
	}{
		{"fmt.Println(x)", 6, 4},   // inside Println
		{"fmt.Println(x)", 4, 4},   // at its start
		{"fmt.Println(x)", 11, 11}, // after it, at (
		{"return x", 0, 0},
		{"ab", 2, 2}, // at the end of the line
	} {
		if got := wordStart(c.line, c.col); got != c.want {
			t.Errorf("wordStart(%q, %d) = %d, want %d", c.line, c.col, got, c.want)
		}
	}
}

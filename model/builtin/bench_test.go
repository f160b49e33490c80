package builtin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/model"
)

// A small corpus: the test corpus's pattern in 200 files with varying names.
func smallCorpus() map[string][]byte {
	out := map[string][]byte{}
	for i := range 200 {
		out[fmt.Sprintf("f%d.go", i)] = fmt.Appendf(nil, `package p%d

func handle%d(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	v%d := r.FormValue("k%d")
	fmt.Fprintf(w, "%%s", v%d)
}
`, i%7, i, i%13, i%17, i%13)
	}
	return out
}

func BenchmarkLearn(b *testing.B) {
	files := smallCorpus()
	m := New(Options{})
	for b.Loop() {
		for p, src := range files {
			m.Learn(p, src)
		}
	}
}

func BenchmarkComplete(b *testing.B) {
	m := New(Options{})
	for p, src := range smallCorpus() {
		m.Learn(p, src)
	}
	req := model.Request{Prefix: "package p\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tif err := r.ParseForm(); err != nil {\n\t\t", Suffix: "\n\t}\n}\n", Language: "go", SingleLine: true}
	ctx := context.Background()
	for b.Loop() {
		if _, err := m.Complete(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompleteRetrieved completes after a prompt the size retrieval
// assembles (about 2,000 tokens: other files' snippets, each headed by its
// path and passed as Request.Context, as the pipeline does, then the
// current file), where counting the prompt's cache model is
// most of the work; it reports the median and p99 per completion.
func BenchmarkCompleteRetrieved(b *testing.B) {
	files := smallCorpus()
	m := New(Options{})
	for p, src := range files {
		m.Learn(p, src)
	}
	var parts []string
	for i := range 36 {
		name := fmt.Sprintf("f%d.go", i*5)
		parts = append(parts, fmt.Sprintf("// %s\n%s", name, files[name]))
	}
	prefix := strings.Join(parts, "") + "package p\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tif err := r.ParseForm(); err != nil {\n\t\t"
	req := model.Request{Prefix: prefix, Suffix: "\n\t}\n}\n", Language: "go", SingleLine: true, Context: parts}
	if toks, _, _ := lex(req.Prefix, "go", true); len(toks) < 1500 {
		b.Fatalf("prompt of %d tokens, want a retrieval-sized one", len(toks))
	}
	ctx := context.Background()
	var ds []time.Duration
	for b.Loop() {
		t := time.Now()
		if _, err := m.Complete(ctx, req); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
}

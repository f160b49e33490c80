package builtin

import (
	"context"
	"fmt"
	"testing"

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

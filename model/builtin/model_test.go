package builtin

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/model"
)

// corpus is a tiny repository with an obvious repeated pattern.
func corpus() map[string]string {
	files := map[string]string{}
	for i := range 6 {
		files[fmt.Sprintf("h%d.go", i)] = fmt.Sprintf(`package web

func handle%d(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "ok %d\n")
}
`, i, i)
	}
	return files
}

func trained(t testing.TB, o Options) *Model {
	t.Helper()
	m := New(o)
	c := corpus()
	// In a fixed order: token ids, and so the table's keys, follow it.
	for _, p := range slices.Sorted(maps.Keys(c)) {
		m.Learn(p, []byte(c[p]))
	}
	return m
}

func TestComplete(t *testing.T) {
	m := trained(t, Options{})
	tests := []struct {
		name, prefix, suffix, want string
		single                     bool
	}{
		{"line start", "package web\n\nfunc f(w http.ResponseWriter, r *http.Request) {\n\tif err := r.ParseForm(); err != nil {\n\t\t", "\n\t}\n}\n", "http.Error(w, err.Error(), http.StatusBadRequest)", true},
		{"mid identifier", "package web\n\nfunc g() {\n\tif err := r.Parse", "\n}\n", "Form(); err != nil {", true},
		{"after typed space", "package web\n\nfunc g() {\n\tif err := ", "\n}\n", "r.ParseForm(); err != nil {", true},
		{"mid operator", "package web\n\nfunc g() {\n\tif err :", "\n}\n", "= r.ParseForm(); err != nil {", true},
		{"multi-line block", "package web\n\nfunc g(w http.ResponseWriter, r *http.Request) {\n\tif err := r.ParseForm(); err != nil {\n\t\thttp.Error(w, err.Error(), http.StatusBadRequest)\n\t\t", "\n}\n", "return\n\t}", false},
		{"in a comment", "package web\n\n// handle ", "\n", "", true},
		{"after a closed literal", "package web\n\nfunc g(w http.ResponseWriter) {\n\tfmt.Fprintf(w, \"never seen\"", "\n}\n", ")", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := m.Complete(context.Background(), model.Request{Prefix: tt.prefix, Suffix: tt.suffix, Language: "go", SingleLine: tt.single})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.Text, tt.want) || (tt.want == "" && res.Text != "") {
				t.Errorf("Complete = %q, want it to start with %q", res.Text, tt.want)
			}
			if tt.want != "" && (!res.HasConfidence || res.Confidence > 0 || res.Confidence < -2) {
				t.Errorf("confidence = %v (has %v), want a mean log-prob of a confident prediction", res.Confidence, res.HasConfidence)
			}
			if res.Model != "builtin" {
				t.Errorf("Model = %q", res.Model)
			}
		})
	}
}

// The cache model alone completes from the current file when nothing was learnt.
func TestCacheOnly(t *testing.T) {
	m := New(Options{})
	prefix := "x = compute_total(items, tax_rate)\nprint(x)\ny = compute_"
	res, err := m.Complete(context.Background(), model.Request{Prefix: prefix, Suffix: "\n", Language: "python", SingleLine: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "total(items, tax_rate)" {
		t.Errorf("Complete = %q, want %q", res.Text, "total(items, tax_rate)")
	}
}

// snapshot is the model's logical content: every n-gram count and every
// context's total and distinct count, independent of where entries live.
func snapshot(m *Model) map[uint64][2]uint32 {
	out := map[uint64][2]uint32{}
	for k, e := range m.tab.ctx {
		out[k] = [2]uint32{e.total, e.distinct()}
		for i, id := range e.ids {
			if e.cnt[i] > 0 {
				out[ngramKey(k, id)] = [2]uint32{e.cnt[i]}
			}
		}
	}
	for k, c := range m.tab.ovf {
		out[k] = [2]uint32{c}
	}
	return out
}

func TestLearnForgetRestores(t *testing.T) {
	m := trained(t, Options{})
	before := snapshot(m)
	m.Learn("extra.go", []byte("package web\n\nfunc extra() { return handle0(nil, nil) }\nvar a, b, c, d, e = 1, 2, 3, 4, 5\n"))
	m.Learn("h1.go", []byte("package web\n\nvar changed = true\n")) // re-learn: old counts go first
	if got := snapshot(m); len(got) == len(before) {
		t.Fatal("learning changed nothing")
	}
	m.Forget("extra.go")
	m.Learn("h1.go", []byte(corpus()["h1.go"]))
	after := snapshot(m)
	if len(after) != len(before) {
		t.Fatalf("after forget: %d entries, want %d", len(after), len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("entry %x = %v after forget, want %v", k, after[k], v)
		}
	}
	for p := range corpus() {
		m.Forget(p)
	}
	if n := m.tab.size(); n != 0 {
		t.Errorf("forgetting every file left %d entries", n)
	}
}

func TestMemoryCap(t *testing.T) {
	m := New(Options{MaxNgrams: 300})
	w := []string{"a", "b", "c", "d", "e", "f"}
	for i := range 40 {
		src := fmt.Sprintf("package p\n\nfunc %s(%s int) int { return %s * %s + %s(%s) }\n", w[i%6], w[i/6%6], w[i/6%6], w[i%5], w[(i+1)%6], w[i%4])
		m.Learn(fmt.Sprintf("f%d.go", i), []byte(src))
		if n := m.tab.size(); n > 300 {
			t.Fatalf("after file %d: %d entries, cap 300", i, n)
		}
	}
	if m.Stats().Pruned == 0 {
		t.Error("nothing was pruned")
	}
	// The frequent pattern survives pruning.
	res, err := m.Complete(context.Background(), model.Request{Prefix: "package p\n\nfunc h(b int) int {", Language: "go", SingleLine: true})
	if err != nil || !strings.HasPrefix(res.Text, " return") {
		t.Errorf("after pruning: %q, %v; want it to continue with \" return\"", res.Text, err)
	}
}

func TestCompleteCancelled(t *testing.T) {
	m := trained(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Complete(ctx, model.Request{Prefix: "package web\n\nfunc g() {\n\t", Language: "go"}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestConcurrentLearnComplete(t *testing.T) {
	m := trained(t, Options{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				if g%2 == 0 {
					m.Learn(fmt.Sprintf("c%d.go", i%5), []byte(corpus()["h2.go"]))
				} else if _, err := m.Complete(context.Background(), model.Request{Prefix: "package web\n\nfunc g() {\n\tif err := r.", Language: "go"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestLex(t *testing.T) {
	tests := []struct {
		lang, src string
		prefix    bool
		want      []string
	}{
		{"go", "x := a.b(1, \"s\") // c\n\ty++\n", false, []string{"x", " :=", " a", ".", "b", "(", "1", ",", " \"s\"", ")", "\x00n+1", "y", "++"}},
		{"python", "def f(a):\n    return a ** 2  # sq\n", false, []string{"def", " f", "(", "a", ")", ":", "\x00n+1", "return", " a", " **", " 2"}},
		{"go", "if x {\n\t\t", true, []string{"if", " x", " {", "\x00n+2"}},
		{"go", "s := \"abc", true, []string{"s", " :=", " \"abc"}},
		{"lua", "local n = #t -- size\nreturn n\n", false, []string{"local", " n", " =", " #", "t", "\x00n0", "return", " n"}},
		{"sql", "SELECT 'a--b' -- c\n", false, []string{"SELECT", " 'a--b'"}},
	}
	for _, tt := range tests {
		got, _, _ := lex(tt.src, tt.lang, tt.prefix)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("lex(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// Re-learning an edited file recounts only the edited stretch, with the
// same counts as forgetting the old version and learning the new one.
func TestRelearnEditedFile(t *testing.T) {
	src := corpus()["h1.go"]
	mid := len(src) / 2
	edits := map[string]string{
		"insert":  src[:mid] + "x := compute(a, b)\n" + src[mid:],
		"delete":  src[:mid] + src[mid+20:],
		"replace": src[:mid] + "// a comment\n" + src[mid+5:],
		"head":    "// head\n" + src,
		"tail":    src + "\nvar tail = 1\n",
		"same":    src,
		"empty":   "",
	}
	for name, edited := range edits {
		t.Run(name, func(t *testing.T) {
			incr, full := trained(t, Options{}), trained(t, Options{})
			incr.Learn("h1.go", []byte(edited))
			full.Forget("h1.go")
			full.Learn("h1.go", []byte(edited))
			a, b := snapshot(incr), snapshot(full)
			if len(a) != len(b) {
				t.Fatalf("%d entries re-learnt, %d learnt afresh", len(a), len(b))
			}
			for k, v := range b {
				if a[k] != v {
					t.Fatalf("entry %x = %v re-learnt, %v learnt afresh", k, a[k], v)
				}
			}
		})
	}
}

// After `x.` the members retrieval resolved are the candidates: the model
// answers with one of them where its counts alone know nothing of x, and
// the repository's counts rank them.
func TestMembersAfterDot(t *testing.T) {
	m := trained(t, Options{})
	req := model.Request{Prefix: "package web\n\nfunc f() {\n\trec := httptest.NewRecorder()\n\tcode := rec.", Language: "go", SingleLine: true}
	res, err := m.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	before := res.Text
	req.Members = []string{"Body", "Code", "Error", "Flush"}
	if res, err = m.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	// Error is the member the corpus uses (err.Error()).
	if !strings.HasPrefix(res.Text, "Error") {
		t.Errorf("after rec. with members: %q (without: %q), want Error first", res.Text, before)
	}
	req.Prefix += "Fl"
	if res, err = m.Complete(context.Background(), req); err != nil || res.Text != "ush" && !strings.HasPrefix(res.Text, "ush") {
		t.Errorf("after rec.Fl: %q, %v; want ush", res.Text, err)
	}
}

// Retrieved parts are read one by one: a snippet cut inside a block
// comment leaves the cursor in code, and the snippets' counts help.
func TestRetrievedContext(t *testing.T) {
	m := trained(t, Options{})
	snippets := []string{
		"// a.go\nfunc tidy(s *Store) {\n\ts.Compact(true)\n}\n",
		"// b.go\n/**\n * The store.\n",
	}
	cur := "package web\n\nfunc f(s *Store) {\n\ts."
	req := model.Request{Prefix: strings.Join(snippets, "") + cur, Language: "go", SingleLine: true}
	res, err := m.Complete(context.Background(), req)
	if err != nil || res.Text != "" {
		t.Fatalf("the prompt read as one text ends in b.go's comment: want nothing, got %q, %v", res.Text, err)
	}
	req.Context = snippets
	if res, err = m.Complete(context.Background(), req); err != nil || res.Text != "Compact(true)" {
		t.Errorf("with the parts apart: %q, %v; want Compact(true) from a.go", res.Text, err)
	}
	// Parts that are not the prompt's head are not trusted.
	req.Context = []string{"// c.go\n"}
	if res, err = m.Complete(context.Background(), req); err != nil || res.Text != "" {
		t.Errorf("with a part the prompt does not begin with: %q, %v; want the prompt read as one", res.Text, err)
	}
}

// Where no member after `x.` is likely on its own, the back-off must not
// end the line at the dot; nor may the line repeat the one above it
// (post-processing would cut it): the search finishes another.
func TestNoEmptyLineAfterDot(t *testing.T) {
	m := New(Options{})
	var b strings.Builder
	b.WriteString("package web\n\nfunc f(r *R) {\n")
	for i := range 60 {
		fmt.Fprintf(&b, "\tr.f%d()\n\tn := %d\n", i, i)
	}
	b.WriteString("}\n")
	m.Learn("a.go", []byte(b.String()))
	pre := "package web\n\nfunc g(r *R) {\n\tr.f7()\n\tr."
	res, err := m.Complete(context.Background(), model.Request{Prefix: pre, Language: "go", SingleLine: true})
	if err != nil || !strings.HasPrefix(res.Text, "f") || res.Text == "f7()" {
		t.Errorf("after r. below r.f7(): %q, %v; want another member", res.Text, err)
	}
}

// A prompt that cut its file inside a docstring says so (FileState): the
// closing quotes then end a string rather than open one.
func TestFileStateInsideDocstring(t *testing.T) {
	m := New(Options{})
	m.Learn("a.py", []byte("class S:\n    def f(self):\n        self.cache = {}\n        self.cache.clear()\n"))
	cut := "of the cache.\n\"\"\"\n\nclass T:\n    def g(self):\n        self."
	req := model.Request{Prefix: cut, Language: "python", SingleLine: true}
	if res, err := m.Complete(context.Background(), req); err != nil || res.Text != "" {
		t.Fatalf("read from code, the cursor is in a string: want nothing, got %q, %v", res.Text, err)
	}
	req.FileState = lang.Get("python").Scan(`"""The shelf`, lang.State{}, nil)
	if res, err := m.Complete(context.Background(), req); err != nil || !strings.HasPrefix(res.Text, "cache") {
		t.Errorf("begun inside the docstring: %q, %v; want self.cache", res.Text, err)
	}
}

// A Go file's package clause is its directory's package, however common
// main is elsewhere; a test file may take the _test one.
func TestPackageClause(t *testing.T) {
	m := New(Options{})
	for i := range 8 {
		m.Learn(fmt.Sprintf("cmd/tool%d/main.go", i), []byte("package main\n\nfunc main() {}\n"))
	}
	m.Learn("internal/alpha/a.go", []byte("// Package alpha.\npackage alpha\n\nfunc A() {}\n"))
	m.Learn("internal/alpha/b_test.go", []byte("package alpha_test\n\nfunc TestB() {}\n"))
	m.Learn("internal/alpha/gen.go", []byte("//go:build ignore\n\npackage main\n\nfunc main() {}\n"))
	for _, tt := range []struct{ path, prefix, want string }{
		{"/src/repo/internal/alpha/c.go", "// Copyright.\n\npack", "age alpha"},
		{"/src/repo/internal/alpha/c.go", "package ", "alpha"},
		{"/src/repo/internal/alpha/c_test.go", "package alpha_", "test"},
		{"/src/repo/cmd/tool9/main.go", "package ", "main"},
		{"/src/repo/internal/beta/c.go", "package ", "main"}, // nothing learnt there
	} {
		res, err := m.Complete(context.Background(), model.Request{Prefix: tt.prefix, Suffix: "\n", Path: tt.path, Language: "go", SingleLine: true})
		if err != nil || res.Text != tt.want {
			t.Errorf("%s at %q: %q (%v), want %q", tt.path, tt.prefix, res.Text, err, tt.want)
		}
	}
}

package retrieval

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegionAt(t *testing.T) {
	const src = "package p\n\nimport (\n\t\"fmt\"\n)\n\n// F does.\nfunc F() {\n\tx := 1\n\n\tfmt.Println(x)\n}\n\nfunc G() {\n\ty\n"
	for _, tc := range []struct {
		at    string // the cursor goes after the first occurrence
		start int
		head  string
	}{
		{"package p", -1, ""},
		{"\t\"fmt\"", 2, "import ("},
		{"x := 1", 7, "func F() {"},
		{"Println(x)", 7, "func F() {"},
		{"}\n\nfunc G", 7, "func F() {"}, // typing a new top-level line: still the block above
		{"\ty", 13, "func G() {"},
	} {
		r := regionAt(Query{Text: src, Offset: strings.Index(src, tc.at) + len(tc.at)})
		if r.start != tc.start || r.head != tc.head {
			t.Errorf("after %q: region %d %q, want %d %q", tc.at, r.start, r.head, tc.start, tc.head)
		}
	}
	a := region{start: 7, head: "func F() {", anchor: 10, budget: 100}
	for _, tc := range []struct {
		o    region
		same bool
	}{
		{region{start: 7, head: "func F() {", anchor: 10 + regionLines, budget: 100}, true},
		{region{start: 7, head: "func F() {", anchor: 11 + regionLines, budget: 100}, false},
		{region{start: 7, head: "func F(x int) {", anchor: 10, budget: 100}, false},
		{region{start: 7, head: "func F() {", anchor: 10, budget: 200}, false},
	} {
		if got := a.same(tc.o); got != tc.same {
			t.Errorf("same(%+v) = %v", tc.o, got)
		}
	}
}

// The prefix's cut stays put while the user types: it moves once per
// slack's worth of text, always within the budget at a line start.
func TestTrimHeadStaysPut(t *testing.T) {
	doc := strings.Repeat("\tresult = append(result, compute(item))\n", 400)
	typed := strings.Repeat("\tsum += weight(x, y) * factor\n", 30)
	const budget = 1000
	var cuts, lineCuts int
	prevStart, prevTail := -1, -1
	for i := range len(typed) + 1 {
		prefix := doc + typed[:i]
		got := trimHead(prefix, budget)
		start := len(prefix) - len(got)
		if EstimateTokens(got) > budget || start > 0 && prefix[start-1] != '\n' {
			t.Fatalf("after %d typed: %d tokens, cut at %d not at a line start", i, EstimateTokens(got), start)
		}
		if start != prevStart {
			cuts++
			prevStart = start
		}
		if tail := len(prefix) - len(fitTail(prefix, budget)); tail != prevTail {
			lineCuts++
			prevTail = tail
		}
	}
	// 930 bytes typed, a step of 250 tokens (750 bytes): two or three cuts.
	if cuts > 3 || lineCuts < 20 {
		t.Errorf("the cut moved %d times (fitTail's %d times) over %d characters typed", cuts, lineCuts, len(typed))
	}
}

func TestBetterBlock(t *testing.T) {
	snip := func(path string, from, to int, score float64) Part {
		return Part{Kind: PartSnippet, Path: path, StartLine: from, EndLine: to, Score: score}
	}
	held := block{parts: []Part{snip("a.go", 1, 20, 5), snip("b.go", 10, 30, 4)}}
	for _, tc := range []struct {
		name       string
		fresh      []Part
		candidates []Part
		better     bool
	}{
		{"same parts, scores moved", []Part{snip("a.go", 1, 20, 6), snip("b.go", 10, 30, 3)},
			[]Part{snip("a.go", 1, 20, 6), snip("b.go", 10, 30, 3)}, false},
		{"one new part, a little better", []Part{snip("c.go", 1, 20, 6), snip("a.go", 1, 20, 5)},
			[]Part{snip("c.go", 1, 20, 6), snip("a.go", 1, 20, 5), snip("b.go", 10, 30, 4)}, false},
		{"a new part far better than any held", []Part{snip("c.go", 1, 20, 16), snip("a.go", 1, 20, 5)},
			[]Part{snip("c.go", 1, 20, 16), snip("a.go", 1, 20, 5), snip("b.go", 10, 30, 4)}, true},
		{"held parts no longer found", []Part{snip("c.go", 1, 20, 2)},
			[]Part{snip("c.go", 1, 20, 2)}, true},
		{"nothing found", nil, nil, false},
	} {
		if got := clearlyBetter(block{parts: tc.fresh}, held, tc.candidates, 0); got != tc.better {
			t.Errorf("%s: better = %v, want %v", tc.name, got, tc.better)
		}
	}
}

// Declarations resolved on one line and not the next stay held; they count
// as much as the best hit, not above everything.
func TestBetterBlockResolved(t *testing.T) {
	decl := func(path string, score float64) Part { return Part{Kind: PartDecl, Path: path, Score: score} }
	snip := func(path string, score float64) Part {
		return Part{Kind: PartSnippet, Path: path, StartLine: 1, EndLine: 20, Score: score}
	}
	held := block{parts: []Part{decl("doc.go", resolvedScore), snip("a.go", 5), snip("b.go", 4)}}
	for _, tc := range []struct {
		name       string
		fresh      []Part
		candidates []Part
		better     bool
	}{
		{"another line resolves other names", []Part{decl("field.go", resolvedScore), decl("batch.go", resolvedScore-1), snip("a.go", 5)},
			[]Part{decl("field.go", resolvedScore), decl("batch.go", resolvedScore-1), snip("a.go", 5), snip("b.go", 4)}, false},
		{"held snippets gone, a held resolved declaration counting as the best hit", []Part{decl("field.go", resolvedScore), snip("c.go", 9), snip("d.go", 8)},
			[]Part{decl("field.go", resolvedScore), snip("c.go", 9), snip("d.go", 8)}, false},
	} {
		if got := clearlyBetter(block{parts: tc.fresh}, held, tc.candidates, 0); got != tc.better {
			t.Errorf("%s: better = %v, want %v", tc.name, got, tc.better)
		}
	}
	none := block{parts: []Part{snip("a.go", 5), snip("b.go", 4)}}
	if !clearlyBetter(block{parts: []Part{decl("doc.go", resolvedScore), snip("c.go", 10)}}, none,
		[]Part{decl("doc.go", resolvedScore), snip("c.go", 10), snip("a.go", 2)}, 0) {
		t.Error("a resolved declaration and the best hit, held parts weak: not better")
	}
}

// Typing in one function keeps the retrieved block byte for byte; moving
// to another file's or far part recomputes it.
func TestBlockHeldWhileTyping(t *testing.T) {
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	path := filepath.Join(root, "api/handler.go")
	head := "package api\n\nfunc Refund(o *Order) error {\n\t"
	block := func(typed string) string {
		t.Helper()
		text := head + typed + "\n}\n"
		p, err := x.Assemble(context.Background(), Query{Path: path, Language: "go", Text: text, Offset: len(head + typed), Budget: 600})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, part := range p.Parts {
			if part.Kind == PartDecl || part.Kind == PartSnippet {
				b.WriteString(part.Text)
			}
		}
		return b.String()
	}
	first := block("bal := o.Balance")
	if first == "" {
		t.Fatal("nothing retrieved")
	}
	for _, typed := range []string{"bal := o.Balance\n\t", "bal := o.Balance\n\tif bal", "bal := o.Balance\n\tif bal < 0 {\n\t\treturn"} {
		if got := block(typed); got != first {
			t.Errorf("typed %q: the block changed\n%s\nwas\n%s", typed, got, first)
		}
	}
	anchor := func() int {
		x.regions.mu.Lock()
		defer x.regions.mu.Unlock()
		h := x.regions.held[path]
		if h == nil {
			t.Fatal("no block held")
		}
		return h.region.anchor
	}
	before := anchor()
	block(strings.Repeat("\n", regionLines+1) + "bal := o.Balance")
	if anchor() == before {
		t.Error("a move past regionLines kept the region")
	}
}

// choose keeps the held block inside its region unless a fresh one is
// clearly better, and computes it afresh in another region.
func TestChooseHolds(t *testing.T) {
	snip := func(path string, score float64) Part {
		return Part{Kind: PartSnippet, Path: path, StartLine: 1, EndLine: 3, Score: score, Text: "x := " + path + "\n"}
	}
	text := "package p\n\nfunc F() {\n\tx := 1\n\t"
	q := Query{Path: "/r/p.go", Language: "go", Text: text + "\n}\n", Offset: len(text), Budget: 400}
	hash := func(string) string { return "h" }
	var rs regions
	pick := func(q Query, cands ...Part) string {
		l := newLayout(q, 0)
		b := rs.choose(q, l, cands, l.block(cands, l.ctxBudget), hash)
		var names []string
		for _, p := range b.parts {
			names = append(names, p.Path)
		}
		return strings.Join(names, " ")
	}
	if got := pick(q, snip("a.go", 5), snip("b.go", 4)); got != "b.go a.go" {
		t.Fatalf("first block %q", got)
	}
	// Typed on: a new part slightly ahead is not enough.
	q.Text, q.Offset = text+"y\n}\n", len(text)+1
	if got := pick(q, snip("c.go", 6), snip("a.go", 5), snip("b.go", 4)); got != "b.go a.go" {
		t.Errorf("in the region: %q, want the held block", got)
	}
	// A part far ahead of all held: replaced.
	if got := pick(q, snip("d.go", 20), snip("a.go", 5), snip("b.go", 4)); got != "b.go a.go d.go" {
		t.Errorf("clearly better: %q", got)
	}
	// The query swings to another part, ahead by what replaced the block
	// before: after one replacement in the region the margin is twice as
	// large, however many requests kept the block since.
	for range 2 {
		if got := pick(q, snip("e.go", 14), snip("a.go", 5), snip("b.go", 4), snip("d.go", 8)); got != "b.go a.go d.go" {
			t.Errorf("swinging back: %q, want the held block", got)
		}
	}
	// Another function: afresh.
	other := text + "y\n}\n\nfunc G() {\n\t"
	q.Text, q.Offset = other+"\n}\n", len(other)
	if got := pick(q, snip("c.go", 6), snip("a.go", 5)); got != "a.go c.go" {
		t.Errorf("another region: %q", got)
	}
}

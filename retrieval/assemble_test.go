package retrieval

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// On a file's first line there is nothing before the cursor to query
// with: the prompt carries the first window of a file beside it.
func TestFirstLineGetsNeighbourHeads(t *testing.T) {
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	q := cursor(t, root, "util/report.py", "")
	q.Offset = 0
	p, err := x.Assemble(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, part := range p.Parts {
		if part.Kind == PartSnippet && part.Path == "util/money.py" && part.StartLine == 1 {
			return
		}
		got = append(got, string(part.Kind)+":"+part.Path)
	}
	t.Errorf("no first window of util/money.py in the prompt; parts %v", got)
}

func TestTermsWithinPostings(t *testing.T) {
	const docs = 10000
	in := terms{
		ids:   []weighted{{"rare", 1, 10}, {"mid", 1, 400}, {"common", 1, 3000}},
		words: []weighted{{"heavy", 4, 900}},
	}
	tests := []struct {
		budget     uint64
		ids, words []string
	}{
		{budget: 100000, ids: []string{"rare", "mid", "common"}, words: []string{"heavy"}},
		// By weight times idf: heavy (4×2.4), rare, mid, common.
		{budget: 1500, ids: []string{"rare", "mid"}, words: []string{"heavy"}},
		{budget: 500, ids: []string{"rare", "mid"}},
		// The best term stays even when it alone is over the budget.
		{budget: 5, words: []string{"heavy"}},
	}
	names := func(ws []weighted) []string {
		var out []string
		for _, w := range ws {
			out = append(out, w.term)
		}
		return out
	}
	for _, tc := range tests {
		out := in.within(tc.budget, docs)
		if ids, words := names(out.ids), names(out.words); !slices.Equal(ids, tc.ids) || !slices.Equal(words, tc.words) {
			t.Errorf("budget %d: ids %v words %v, want %v %v", tc.budget, ids, words, tc.ids, tc.words)
		}
	}
}

// The document-frequency cache keeps counts across an edit (a few chunks
// barely move them) and recounts after a large write.
func TestDocFreqCacheFollowsLargeWrites(t *testing.T) {
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	ctx := context.Background()
	count := func() uint64 {
		t.Helper()
		df, err := docFreq(ctx, x.bi.Load().Index, &x.df)
		if err != nil {
			t.Fatal(err)
		}
		defer df.close()
		return df.count(fieldIdent, "zanzibarwidget")
	}
	if n := count(); n != 0 {
		t.Fatalf("count %d before the term exists", n)
	}
	path := filepath.Join(root, "util/money.py")
	if err := x.UpdateNow(ctx, path, "def zanzibarWidget():\n    pass\n"); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("count %d after a small write, want the cached 0", n)
	}
	// Window 6, stride 3: 100 windows hold the term, a batch over dfStaleDocs.
	big := strings.Repeat("zanzibarWidget = 1\n", 303)
	if err := x.UpdateNow(ctx, path, big); err != nil {
		t.Fatal(err)
	}
	if n := count(); n < 100 {
		t.Errorf("count %d after a large write, want the %d windows recounted", n, 100)
	}
}

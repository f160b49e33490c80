package retrieval

import (
	"slices"
	"testing"
)

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

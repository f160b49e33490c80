package retrieval

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// countingIndex counts the searches that reach the index.
type countingIndex struct {
	bleveIndex
	n int
}

func (c *countingIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	c.n++
	return c.bleveIndex.SearchInContext(ctx, req)
}

func TestHitCacheAnswersRepeatsUntilAWrite(t *testing.T) {
	bi, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	for id, text := range map[string]string{"a": "parse the config", "b": "parse the flags"} {
		if err := bi.Index(id, map[string]any{"text": text}); err != nil {
			t.Fatal(err)
		}
	}
	idx := &countingIndex{bleveIndex: bi}
	var c hitCache
	ctx := context.Background()
	search := func(writes uint64, term string) *bleve.SearchResult {
		t.Helper()
		res, err := c.wrap(idx, writes).SearchInContext(ctx, bleve.NewSearchRequest(bleve.NewTermQuery(term)))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	steps := []struct {
		writes   uint64
		term     string
		searches int // reaching the index so far
		hits     uint64
	}{
		{1, "parse", 1, 2},
		{1, "parse", 1, 2}, // a repeat: from the cache
		{1, "flags", 2, 1}, // another search
		{1, "parse", 2, 2},
		{2, "parse", 3, 2}, // after a write: asked again
		{1, "parse", 4, 2}, // an older state never reads newer entries
	}
	for i, s := range steps {
		res := search(s.writes, s.term)
		if idx.n != s.searches || res.Total != s.hits {
			t.Errorf("step %d (%q at write %d): %d searches, %d hits; want %d, %d", i, s.term, s.writes, idx.n, res.Total, s.searches, s.hits)
		}
	}
}

package retrieval

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// hitCacheSize bounds the searches remembered: one request makes a
// snippet search, a declaration search and a look-up per resolved name.
const hitCacheSize = 32

// hitCache remembers search results of one state of the index (its write
// count). While typing, consecutive requests ask mostly the same searches
// (the identifiers around the cursor change less often than the text), and
// searching was the largest part of serve's CPU per keystroke (bench
// typing). Results are shared: callers only read them.
type hitCache struct {
	mu      sync.Mutex
	writes  uint64
	entries map[string]*bleve.SearchResult
}

// wrap returns bi with its searches answered from c while the index has
// had writes writes.
func (c *hitCache) wrap(bi bleve.Index, writes uint64) bleve.Index {
	return cachedIndex{bleveIndex: bi, c: c, writes: writes}
}

// bleveIndex names the embedded index apart from its Index method.
type bleveIndex = bleve.Index

type cachedIndex struct {
	bleveIndex
	c      *hitCache
	writes uint64
}

// SearchInContext answers from the cache when it can; a search that fails
// is not remembered.
func (ci cachedIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return ci.bleveIndex.SearchInContext(ctx, req)
	}
	key := string(b)
	c := ci.c
	c.mu.Lock()
	if c.writes != ci.writes {
		c.writes, c.entries = ci.writes, nil
	}
	res, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return res, nil
	}
	res, err = ci.bleveIndex.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes != ci.writes {
		return res, nil // the index changed meanwhile
	}
	if len(c.entries) >= hitCacheSize {
		for k := range c.entries { // any one
			delete(c.entries, k)
			break
		}
	}
	if c.entries == nil {
		c.entries = map[string]*bleve.SearchResult{}
	}
	c.entries[key] = res
	return res, nil
}

package retrieval

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/blevesearch/bleve/v2"
	lru "github.com/hashicorp/golang-lru/v2"
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
	mu      sync.Mutex // makes the write-count check and the cache one step
	writes  uint64
	entries *lru.Cache[string, *bleve.SearchResult] // made on first use
}

// wrap returns bi with its searches answered from c while the index has
// had writes writes.
func (c *hitCache) wrap(bi bleve.Index, writes uint64) bleve.Index {
	return cachedIndex{bleveIndex: bi, c: c, writes: writes}
}

// at returns the results of index state writes, emptied when the state
// changed; c.mu is held.
func (c *hitCache) at(writes uint64) *lru.Cache[string, *bleve.SearchResult] {
	if c.entries == nil {
		c.entries, _ = lru.New[string, *bleve.SearchResult](hitCacheSize) // fails only for a size < 1
	}
	if c.writes != writes {
		c.writes = writes
		c.entries.Purge()
	}
	return c.entries
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
	res, ok := c.at(ci.writes).Get(key)
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
	if c.writes == ci.writes { // else the index changed meanwhile
		c.at(ci.writes).Add(key, res)
	}
	return res, nil
}

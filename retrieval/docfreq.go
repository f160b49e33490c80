package retrieval

import (
	"context"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// freqs looks up document frequencies, through the index's cache.
type freqs struct {
	ctx  context.Context
	bi   bleve.Index
	c    *dfCache
	r    index.IndexReader // opened at the first count the cache lacks
	docs uint64
}

// dfCache keeps document frequencies between queries: counting a term
// costs a dictionary look-up in every segment. Large writes clear it;
// counts an edited file or two old only shift which terms count as common
// by a hair.
type dfCache struct {
	mu     sync.Mutex
	docs   uint64            // 0: not counted since the last write
	counts map[string]uint64 // by field + "\x00" + term
}

// maxCachedCounts bounds the cache; it starts over when full.
const maxCachedCounts = 1 << 16

func (c *dfCache) clear() {
	c.mu.Lock()
	c.docs, c.counts = 0, nil
	c.mu.Unlock()
}

func docFreq(ctx context.Context, bi bleve.Index, c *dfCache) (*freqs, error) {
	c.mu.Lock()
	n := c.docs
	c.mu.Unlock()
	f := &freqs{ctx: ctx, bi: bi, c: c, docs: n}
	if n == 0 {
		if err := f.open(); err != nil {
			return nil, err
		}
		n, err := f.r.DocCount()
		if err != nil {
			f.close()
			return nil, fmt.Errorf("index reader: %w", err)
		}
		f.docs = n
		c.mu.Lock()
		c.docs = n
		c.mu.Unlock()
	}
	return f, nil
}

func (f *freqs) open() error {
	ai, err := f.bi.Advanced()
	if err != nil {
		return fmt.Errorf("index reader: %w", err)
	}
	if f.r, err = ai.Reader(); err != nil {
		return fmt.Errorf("index reader: %w", err)
	}
	return nil
}

func (f *freqs) count(field, term string) uint64 {
	key := field + "\x00" + term
	f.c.mu.Lock()
	n, ok := f.c.counts[key]
	f.c.mu.Unlock()
	if ok {
		return n
	}
	if f.r == nil && f.open() != nil {
		return 0
	}
	tfr, err := f.r.TermFieldReader(f.ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	n = tfr.Count()
	tfr.Close()
	f.c.mu.Lock()
	if f.c.counts == nil || len(f.c.counts) >= maxCachedCounts {
		f.c.counts = make(map[string]uint64)
	}
	f.c.counts[key] = n
	f.c.mu.Unlock()
	return n
}

func (f *freqs) close() {
	if f.r != nil {
		f.r.Close()
	}
}

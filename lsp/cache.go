package lsp

import (
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
)

// suggestion is one suggestion returned to the editor, with the document
// text around the cursor when it was made.
type suggestion struct {
	id     string
	prefix string // document text before the cursor
	suffix string // document text after the cursor
	text   string // the suggested insertion
	// replace is how many bytes of suffix the insertion replaces (closers
	// the editor inserted): still there as the user types through.
	replace int
}

// cache answers "typed-through" requests: after suggestion S at prefix P,
// a request at prefix P+x where x is a proper prefix of S (the user typed
// the start of S, or backspaced inside it) is answered with S[len(x):]
// without running the pipeline. One entry per document, least recently used
// documents evicted first. Safe for concurrent use.
type cache struct {
	lru *lru.Cache[string, *suggestion] // by document URI
}

func newCache(size int) *cache {
	c, err := lru.New[string, *suggestion](max(size, 1))
	if err != nil {
		panic(err) // only for size <= 0, excluded above
	}
	return &cache{lru: c}
}

func (c *cache) resize(size int) { c.lru.Resize(max(size, 1)) }

func (c *cache) add(uri string, s *suggestion) { c.lru.Add(uri, s) }

// lookup returns the suggestion cached for uri and the part of it still to
// insert at byte offset off of text, if text is its document typed through.
// The text after the cursor must be unchanged too: an edit elsewhere on the
// line makes the cached suggestion stale.
func (c *cache) lookup(uri, text string, off int) (s *suggestion, rest string, ok bool) {
	s, ok = c.lru.Get(uri)
	if !ok {
		return nil, "", false
	}
	before := text[:off]
	if !strings.HasPrefix(before, s.prefix) {
		return nil, "", false
	}
	typed := before[len(s.prefix):]
	if len(typed) >= len(s.text) || !strings.HasPrefix(s.text, typed) || text[off:] != s.suffix {
		return nil, "", false
	}
	return s, s.text[len(typed):], true
}

// forget drops suggestion id, once accepted or rejected: it must not come
// back as the user types on.
func (c *cache) forget(id string) {
	for _, uri := range c.lru.Keys() {
		if s, ok := c.lru.Peek(uri); ok && s.id == id {
			c.lru.Remove(uri)
		}
	}
}

// drop forgets the suggestion for a closed document.
func (c *cache) drop(uri string) { c.lru.Remove(uri) }

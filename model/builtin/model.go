package builtin

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/ghostline/ghostline/lang"
)

// Options bound the model.
type Options struct {
	// Order is the n-gram order (tokens of context + 1); default 5.
	Order int
	// MaxNgrams caps the stored n-gram entries (contexts plus successors
	// that do not fit inline). Past it the rarest long contexts are pruned.
	// Each entry costs roughly 60 bytes; default 2,000,000.
	MaxNgrams int
	// MaxVocab caps distinct tokens; later new tokens are not learnt
	// (they still count as unknown). Default 1,000,000.
	MaxVocab int
}

func (o Options) withDefaults() Options {
	if o.Order <= 1 {
		o.Order = 5
	}
	o.Order = min(o.Order, 8)
	if o.MaxNgrams <= 0 {
		o.MaxNgrams = 2_000_000
	}
	if o.MaxVocab <= 0 {
		o.MaxVocab = 1_000_000
	}
	return o
}

// Model is the built-in n-gram model. It is safe for concurrent use:
// Complete runs alongside Learn and Forget.
type Model struct {
	opt Options

	mu    sync.RWMutex
	vocab vocab
	langs map[string]uint32
	tab   table
	files map[string]fileRec
	// pruned counts how many contexts were dropped to respect MaxNgrams.
	pruned  int
	pruneAt int
}

// fileRec is what a file contributed, so that re-learning or forgetting it
// can subtract exactly that.
type fileRec struct {
	lang uint32
	toks []byte // token ids, uvarint-encoded
}

// New returns an empty model.
func New(o Options) *Model {
	return &Model{
		opt:   o.withDefaults(),
		vocab: newVocab(),
		langs: map[string]uint32{},
		tab:   newTable(),
		files: map[string]fileRec{},
	}
}

// Name implements model.Backend.
func (m *Model) Name() string { return "builtin" }

// Learn (re)learns one file: counts from a previous version of path are
// removed first. The language comes from the file name
// (lang.Of), so each language has its own counts. Its
// signature fits retrieval.Options.OnFile.
//
// Re-learning an edited file only recounts the n-grams that end in the
// edited stretch of tokens: an editor's re-index after each pause in typing
// costs a lexing pass, not two passes of counting over the whole file.
func (m *Model) Learn(path string, src []byte) {
	language := lang.Of(path)
	toks, _, _ := lex(string(src), language, false)
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.lang(language)
	ids := make([]uint32, len(toks))
	var enc []byte
	for i, t := range toks {
		ids[i] = m.vocab.intern(t, m.opt.MaxVocab)
		enc = binary.AppendUvarint(enc, uint64(ids[i]))
	}
	if old, ok := m.files[path]; ok && old.lang == l {
		m.recount(l, decodeIDs(old.toks), ids)
	} else {
		m.forget(path)
		m.count(l, ids, 0, len(ids), (*table).addOrder)
	}
	m.files[path] = fileRec{lang: l, toks: slices.Clip(enc)}
	if m.tab.size() > max(m.opt.MaxNgrams, m.pruneAt) {
		m.pruned += m.tab.prune(m.opt.MaxNgrams * 7 / 10)
		// When what is left cannot be pruned (the unigram counts of a huge
		// vocabulary), do not rescan after every file.
		m.pruneAt = m.tab.size() + m.opt.MaxNgrams/4
	}
}

// recount replaces the counts of old by those of ids. N-grams that end
// within the common prefix, or that lie wholly within the common suffix,
// are the same in both and are left alone.
func (m *Model) recount(lang uint32, old, ids []uint32) {
	p := 0
	for p < len(old) && p < len(ids) && old[p] == ids[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(ids)-p && old[len(old)-1-s] == ids[len(ids)-1-s] {
		s++
	}
	reach := m.opt.Order - 1 // an n-gram ending here reaches this far back
	m.count(lang, old, p, min(len(old), len(old)-s+reach), (*table).subOrder)
	m.count(lang, ids, p, min(len(ids), len(ids)-s+reach), (*table).addOrder)
}

// Forget removes everything path contributed.
func (m *Model) Forget(path string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forget(path)
}

func (m *Model) forget(path string) {
	rec, ok := m.files[path]
	if !ok {
		return
	}
	delete(m.files, path)
	ids := decodeIDs(rec.toks)
	m.count(rec.lang, ids, 0, len(ids), (*table).subOrder)
}

// decodeIDs decodes a file record's token ids.
func decodeIDs(b []byte) []uint32 { return decodeHead(b, len(b)) }

// decodeHead decodes the first n token ids of a file record.
func decodeHead(b []byte, n int) []uint32 {
	ids := make([]uint32, 0, min(n, len(b)))
	for len(b) > 0 && len(ids) < n {
		v, k := binary.Uvarint(b)
		ids = append(ids, uint32(v))
		b = b[k:]
	}
	return ids
}

func (t *table) addOrder(ck uint64, order int, id uint32) { t.add(ck, order, id) }

func (t *table) subOrder(ck uint64, _ int, id uint32) { t.sub(ck, id) }

// count applies f to every n-gram of ids that ends at a position in
// [from, to), orders 1..Order (context lengths 0..Order-1). A context never
// reaches back over an unknown token.
func (m *Model) count(lang uint32, ids []uint32, from, to int, f func(t *table, ck uint64, order int, id uint32)) {
	n := m.opt.Order
	for i := from; i < to; i++ {
		id := ids[i]
		if id == unk {
			continue
		}
		for k := 0; k < n && k <= i; k++ {
			c := ids[i-k : i]
			if k > 0 && c[0] == unk {
				break
			}
			f(&m.tab, ctxKey(lang, c), k, id)
		}
	}
}

func (m *Model) lang(name string) uint32 {
	if id, ok := m.langs[name]; ok {
		return id
	}
	id := uint32(len(m.langs) + 1)
	m.langs[name] = id
	return id
}

// Stats describes the model's size.
type Stats struct {
	Files, Vocab, Contexts, Overflow, Pruned int
}

// Stats returns the model's current size.
func (m *Model) Stats() Stats {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return Stats{Files: len(m.files), Vocab: len(m.vocab.strs) - 1, Contexts: m.tab.nctx, Overflow: m.tab.novf, Pruned: m.pruned}
}

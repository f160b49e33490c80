package retrieval

import (
	"path"
	"slices"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Clause boosts of the BM25 queries.
const (
	dirBoost     = 2   // the current file's directory
	siblingBoost = 0.5 // its sibling directories
	headBoost    = 2   // the neighbours' first windows, on a first line
	maxHeads     = 20  // neighbours whose first windows a first line looks at
	// symbolBoost weighs a declared name above the same identifier in a
	// declaration's text: a declaration of it is about it.
	symbolBoost = 2
)

// snippetQuery matches windows of lines by their identifiers, whole and as
// words, preferring the current file's directory and its siblings.
func snippetQuery(t terms, rel string, near []query.Query) query.Query {
	var should []query.Query
	for _, id := range t.ids {
		should = append(should, boosted(fieldIdent, id.term, id.w))
	}
	for _, w := range t.words {
		should = append(should, boosted(fieldText, w.term, w.w))
	}
	should = append(should, near...)
	// Declarations have fields of their own: this matches snippets only.
	var mustNot []query.Query
	if rel != "" {
		mustNot = append(mustNot, termQuery(fieldPath, rel))
	}
	return query.NewBooleanQuery(nil, should, mustNot)
}

// declQuery matches declarations by the names they declare (heaviest),
// the types they mention and their words.
func declQuery(t terms, rel string) query.Query {
	var should []query.Query
	for _, id := range t.ids {
		should = append(should, boosted(fieldSym, id.term, symbolBoost*id.w), boosted(fieldDIdent, id.term, id.w))
	}
	for _, w := range t.words {
		should = append(should, boosted(fieldDText, w.term, w.w/2))
	}
	var mustNot []query.Query
	if rel != "" {
		mustNot = append(mustNot, termQuery(fieldPath, rel))
	}
	return query.NewBooleanQuery(nil, should, mustNot)
}

// near boosts chunks from the directory of the file at rel and its
// siblings.
func near(rel string, df *freqs) []query.Query {
	if rel == "" {
		return nil
	}
	dir := path.Dir(rel)
	out := []query.Query{boosted(fieldDir, dir, dirBoost)}
	// The root's children are not each other's neighbours; and a clause
	// that matches more chunks than the whole query may would double
	// its cost.
	if up := path.Dir(dir); dir != "." && up != "." && df.count(fieldUp, up) <= maxPostings {
		out = append(out, boosted(fieldUp, up, siblingBoost))
	}
	return out
}

// heads matches the first windows of the files beside the one at rel: on
// the first line of a file the text before the cursor says nothing, and
// the neighbours' tops (licence, package clause, imports) are the best
// guess at what follows.
func (x *Index) heads(rel string) []query.Query {
	if rel == "" {
		return nil
	}
	dir := path.Dir(rel)
	var ids []string
	x.mu.Lock()
	for p, e := range x.files {
		if e.snippets > 0 && p != rel && path.Dir(p) == dir {
			ids = append(ids, snippetID(p, 0))
		}
	}
	x.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	q := query.NewDocIDQuery(ids[:min(len(ids), maxHeads)])
	q.SetBoost(headBoost)
	return []query.Query{q}
}

func boosted(field, term string, boost float64) query.Query {
	q := termQuery(field, term)
	q.SetBoost(boost)
	return q
}

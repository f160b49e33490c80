package retrieval

import (
	"math"
	"slices"
	"sort"
	"strings"
)

// Query-term tuning (see `ghostline eval retrieval`): the query looks at
// the lines just before the cursor, the nearest weighing most.
const (
	queryLines    = 12   // lines before the cursor's line that feed the query
	lineDecay     = 0.9  // weight factor per line further from the cursor
	cursorWeight  = 3    // weight of the cursor's own line
	importWeight  = 0.5  // weight of the imported modules' names
	wordShare     = 0.5  // a compound identifier's words weigh this share of it
	maxQueryTerms = 16   // identifiers kept, the heaviest and longest first
	commonShare   = 0.05 // terms in more chunks than this share are dropped
	// minCommonChunks keeps a small index's limit on common terms from
	// dropping every term.
	minCommonChunks = 500
	// maxPostings bounds the chunks the query's terms occur in, summed:
	// the search costs one step per posting, and the rarest terms carry
	// most of BM25's score.
	maxPostings = 10000
)

// weighted is a query term and its weight.
type weighted struct {
	term string
	w    float64
	df   uint64 // chunks that hold the term
}

// terms are the query's identifiers (whole, lower-cased) and the words of
// the compound ones, heaviest first.
type terms struct {
	ids, words []weighted
}

// queryTerms picks the query's terms from the identifiers around the
// cursor: the lines before it (the nearer, the heavier), the whole current
// line, heaviest, and the names of the modules the current file imports.
func (x *Index) queryTerms(language string, q Query, df *freqs, mods []string) terms {
	weights := map[string]float64{}
	var order []string
	add := func(text string, w float64) {
		for _, id := range Identifiers(language, text) {
			if _, ok := weights[id]; !ok {
				order = append(order, id)
			}
			weights[id] += w
		}
	}
	lineStart := strings.LastIndexByte(q.Text[:q.Offset], '\n') + 1
	lineEnd := len(q.Text)
	if i := strings.IndexByte(q.Text[q.Offset:], '\n'); i >= 0 {
		lineEnd = q.Offset + i
	}
	before := q.Text[:lineStart]
	from := len(before)
	for n := 0; n <= queryLines && from > 0; n++ {
		from = strings.LastIndexByte(before[:from-1], '\n') + 1
		if from == 0 {
			break
		}
	}
	add(q.Text[lineStart:lineEnd], cursorWeight)
	w := 1.0
	for rest := before[from:]; rest != ""; w *= lineDecay {
		i := strings.LastIndexByte(rest[:len(rest)-1], '\n') + 1
		add(rest[i:], w)
		rest = rest[:i]
	}
	for _, m := range mods {
		add(m, importWeight)
	}
	if len(order) == 0 {
		return terms{}
	}
	// Terms in more than commonShare of the chunks weigh little in BM25
	// and cost the most: drop them.
	limit := max(uint64(float64(df.docs)*commonShare), minCommonChunks)
	idDF := map[string]uint64{}
	order = slices.DeleteFunc(order, func(id string) bool {
		n := df.count(fieldIdent, strings.ToLower(id))
		idDF[id] = n
		return n > limit
	})
	// Keep the heaviest identifiers; among equals, the longer (rarer) ones.
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if weights[a] != weights[b] {
			return weights[a] > weights[b]
		}
		return len(a) > len(b)
	})
	order = order[:min(len(order), maxQueryTerms)]

	var t terms
	words := map[string]float64{}
	wordDF := map[string]uint64{}
	var wordOrder []string
	for _, id := range order {
		w := weights[id]
		t.ids = append(t.ids, weighted{strings.ToLower(id), w, idDF[id]})
		parts := splitWords(id)
		if len(parts) < 2 {
			continue // the whole identifier already matches it
		}
		for _, word := range parts {
			if _, ok := wordDF[word]; !ok {
				wordDF[word] = df.count(fieldText, word)
			}
			if wordDF[word] > limit {
				continue
			}
			if _, ok := words[word]; !ok {
				wordOrder = append(wordOrder, word)
			}
			words[word] += w * wordShare
		}
	}
	for _, word := range wordOrder {
		t.words = append(t.words, weighted{word, words[word], wordDF[word]})
	}
	return t.within(maxPostings, df.docs)
}

// within keeps the terms worth most to BM25 (weight times idf) whose
// postings add up to at most budget: the search's cost is their number.
func (t terms) within(budget, docs uint64) terms {
	type cand struct {
		weighted
		word  bool
		value float64
	}
	var all []cand
	for _, id := range t.ids {
		all = append(all, cand{id, false, id.w * idf(id.df, docs)})
	}
	for _, w := range t.words {
		all = append(all, cand{w, true, w.w * idf(w.df, docs)})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].value > all[j].value })
	var out terms
	var sum uint64
	for _, c := range all {
		if sum+c.df > budget {
			continue
		}
		sum += c.df
		out.add(c.weighted, c.word)
	}
	// When none fits, the best alone: a query of common terms beats none.
	if len(out.ids)+len(out.words) == 0 && len(all) > 0 {
		out.add(all[0].weighted, all[0].word)
	}
	return out
}

func (t *terms) add(w weighted, word bool) {
	if word {
		t.words = append(t.words, w)
	} else {
		t.ids = append(t.ids, w)
	}
}

func idf(df, docs uint64) float64 {
	return math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))
}

package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/ghostline/ghostline/lang"
)

// Sources selects what Assemble retrieves; the zero value is everything.
// The evaluation turns parts off to measure what each contributes.
type Sources struct {
	NoSkeletons bool
	NoSnippets  bool
}

// Retrieval tuning, chosen with `ghostline eval retrieval` on the Go and
// Python standard libraries. The query looks at the lines just before the
// cursor, the nearest weighing most; hits from the current file's
// directory and its siblings, from files it imports and from files edited
// recently score higher.
const (
	queryLines    = 12   // lines before the cursor's line that feed the query
	lineDecay     = 0.9  // weight factor per line further from the cursor
	cursorWeight  = 3    // weight of the cursor's own line
	importWeight  = 0.5  // weight of the imported modules' names
	maxQueryTerms = 16   // identifiers kept, the heaviest and longest first
	commonShare   = 0.05 // terms in more chunks than this share are dropped
	// maxPostings bounds the chunks the query's terms occur in, summed:
	// the search costs one step per posting, and the rarest terms carry
	// most of BM25's score.
	maxPostings  = 10000
	topHits      = 24  // snippets fetched per query
	topSkeletons = 4   // skeletons fetched per query
	dirBoost     = 2   // BM25 clause boost for the current file's directory
	siblingBoost = 0.5 // BM25 clause boost for its sibling directories
	headBoost    = 2   // clause boost for the neighbours' first windows, on a first line
	maxHeads     = 20  // neighbours whose first windows a first line looks at
	importBoost  = 1.5 // score factor for files the current file imports
	recentBoost  = 1.3 // score factor for files edited in the editor lately
	recentWindow = 10 * time.Minute
	nearBoost    = 1.5 // score factor for files in the current file's directory
	// sameFileDecay scales each further snippet of one file: windows from
	// several files carry more than many windows of one.
	sameFileDecay    = 0.5
	maxSkeletons     = 1        // skeletons in one prompt
	skeletonShare    = 0.12     // of the retrieved context, at most, for skeletons
	importsHead      = 16 << 10 // bytes at the top of a file searched for imports
	minSnippetTokens = 48       // a window cut shorter than this is not worth its header
)

// Assemble builds the prompt for the cursor q: the skeletons of the most
// related files and the best snippets from other files, then the current
// file's prefix, with its suffix, within the budget. Before the index is
// open, or when a search fails, it returns the in-file prompt.
func (x *Index) Assemble(ctx context.Context, q Query) (Prompt, error) {
	return x.AssembleFrom(ctx, q, Sources{})
}

// AssembleFrom is Assemble restricted to some sources.
func (x *Index) AssembleFrom(ctx context.Context, q Query, s Sources) (Prompt, error) {
	if q.Budget <= 0 {
		q.Budget = x.cfg.ContextTokens
	}
	if q.Offset < 0 || q.Offset > len(q.Text) {
		return Prompt{}, fmt.Errorf("assemble: offset %d outside a text of %d bytes", q.Offset, len(q.Text))
	}
	h := x.bi.Load()
	if h == nil || s.NoSkeletons && s.NoSnippets {
		return InFile(q), nil
	}
	parts, err := x.retrieve(ctx, h.Index, q, s)
	if err != nil {
		if ctx.Err() != nil {
			return Prompt{}, ctx.Err()
		}
		slog.Debug("retrieval failed; in-file prompt", "err", err)
		return InFile(q), nil
	}
	return Compose(q, parts, x.cfg.ContextShare), nil
}

// retrieve runs the BM25 queries for q and returns candidate parts, best
// first, from files other than q's: snippets from one search, skeletons
// from another, so that neither kind crowds the other out of its hits.
func (x *Index) retrieve(ctx context.Context, bi bleve.Index, q Query, s Sources) ([]Part, error) {
	rel, _ := x.rel(q.Path)
	language := q.Language
	if language == "" {
		language = lang.Of(q.Path)
	}
	df, err := docFreq(ctx, bi, &x.df)
	if err != nil {
		return nil, err
	}
	defer df.close()
	// Imports sit at the top: looking further costs time, not recall.
	mods := imports(language, rel, q.Text[:min(len(q.Text), importsHead)])
	t := x.queryTerms(language, q, df, mods)
	// With no telling identifiers (the top of a file) the directory clause
	// alone still finds the neighbouring files.
	if len(t.ids) == 0 && rel == "" {
		return nil, nil
	}
	// The skeleton search runs beside the snippet search: it is the smaller.
	var skels []Part
	var skelErr error
	var wg sync.WaitGroup
	if !s.NoSkeletons && len(t.ids) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			skels, skelErr = x.search(ctx, bi, skeletonQuery(t, rel), topSkeletons, rel, mods)
		}()
	}
	var parts []Part
	if !s.NoSnippets {
		boosts := near(rel, df)
		if strings.LastIndexByte(q.Text[:q.Offset], '\n') < 0 {
			boosts = append(boosts, x.heads(rel)...)
		}
		parts, err = x.search(ctx, bi, snippetQuery(t, rel, boosts), topHits, rel, mods)
	}
	wg.Wait()
	if err = errors.Join(err, skelErr); err != nil {
		return nil, err
	}
	parts = append(parts, skels...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Score > parts[j].Score })
	perFile := map[string]int{}
	for i := range parts {
		if parts[i].Kind == PartSnippet {
			parts[i].Score *= math.Pow(sameFileDecay, float64(perFile[parts[i].Path]))
			perFile[parts[i].Path]++
		}
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Score > parts[j].Score })
	return parts, nil
}

// search runs one query and turns its hits into parts, with the import,
// recency and locality boosts applied.
func (x *Index) search(ctx context.Context, bi bleve.Index, bq query.Query, n int, rel string, mods []string) ([]Part, error) {
	req := bleve.NewSearchRequestOptions(bq, n, 0, false)
	req.Fields = []string{fieldPath, fieldKind, fieldStart, fieldEnd, fieldText}
	res, err := bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	x.mu.Lock()
	recent := make(map[string]bool)
	for p, t := range x.recent {
		if time.Since(t) < recentWindow {
			recent[p] = true
		}
	}
	x.mu.Unlock()
	parts := make([]Part, 0, len(res.Hits))
	for _, hit := range res.Hits {
		str := func(f string) string { v, _ := hit.Fields[f].(string); return v }
		p := Part{Path: str(fieldPath), Score: hit.Score, Text: str(fieldText)}
		if p.Path == "" || p.Path == rel || p.Text == "" {
			continue
		}
		switch str(fieldKind) {
		case kindAbstract:
			p.Kind = PartSkeleton
		case kindSnippet:
			p.Kind = PartSnippet
			p.StartLine, _ = strconv.Atoi(str(fieldStart))
			p.EndLine, _ = strconv.Atoi(str(fieldEnd))
		default:
			continue
		}
		if importedBy(p.Path, mods) {
			p.Score *= importBoost
		}
		if recent[p.Path] {
			p.Score *= recentBoost
		}
		if path.Dir(p.Path) == path.Dir(rel) {
			p.Score *= nearBoost
		}
		parts = append(parts, p)
	}
	return parts, nil
}

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
	// Terms in more than 5% of the chunks weigh little in BM25 and cost
	// the most: drop them.
	limit := max(uint64(float64(df.docs)*commonShare), 500)
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
			words[word] += w / 2
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
	mustNot := []query.Query{termQuery(fieldKind, kindAbstract)}
	if rel != "" {
		mustNot = append(mustNot, termQuery(fieldPath, rel))
	}
	return query.NewBooleanQuery(nil, should, mustNot)
}

// skeletonQuery matches skeletons by the symbols they declare (only
// skeletons have symbols, so this search is cheap).
func skeletonQuery(t terms, rel string) query.Query {
	var should []query.Query
	for _, id := range t.ids {
		should = append(should, boosted(fieldSym, id.term, 2*id.w))
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

// Compose fits candidates (skeletons and snippets from other files, best
// first) around the current file's prefix and suffix within q.Budget
// tokens. The suffix takes at most a quarter of the budget, as in InFile;
// retrieved context takes at least share of the rest (more when the prefix
// is short), skeletons at most skeletonShare of that. Snippets of one file that
// overlap or touch are merged; each part is headed by its path as a comment.
// In the prompt, skeletons come first, then snippets, the best nearest the
// prefix.
func Compose(q Query, candidates []Part, share float64) Prompt {
	budget := q.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	if share <= 0 || share > 1 {
		share = DefaultContextShare
	}
	prefix, suffix := q.Text[:q.Offset], q.Text[q.Offset:]
	suffix = fitHead(suffix, budget/4)
	room := budget - EstimateTokens(suffix)
	ctxBudget := max(room-EstimateTokens(prefix), int(float64(room)*share))
	ctxBudget = min(ctxBudget, room)
	header := func(p string) string { return lang.Get(q.Language).Comment(p) + "\n" }

	var skels, snips []Part
	used := 0
	skelBudget := int(float64(ctxBudget) * skeletonShare)
	for _, c := range candidates {
		if c.Kind != PartSkeleton || len(skels) == maxSkeletons {
			continue
		}
		left := min(skelBudget, ctxBudget) - used - EstimateTokens(header(c.Path))
		if left < 48 {
			break
		}
		text := withNewline(c.Text)
		if EstimateTokens(text) > left {
			// Declarations carry more than doc comments: drop those first.
			text = withNewline(fitHead(dropComments(lang.Get(lang.Of(c.Path)), text), left))
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		c.Text = header(c.Path) + text
		c.Tokens = EstimateTokens(c.Text)
		used += c.Tokens
		skels = append(skels, c)
	}
	for _, c := range candidates {
		if c.Kind != PartSnippet {
			continue
		}
		c.Text = withNewline(c.Text)
		if i := slices.IndexFunc(snips, func(s Part) bool {
			return s.Path == c.Path && c.StartLine <= s.EndLine+1 && s.StartLine <= c.EndLine+1
		}); i >= 0 {
			merged := mergeSnippets(snips[i], c, header(c.Path))
			if extra := merged.Tokens - snips[i].Tokens; used+extra <= ctxBudget {
				used += extra
				snips[i] = merged
			}
			continue
		}
		cost := EstimateTokens(header(c.Path) + c.Text)
		if left := ctxBudget - used - EstimateTokens(header(c.Path)); cost > ctxBudget-used && left >= minSnippetTokens {
			// Too big for what is left: keep the head of the window.
			c.Text = withNewline(fitHead(c.Text, left))
			if n := strings.Count(c.Text, "\n"); n > 0 {
				c.EndLine = c.StartLine + n - 1
			}
			cost = EstimateTokens(header(c.Path) + c.Text)
		}
		if used+cost > ctxBudget || strings.TrimSpace(c.Text) == "" {
			continue // a smaller one further down may still fit
		}
		c.Text = header(c.Path) + c.Text
		c.Tokens = cost
		used += cost
		snips = append(snips, c)
	}
	slices.Reverse(snips) // the best nearest the prefix

	prefix = fitTail(prefix, room-used)
	var b strings.Builder
	parts := make([]Part, 0, len(skels)+len(snips)+2)
	for _, p := range append(skels, snips...) {
		b.WriteString(p.Text)
		parts = append(parts, p)
	}
	b.WriteString(prefix)
	parts = append(parts,
		Part{Kind: PartPrefix, Path: q.Path, Tokens: EstimateTokens(prefix), Text: prefix},
		Part{Kind: PartSuffix, Path: q.Path, Tokens: EstimateTokens(suffix), Text: suffix})
	out := Prompt{Prefix: b.String(), Suffix: suffix, Parts: parts}
	out.Tokens = EstimateTokens(out.Prefix) + EstimateTokens(out.Suffix)
	return out
}

// DefaultContextShare is the least share of the budget (after the suffix)
// given to retrieved context when the prefix would fill it.
const DefaultContextShare = 0.5

// dropComments removes the lines of a skeleton in language l that hold
// comments or strings (Python's docstrings) and no code.
func dropComments(l *lang.Language, s string) string {
	var b strings.Builder
	line, code, other := 0, false, false // the current line's start; what it holds
	l.Scan(s, lang.State{}, func(sp lang.Span) {
		for i := sp.Start; i < sp.End; i++ {
			switch {
			case s[i] == '\n':
				if code || !other {
					b.WriteString(s[line : i+1])
				}
				line, code, other = i+1, false, false
			case s[i] == ' ' || s[i] == '\t' || s[i] == '\r':
			case sp.Class == lang.Code:
				code = true
			default:
				other = true
			}
		}
	})
	if code || !other {
		b.WriteString(s[line:])
	}
	return b.String()
}

func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// mergeSnippets joins two overlapping or adjacent windows of one file; a
// is already headed by hdr, b is not.
func mergeSnippets(a, b Part, hdr string) Part {
	aLines := strings.SplitAfter(strings.TrimPrefix(a.Text, hdr), "\n")
	bLines := strings.SplitAfter(b.Text, "\n")
	aLines, bLines = trimEmpty(aLines), trimEmpty(bLines)
	start, end := min(a.StartLine, b.StartLine), max(a.EndLine, b.EndLine)
	lines := make([]string, end-start+1)
	for i, l := range bLines {
		if k := b.StartLine - start + i; k >= 0 && k < len(lines) {
			lines[k] = l
		}
	}
	for i, l := range aLines {
		if k := a.StartLine - start + i; k >= 0 && k < len(lines) {
			lines[k] = l
		}
	}
	a.Text = hdr + strings.Join(lines, "")
	a.StartLine, a.EndLine = start, end
	a.Score = max(a.Score, b.Score)
	a.Tokens = EstimateTokens(a.Text)
	return a
}

// trimEmpty drops the empty string SplitAfter leaves after a final newline.
func trimEmpty(l []string) []string {
	if n := len(l); n > 0 && l[n-1] == "" {
		return l[:n-1]
	}
	return l
}

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

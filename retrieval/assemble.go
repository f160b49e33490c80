package retrieval

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Sources selects what Assemble retrieves; the zero value is everything.
// The evaluation turns parts off to measure what each contributes.
type Sources struct {
	NoSkeletons bool
	NoSnippets  bool
}

// Retrieval tuning. The query looks at the lines just before the cursor;
// hits from files the current file imports or that were edited recently
// score higher.
const (
	queryLines       = 12  // lines before the cursor's line that feed the query
	maxQueryTerms    = 16  // identifiers kept, the nearest and longest first
	topHits          = 24  // hits fetched per query
	importBoost      = 1.5 // score factor for files the current file imports
	recentBoost      = 1.3 // score factor for files edited in the editor lately
	recentWindow     = 10 * time.Minute
	nearBoost        = 1.5 // score factor for files in the current file's directory
	maxSkeletons     = 1   // skeletons in one prompt
	importsHead      = 16 << 10
	minSnippetTokens = 48 // a window cut shorter than this is not worth its header // bytes at the top of a file searched for imports
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

// retrieve runs the BM25 query for q and returns candidate parts, best
// first, from files other than q's.
func (x *Index) retrieve(ctx context.Context, bi bleve.Index, q Query, s Sources) ([]Part, error) {
	rel, _ := x.rel(q.Path)
	lang := q.Language
	if lang == "" {
		lang = LanguageOf(q.Path)
	}
	df, err := docFreq(ctx, bi)
	if err != nil {
		return nil, err
	}
	defer df.close()
	bq := x.query(lang, q, rel, s, df)
	if bq == nil {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(bq, topHits, 0, false)
	req.Fields = []string{fieldPath, fieldLang, fieldKind, fieldStart, fieldEnd, fieldText}
	res, err := bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// Imports sit at the top: looking further costs time, not recall.
	mods := imports(lang, rel, q.Text[:min(len(q.Text), importsHead)])
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
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Score > parts[j].Score })
	return parts, nil
}

// query builds the BM25 query from the identifiers around the cursor: the
// lines before it and the whole current line, the current line counting
// double. Identifiers match whole (ident, and sym for declarations) and
// split into words (text). Chunks of the current file are excluded.
func (x *Index) query(lang string, q Query, rel string, s Sources, df *freqs) query.Query {
	weights := map[string]float64{}
	var order []string
	add := func(text string, w float64) {
		for _, id := range Identifiers(lang, text) {
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
	add(before[from:], 1)
	add(q.Text[lineStart:lineEnd], 2)
	if len(order) == 0 {
		return nil
	}
	// Terms in more than 5% of the chunks weigh little in BM25 but cost
	// most of the search time in a large index: drop them.
	common := func(field, term string) bool { return df.count(field, term) > max(df.docs/20, 500) }
	order = slices.DeleteFunc(order, func(id string) bool { return common(fieldIdent, strings.ToLower(id)) })
	// Keep the heaviest identifiers; among equals, the longer (rarer) ones.
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if weights[a] != weights[b] {
			return weights[a] > weights[b]
		}
		return len(a) > len(b)
	})
	order = order[:min(len(order), maxQueryTerms)]

	var should []query.Query
	words := map[string]float64{}
	var wordOrder []string
	for _, id := range order {
		w := weights[id]
		lower := strings.ToLower(id)
		should = append(should, boosted(fieldIdent, lower, w))
		if !s.NoSkeletons {
			should = append(should, boosted(fieldSym, lower, 2*w))
		}
		parts := splitWords(id)
		if len(parts) < 2 {
			continue // the whole identifier already matches it
		}
		for _, word := range parts {
			if common(fieldText, word) {
				continue
			}
			if _, ok := words[word]; !ok {
				wordOrder = append(wordOrder, word)
			}
			words[word] += w / 2
		}
	}
	for _, word := range wordOrder {
		should = append(should, boosted(fieldText, word, words[word]))
	}
	var mustNot []query.Query
	if rel != "" {
		mustNot = append(mustNot, termQuery(fieldPath, rel))
	}
	if s.NoSkeletons {
		mustNot = append(mustNot, termQuery(fieldKind, kindAbstract))
	}
	if s.NoSnippets {
		mustNot = append(mustNot, termQuery(fieldKind, kindSnippet))
	}
	return query.NewBooleanQuery(nil, should, mustNot)
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
// is short), skeletons at most a quarter of that. Snippets of one file that
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
	open, close := commentPrefix(q.Language)
	header := func(p string) string { return open + p + close + "\n" }

	var skels, snips []Part
	used := 0
	skelBudget := ctxBudget / 4
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
			text = withNewline(fitHead(dropComments(text), left))
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

// dropComments removes whole-line comments from a skeleton.
func dropComments(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "#include") ||
			strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, `"""`) {
			continue
		}
		b.WriteString(l)
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

// freqs looks up document frequencies in one snapshot of the index.
type freqs struct {
	ctx  context.Context
	r    index.IndexReader
	docs uint64
}

func docFreq(ctx context.Context, bi bleve.Index) (*freqs, error) {
	ai, err := bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	r, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	n, err := r.DocCount()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("index reader: %w", err)
	}
	return &freqs{ctx: ctx, r: r, docs: n}, nil
}

func (f *freqs) count(field, term string) uint64 {
	tfr, err := f.r.TermFieldReader(f.ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	defer tfr.Close()
	return tfr.Count()
}

func (f *freqs) close() { f.r.Close() }

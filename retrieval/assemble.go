package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ghostline/ghostline/lang"
)

// Sources selects what Assemble retrieves; the zero value is everything.
// The evaluation turns parts off to measure what each contributes.
type Sources struct {
	NoDecls    bool
	NoSnippets bool
}

// Search tuning, chosen with `ghostline eval retrieval` on the Go and
// Python standard libraries: hits from the current file's directory, from
// files it imports and from files edited recently score higher. The query's
// terms are tuned in terms.go, its clauses in bleveq.go, the prompt's
// shares in compose.go.
const (
	topHits      = 24  // snippets fetched per query
	importBoost  = 1.5 // score factor for files the current file imports
	recentBoost  = 1.3 // score factor for files edited in the editor lately
	recentWindow = 10 * time.Minute
	nearBoost    = 1.5 // score factor for files in the current file's directory
	// sameFileDecay scales each further snippet of one file: windows from
	// several files carry more than many windows of one.
	sameFileDecay = 0.5
	importsHead   = 16 << 10 // bytes at the top of a file searched for imports
)

// Assemble builds the prompt for the cursor q: the declarations in scope
// at the cursor and the best snippets from other files, then the current
// file's prefix, with its suffix, within the budget. The retrieved block
// is held per region of the file (see regionAt) so that it stays the same
// while the user types there. Before the index is open, or when a search
// fails, it returns the in-file prompt.
func (x *Index) Assemble(ctx context.Context, q Query) (Prompt, error) {
	return x.assemble(ctx, q, Sources{}, true)
}

// AssembleFrom is Assemble restricted to some sources, computed afresh for
// q alone (no block held from earlier requests).
func (x *Index) AssembleFrom(ctx context.Context, q Query, s Sources) (Prompt, error) {
	return x.assemble(ctx, q, s, false)
}

func (x *Index) assemble(ctx context.Context, q Query, s Sources, held bool) (Prompt, error) {
	if q.Budget <= 0 {
		q.Budget = x.cfg.ContextTokens
	}
	if q.Offset < 0 || q.Offset > len(q.Text) {
		return Prompt{}, fmt.Errorf("assemble: offset %d outside a text of %d bytes", q.Offset, len(q.Text))
	}
	h := x.bi.Load()
	if h == nil || s.NoDecls && s.NoSnippets {
		return InFile(q), nil
	}
	x.mu.Lock()
	since := x.writes
	x.mu.Unlock()
	parts, members, err := x.retrieve(ctx, x.hits.wrap(h.Index, since), q, s)
	if err != nil {
		if ctx.Err() != nil {
			return Prompt{}, ctx.Err()
		}
		slog.Debug("retrieval failed; in-file prompt", "err", err)
		return InFile(q), nil
	}
	share := q.Share
	if share == 0 {
		share = x.cfg.ContextShare
	}
	l := newLayout(q, share)
	b := l.block(parts, l.ctxBudget)
	if held {
		b = x.regions.choose(q, l, parts, b, func(rel string) string { return x.fileHash(rel, since) })
	}
	p := l.prompt(b)
	p.Members = members
	return p, nil
}

// fileHash is the content hash of the indexed file at rel, "" when the
// index does not hold it or its record changed after write number since
// (a search begun before may have read its old text).
func (x *Index) fileHash(rel string, since uint64) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.files[rel]; ok && x.changedAt[rel] <= since {
		return e.hash
	}
	return ""
}

// retrieve runs the BM25 queries for q and returns candidate parts, best
// first, from files other than q's: snippets from one search,
// declarations from resolution at the cursor and another search, so
// that neither kind crowds the other out of its hits.
func (x *Index) retrieve(ctx context.Context, bi bleve.Index, q Query, s Sources) (parts []Part, members []string, err error) {
	rel, _ := x.rel(q.Path)
	language := q.Language
	if language == "" {
		language = lang.Of(q.Path)
	}
	df, err := docFreq(ctx, bi, &x.df)
	if err != nil {
		return nil, nil, err
	}
	defer df.close()
	// Imports sit at the top: looking further costs time, not recall.
	mods := imports(language, rel, q.Text[:min(len(q.Text), importsHead)])
	t := x.queryTerms(language, q, df, mods)
	// With no telling identifiers (the top of a file) the directory clause
	// alone still finds the neighbouring files.
	if len(t.ids) == 0 && rel == "" {
		return nil, nil, nil
	}
	// Declarations are found beside the snippet search.
	var decls []Part
	var declErr error
	var wg sync.WaitGroup
	if !s.NoDecls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			decls, members, declErr = x.declarations(ctx, bi, q, language, rel, mods, t)
		}()
	}
	if !s.NoSnippets {
		boosts := near(rel, df)
		if strings.LastIndexByte(q.Text[:q.Offset], '\n') < 0 {
			boosts = append(boosts, x.heads(rel)...)
		}
		parts, err = x.search(ctx, bi, snippetQuery(t, rel, boosts), topHits, rel, mods)
	}
	wg.Wait()
	if err = errors.Join(err, declErr); err != nil {
		return nil, nil, err
	}
	parts = append(parts, decls...)
	sort.SliceStable(parts, func(i, j int) bool { return better(parts[i], parts[j]) })
	perFile := map[string]int{}
	for i := range parts {
		if parts[i].Kind == PartSnippet {
			parts[i].Score *= math.Pow(sameFileDecay, float64(perFile[parts[i].Path]))
			perFile[parts[i].Path]++
		}
	}
	sort.SliceStable(parts, func(i, j int) bool { return better(parts[i], parts[j]) })
	return parts, members, nil
}

// better orders parts by score, then (ties come back from the index in no
// fixed order) by place.
func better(a, b Part) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Path != b.Path {
		return a.Path < b.Path
	}
	return a.StartLine < b.StartLine
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

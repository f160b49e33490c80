package retrieval

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/ghostline/ghostline/retrieval/skeleton"
)

// Declarations in the prompt: what resolution finds at the cursor (the
// receiver's type and its members, the open call's signature, the
// enclosing type), then the declarations BM25 finds for the query's terms
// (query-focused skeletons: the declarations of related files that match,
// not the files' heads).
const (
	topDecls = 4 // declarations fetched by the BM25 fallback
	// resolvedScore ranks resolved declarations above every BM25 hit;
	// small enough that lowering it by their index keeps their order.
	resolvedScore = 1 << 30
)

// declarations returns the declaration parts for q, best first, and the
// names that may follow a `.` at the cursor.
func (x *Index) declarations(ctx context.Context, bi bleve.Index, q Query, lang, rel string, mods []string, t terms) ([]Part, []string, error) {
	r := &resolver{ctx: ctx, bi: bi, lang: lang, rel: rel, mods: mods, byKey: map[string][]declHit{}}
	sc := r.resolve(q)
	if r.err != nil {
		return nil, nil, r.err
	}
	parts := groupDecls(sc.decls, resolvedScore)
	for i := range sc.targets {
		parts[i].Target = true
	}
	if len(t.ids) == 0 {
		return parts, sc.members, nil
	}
	hits, err := searchDecls(ctx, bi, declQuery(t, rel), topDecls)
	if err != nil {
		return nil, nil, err
	}
	have := map[string]bool{}
	for _, d := range sc.decls {
		have[d.Path+"\x00"+d.Text] = true
	}
	var rest []declHit
	for _, h := range hits {
		if h.Path != rel && !have[h.Path+"\x00"+h.Text] {
			rest = append(rest, h)
		}
	}
	return append(parts, groupDecls(rest, 0)...), sc.members, nil
}

// groupDecls makes one part per declaration; a type's methods that
// follow it or each other are shown as signature lines. Compose joins the
// runs of one file under one header. score 0 keeps the hits' own scores.
func groupDecls(ds []declHit, score float64) []Part {
	out := make([]Part, 0, len(ds))
	for i, d := range ds {
		text := d.Text
		if d.Kind == skeleton.DeclMethod && i > 0 && ds[i-1].Container == d.Container ||
			i > 0 && d.Kind == skeleton.DeclMethod && (ds[i-1].Name == d.Container && ds[i-1].Kind != skeleton.DeclMethod) {
			text = lastLine(text) // a type's method: its signature suffices
		}
		s := score
		if s == 0 {
			s = d.Score
		} else {
			s -= float64(i) // keep resolution's order
		}
		out = append(out, Part{Kind: PartDecl, Path: d.Path, Score: s, Text: text})
	}
	return out
}

func lastLine(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}

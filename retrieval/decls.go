package retrieval

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ghostline/ghostline/retrieval/skeleton"
)

// The declaration index: every declaration of a file is a document of
// kind decl (id path#d#i), found by its names and its container for
// resolution at the cursor, and by its text for BM25.

func declID(rel string, i int) string { return fmt.Sprintf("%s#d#%d", rel, i) }

func (w *writer) indexDecl(id, rel, lang string, c chunk) {
	d := c.decl
	names := []string{d.Name}
	var members []string
	fields := make([]string, 0, len(d.Fields))
	for _, f := range d.Fields {
		switch {
		case f.Name == "":
		case d.Kind == skeleton.DeclValue:
			names = append(names, f.Name) // a const or var group declares them all
		default:
			members = append(members, f.Name)
		}
		fields = append(fields, f.Name+":"+f.Type)
	}
	doc := map[string]any{
		fieldPath: rel, fieldLang: lang, fieldKind: kindDecl, fieldDText: c.text,
		fieldDIdent: c.text + " " + strings.Join(d.Mentions, " "),
		fieldSym:    strings.Join(names, " "), fieldName: strings.Join(names, " "),
		fieldDDir:  path.Dir(rel),
		fieldDKind: string(d.Kind), fieldDType: d.Type, fieldFields: strings.Join(fields, " "),
		fieldMember: strings.Join(members, " "),
	}
	if d.Container != "" {
		doc[fieldOwner] = d.Container
	}
	if err := w.batch.Index(id, doc); err != nil {
		slog.Debug("not indexed", "id", id, "err", err)
	}
}

// declHit is a declaration found in the index.
type declHit struct {
	skeleton.Decl
	Path  string
	Score float64
}

// maxDeclHits bounds one look-up: a name declared in more files than this
// is too common to tell anything.
const maxDeclHits = 64

// declFields are the stored fields a declHit is made of.
var declFields = []string{fieldPath, fieldName, fieldOwner, fieldDKind, fieldDType, fieldFields, fieldDText}

// searchDecls runs q over declarations only.
func searchDecls(ctx context.Context, bi bleve.Index, q query.Query, n int) ([]declHit, error) {
	// Only declarations have the fields q asks about.
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	req.Fields = declFields
	res, err := bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	out := make([]declHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		str := func(f string) string { v, _ := h.Fields[f].(string); return v }
		d := declHit{Path: str(fieldPath), Score: h.Score}
		d.Name, _, _ = strings.Cut(str(fieldName), " ")
		d.Container, d.Kind, d.Type, d.Text = str(fieldOwner), skeleton.DeclKind(str(fieldDKind)), str(fieldDType), str(fieldDText)
		for _, f := range strings.Fields(str(fieldFields)) {
			name, typ, _ := strings.Cut(f, ":")
			d.Fields = append(d.Fields, skeleton.Field{Name: name, Type: typ})
		}
		out = append(out, d)
	}
	// Ties in score come back in no fixed order: fix one.
	slices.SortStableFunc(out, func(a, b declHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Container, b.Container),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.Text, b.Text))
	})
	return out, nil
}

// Declares reports whether the repository declares name (as a type,
// function, method, field or value), for the evaluation.
func (x *Index) Declares(ctx context.Context, name string) (bool, error) {
	h := x.bi.Load()
	if h == nil {
		return false, nil
	}
	q := query.NewBooleanQuery(nil, []query.Query{termQuery(fieldName, name), termQuery(fieldMember, name)}, nil)
	req := bleve.NewSearchRequestOptions(q, 1, 0, false)
	res, err := h.SearchInContext(ctx, req)
	if err != nil {
		return false, fmt.Errorf("declarations: %w", err)
	}
	return res.Total > 0, nil
}

package retrieval

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// schemaVersion changes whenever the mapping or the chunking changes
// meaning; an index with another version is rebuilt.
const schemaVersion = "4"

// Field names of the indexed documents.
const (
	fieldPath  = "path"  // repository-relative path, keyword
	fieldDir   = "dir"   // the path's directory, keyword: the locality boost
	fieldUp    = "up"    // the directory's parent, keyword: the siblings' boost
	fieldLang  = "lang"  // LSP language id, keyword
	fieldKind  = "kind"  // abstract, snippet or file, keyword
	fieldSym   = "sym"   // declared symbol names, whole and lower-cased
	fieldText  = "text"  // the chunk, split into words (camelCase, snake_case, digits)
	fieldIdent = "ident" // the chunk's identifiers, whole and lower-cased
	fieldStart = "start" // first line, stored only
	fieldEnd   = "end"   // last line, stored only
	fieldMeta  = "meta"  // file records: size, mtime, hash, chunk count; stored only
)

const (
	analyzerCode  = "code"
	analyzerIdent = "ident"
)

// newMapping returns the index mapping: BM25, a code analyzer that splits
// identifiers into lower-cased words (camelCase, snake_case, digits), and a
// second analyzer that keeps them whole, lower-cased, so exact matches score
// higher.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	im.ScoringModel = "bm25"
	if err := im.AddCustomAnalyzer(analyzerCode, map[string]any{
		"type": custom.Name, "tokenizer": tokenizerWords,
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(analyzerIdent, map[string]any{
		"type": custom.Name, "tokenizer": tokenizerIdents,
	}); err != nil {
		return nil, err
	}

	field := func(analyzer string, index, store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Index, f.Store = index, store
		f.IncludeInAll, f.IncludeTermVectors, f.DocValues = false, false, false
		return f
	}
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldPath, field(keyword.Name, true, true))
	doc.AddFieldMappingsAt(fieldDir, field(keyword.Name, true, false))
	doc.AddFieldMappingsAt(fieldUp, field(keyword.Name, true, false))
	doc.AddFieldMappingsAt(fieldLang, field(keyword.Name, false, true))
	doc.AddFieldMappingsAt(fieldKind, field(keyword.Name, true, true))
	doc.AddFieldMappingsAt(fieldSym, field(analyzerIdent, true, false))
	doc.AddFieldMappingsAt(fieldText, field(analyzerCode, true, true))
	doc.AddFieldMappingsAt(fieldIdent, field(analyzerIdent, true, false))
	doc.AddFieldMappingsAt(fieldStart, field(keyword.Name, false, true))
	doc.AddFieldMappingsAt(fieldEnd, field(keyword.Name, false, true))
	doc.AddFieldMappingsAt(fieldMeta, field(keyword.Name, false, true))
	im.DefaultMapping = doc
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false
	im.DefaultAnalyzer = analyzerCode
	return im, nil
}

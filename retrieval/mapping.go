package retrieval

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
)

// schemaVersion changes whenever the mapping or the chunking changes
// meaning; an index with another version is rebuilt.
const schemaVersion = "5"

// Field names of the indexed documents.
const (
	fieldPath  = "path"  // repository-relative path, keyword
	fieldDir   = "dir"   // the path's directory, keyword: the locality boost
	fieldUp    = "up"    // the directory's parent, keyword: the siblings' boost
	fieldLang  = "lang"  // LSP language id, keyword
	fieldKind  = "kind"  // snippet, decl or file, keyword
	fieldSym   = "sym"   // declared names, whole and lower-cased (declarations)
	fieldText  = "text"  // the chunk, split into words (camelCase, snake_case, digits)
	fieldIdent = "ident" // the chunk's identifiers, whole and lower-cased
	fieldStart = "start" // first line, stored only
	fieldEnd   = "end"   // last line, stored only
	fieldMeta  = "meta"  // file records: size, mtime, hash, chunk count; stored only
	// Declarations (kind decl) also have:
	fieldName   = "name"   // the declared names, exact case, for resolution
	fieldOwner  = "owner"  // the container's name, keyword
	fieldDKind  = "dkind"  // skeleton.DeclKind, stored only
	fieldDType  = "dtype"  // the type using it yields, stored only
	fieldFields = "fields" // a type's members as name:Type pairs, stored only
	fieldMember = "member" // a type's member names, exact case
	// Declarations keep their text and directory in fields of their own,
	// so that snippet searches never match them.
	fieldDText  = "dtext"  // the declaration, split into words, stored
	fieldDIdent = "dident" // its identifiers and mentioned types, whole
	fieldDDir   = "ddir"   // its file's directory, keyword
)

const (
	analyzerCode  = "code"
	analyzerIdent = "ident"
	analyzerNames = "names" // whitespace-separated names, exact case
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

	if err := im.AddCustomAnalyzer(analyzerNames, map[string]any{
		"type": custom.Name, "tokenizer": whitespace.Name,
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
	doc.AddFieldMappingsAt(fieldName, field(analyzerNames, true, true))
	doc.AddFieldMappingsAt(fieldOwner, field(keyword.Name, true, true))
	doc.AddFieldMappingsAt(fieldDKind, field(keyword.Name, false, true))
	doc.AddFieldMappingsAt(fieldDType, field(keyword.Name, false, true))
	doc.AddFieldMappingsAt(fieldFields, field(keyword.Name, false, true))
	doc.AddFieldMappingsAt(fieldMember, field(analyzerNames, true, false))
	doc.AddFieldMappingsAt(fieldDText, field(analyzerCode, true, true))
	doc.AddFieldMappingsAt(fieldDIdent, field(analyzerIdent, true, false))
	doc.AddFieldMappingsAt(fieldDDir, field(keyword.Name, true, false))
	im.DefaultMapping = doc
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false
	im.DefaultAnalyzer = analyzerCode
	return im, nil
}

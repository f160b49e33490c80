package grammar

import (
	"sync"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsc "github.com/tree-sitter/tree-sitter-c/bindings/go"
	tscpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// grammar is one tree-sitter grammar, loaded on first use.
type grammar struct {
	raw  func() unsafe.Pointer
	once sync.Once
	lang *sitter.Language
}

var (
	javascript = &grammar{raw: tsjs.Language} // it parses JSX too
	grammars   = map[string]*grammar{
		"python":          {raw: tspython.Language},
		"javascript":      javascript,
		"javascriptreact": javascript,
		"typescript":      {raw: tsts.LanguageTypescript},
		"typescriptreact": {raw: tsts.LanguageTSX},
		"java":            {raw: tsjava.Language},
		"rust":            {raw: tsrust.Language},
		"c":               {raw: tsc.Language},
		"cpp":             {raw: tscpp.Language},
	}
)

// For returns the grammar of the language with LSP id id, or nil when
// there is none (Go is parsed with go/parser).
func For(id string) *sitter.Language {
	g, ok := grammars[id]
	if !ok {
		return nil
	}
	g.once.Do(func() { g.lang = sitter.NewLanguage(g.raw()) })
	return g.lang
}

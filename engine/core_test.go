package engine

import (
	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/pipeline"
)

// The engine serves the LSP server by its own methods, and so does a bare
// pipeline (tests, benchmarks).
var (
	_ lsp.Core = (*Engine)(nil)
	_ lsp.Core = (*pipeline.Pipeline)(nil)
)

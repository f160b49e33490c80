// Package lspbench measures the LSP server: its own overhead per inline
// completion with a model that answers instantly, and how many model calls
// a replay of real typing costs. `ghostline bench lsp` and the lsp package's
// benchmarks print its figures.
package lspbench

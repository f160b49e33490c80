// Package grammar returns the tree-sitter grammar of the languages (LSP
// ids, as package lang names them) that have one in this module. It is
// apart from package lang because the grammars are C code.
package grammar

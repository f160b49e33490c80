// Package lang owns every fact about a programming language that ghostline
// uses, so each is written once: which language a path is in (Of), and for
// each language (Get) its comment syntax, string delimiters, bracket pairs,
// the keywords that end a block or leave a statement, its keywords and
// operators. Unknown ids get C-like syntax, the most common case.
//
// Language.Scan (and Spans, At) tell which bytes of a piece of source are
// code, string or comment, so a bracket counter or a feature can skip
// strings and comments; it is a lexer of delimiters, not a parser, and
// lexes from the start of what it is given.
//
// Package lang/grammar holds the tree-sitter grammar of the languages that
// have one here; it is apart so that importing lang links no C code.
//
// Languages are named by their LSP language ids ("go", "python",
// "typescriptreact", "shellscript", ...).
package lang

// Package eval measures, without a model, how much of what a programmer
// types next the assembled prompt carries. It samples cursor positions
// deterministically across a repository (at line starts and mid-line),
// hides the rest of the line, assembles the prompt at a fixed token budget
// and reports the recall of the hidden text's identifiers (keywords
// excluded): overall, and cross-file — of the identifiers that appear
// nowhere in the current file, the fraction the prompt carries. Most
// cross-file identifiers are words of comments (licence headers, doc
// text) or the rest of the identifier the cursor is inside, which no
// prompt can hold; code-cross counts only identifiers of code, the one at
// the cursor whole: what declarations can supply. Member and signature
// recall are measured at cursors of their own.
//
// Rows: the current file alone; a Copilot-style baseline (best
// Jaccard-similar windows of the 20 "recently opened" files, simulated as
// the same and sibling directories); BM25 snippets; declarations; both;
// both held per region as when typing.
package eval

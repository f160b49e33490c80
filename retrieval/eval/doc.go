// Package eval measures, without a model, how much of what a programmer
// types next the assembled prompt carries. It samples cursor positions
// deterministically across a repository (at line starts and mid-line),
// hides the rest of the line, assembles the prompt at a fixed token budget
// and reports the recall of the hidden text's identifiers (keywords
// excluded): overall, and cross-file — of the identifiers that appear
// nowhere in the current file, the fraction the prompt carries.
//
// Rows: the current file alone; a Copilot-style baseline (best
// Jaccard-similar windows of the 20 "recently opened" files, simulated as
// the same and sibling directories); BM25 snippets; snippets and skeletons.
package eval

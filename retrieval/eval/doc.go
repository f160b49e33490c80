// Package eval measures, without a model, how much of what a programmer
// types next the assembled prompt carries. It samples cursor positions
// deterministically across a repository (at line starts and mid-line),
// hides the rest of the line, assembles the prompt at a fixed token budget
// and reports the recall of the hidden text's identifiers (keywords
// excluded): overall, and cross-file — of the identifiers that appear
// nowhere in the current file, the fraction the prompt carries. The
// identifier the cursor is inside counts whole (what the programmer is
// typing); cross-frag is cross-file as it was first defined, from the
// cursor on, a fragment no prompt can hold. Most cross-file identifiers
// are words of comments (licence headers, doc text); code-cross counts
// only identifiers of code: what declarations can supply. Member and
// signature recall are measured at cursors of their own. The last line
// compares declarations + snippets with snippets alone and with the
// Jaccard baseline (issue 12's targets), on both definitions.
//
// Rows: the current file alone; a Copilot-style baseline (best
// Jaccard-similar windows of the 20 "recently opened" files, simulated as
// the same and sibling directories); BM25 snippets; declarations; both;
// both held per region as when typing.
package eval

// Package postprocess turns a model's raw fill-in-the-middle answer into
// what is worth offering: the text and how much of the cursor's line after
// the cursor it replaces (an inline completion item's range).
//
// Process runs an ordered list of small filters, one file each, every one
// told the language (lang), the cursor's line, the document's indentation
// and the brackets open before the cursor: stop text and FIM tokens; one
// line where the cursor is mid-line; an unfinished last line; leading
// blanks and indentation; a line left open; degenerate loops; repeated
// lines; lines that repeat the suffix; the end of the block the suggestion
// started in; dead code after a return; the range over the rest of the
// line; closers settled against a bracket stack over prefix, suggestion and
// suffix (lang's lexer skips strings and comments); trailing blanks.
//
// The golden corpus is testdata/corpus: one txtar per case, read by
// eval.LoadPostCases; `ghostline eval postprocess` runs it or any other.
package postprocess

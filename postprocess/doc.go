// Package postprocess turns a model's raw fill-in-the-middle answer into
// the text worth inserting: it applies stop rules, drops what duplicates the
// text after the cursor, balances brackets against the suffix, cuts repeated
// lines, trims trailing whitespace and keeps the document's indentation. It
// returns "" rather than an empty or whitespace-only suggestion.
package postprocess

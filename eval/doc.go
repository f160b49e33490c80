// Package eval measures completion quality and the built-in model's cost.
//
// Completion samples cursor positions deterministically across a
// repository — half at line starts (after the indentation), half inside a
// line — hides the rest of each line, builds the prompt with retrieval off
// (the current file alone) and on (the repository index), runs a model,
// post-processes its answer and scores it against the hidden text: exact
// match and edit similarity (1 - Levenshtein/longer length), with p50/p99
// latency per stage. The files that provide samples are left out of the
// built-in model's training, so it never saw the hidden text.
//
// BenchBuiltin trains the built-in model on a whole repository and reports
// training time, memory and completion latency.
package eval

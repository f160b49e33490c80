// Package retrieval turns "the cursor in this file" into a prompt that
// carries what a model needs from the rest of the repository (R2C2-Enhance):
//
//   - Walk lists a repository's indexable files, honouring .gitignore and
//     skipping binaries, huge, generated, vendored and secret files (package secrets).
//   - Each file becomes chunks: its declarations, one each (abstract
//     context, from package skeleton), and overlapping windows of lines
//     (snippet context).
//   - Index keeps the chunks in a Bleve index (BM25) under the user cache
//     directory, follows edits (Update) and the file system (fsnotify), and
//     indexes in the background. An edit rewrites only the chunks whose
//     text or lines changed, and an edit inside a Go function body keeps
//     the file's declarations without re-parsing (skeleton.Reuse).
//   - Assemble resolves the names at the cursor to their declarations
//     (resolve.go), builds a BM25 query from the cursor's context and fits
//     those declarations, the best matching ones and the best snippets,
//     then the current file's prefix and suffix, into a token budget
//     (EstimateTokens), the retrieved block held per region of the file
//     and the prefix's head trimmed with slack, so that the prompt stays
//     the same while the user types (region.go). AssembleFrom computes it
//     afresh. InFile is the prompt without retrieval.
//
// Package retrieval/eval measures how much of the hidden rest of a line
// the assembled prompt carries.
package retrieval

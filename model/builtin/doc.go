// Package builtin is ghostline's offline model: a token n-gram model of
// the user's repository, so completion works with nothing else installed
// and answers in about a millisecond.
//
// What it is. Source is lexed into code tokens (identifiers, numbers,
// string literals, operators, a line-break token that carries the next
// line's indentation change; comments and blank lines are dropped) and
// counted per language in n-grams (order 5 by default). Probabilities use
// Witten-Bell interpolation down to an add-one unigram. At each request a
// cache model of the prompt itself — the current file around the cursor and
// the parts retrieval put before it (Request.Context, each lexed on its
// own and counted half as much as the current file; the file's text read
// from Request.FileState where the prompt cut it inside a docstring or
// comment) — is counted the same
// way, up to order 7, and its counts are added, boosted, at every context
// length: code repeats itself locally, and Hellendoorn & Devanbu (FSE
// 2017, "Are deep neural networks the best choice for modeling source
// code?") showed nested cache n-grams competitive with neural models of
// code. A beam search predicts the rest
// of the line (the partly typed token constrains the first one), rendered
// with the code base's own spacing; further lines follow only while every
// line's mean log-probability stays above about log 0.7. No line ends
// right after a `.`, and the cursor's line never repeats the one above it
// (post-processing would cut it). Result.Confidence
// is the mean natural log-probability per generated token.
//
// Learning is incremental: Learn(path, src) replaces what path contributed
// (each file's tokens are kept, varint-encoded, so they can be subtracted),
// Forget removes it. Memory is bounded by Options.MaxNgrams: unigram and
// bigram counts are exact, longer contexts keep their three most frequent
// successors, and past the cap the rarest long contexts are pruned (lossy
// counting: a pruned count is not restored). Complete runs concurrently
// with Learn under a read lock.
//
// Right after `x.`, when retrieval resolved x's type (Request.Members),
// the next token is one of its members, ranked by the same counts. After
// a Go file's `package`, the names the package clauses of the files
// learnt in its directory declare are the candidates (not main, the
// commonest name of all).
//
// Where it is good: repetitive code and boilerplate (error checks, imports,
// struct literals, test tables), identifiers and calls already used in the
// file or the repository, closing the line the way the code base does.
// Where it is not: anything that needs understanding — new logic, arguments
// that depend on meaning, names it has never seen, comments and prose
// (it stays silent in comments), long string literals (never predicted),
// and multi-line blocks beyond the very predictable. It is a fallback and a
// fast first opinion, not a code LLM.
package builtin

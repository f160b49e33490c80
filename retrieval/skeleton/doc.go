// Package skeleton extracts a source file's abstract context as declaration
// records: type, class and interface declarations with their fields, and
// function and method signatures with the first line of their doc
// comment — no bodies. This is the "abstract context" of R2C2-Enhance: it
// tells a model what another file offers in a few tokens.
//
// Go is parsed with go/parser; Python, JavaScript, TypeScript (and TSX),
// Java, Rust, C and C++ with tree-sitter. Other languages get no skeleton
// (Extract returns ErrUnsupported) and are represented by snippets only.
package skeleton

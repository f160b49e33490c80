// Package skeleton extracts a source file's abstract context as declaration
// records: type, class and interface declarations with their fields, and
// function and method signatures with the first line of their doc
// comment — no bodies. This is the "abstract context" of R2C2-Enhance: it
// tells a model what another file offers in a few tokens.
//
// Go is parsed with go/parser; Python, JavaScript, TypeScript (and TSX),
// Java, Rust, C and C++ with tree-sitter. Other languages get no skeleton
// (Extract returns ErrUnsupported) and are represented by snippets only.
//
// A class's members include what its constructor declares (Python
// __init__'s self.x, TS parameter properties, JS/TS this.x) and its bases
// as embedded fields; a JS/TS object literal bound to a const is a
// namespace of its properties. A file that does not parse gives the
// declarations tree-sitter recovers, a class left open included.
package skeleton

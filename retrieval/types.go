package retrieval

// Query is the cursor for which a prompt is assembled.
type Query struct {
	// Path is the file's absolute path (may be outside any index, or empty
	// for an unsaved buffer).
	Path     string
	Language string // LSP language id
	Text     string // the whole current document
	Offset   int    // byte offset of the cursor in Text
	// Budget is the token budget for the whole prompt (context + prefix +
	// suffix); 0 means the configured default.
	Budget int
	// Share is the least share of the budget (after the suffix) that
	// retrieved context keeps; 0 means the configured default.
	Share float64
	// SuffixTokens caps the suffix; 0 means a quarter of the budget. A
	// model whose prompt puts the suffix after the prefix re-reads all of
	// it at every request, so it gets a shorter one.
	SuffixTokens int
}

// Prompt is an assembled fill-in-the-middle prompt.
type Prompt struct {
	// Prefix is the retrieved context followed by the current file's text
	// before the cursor (trimmed from the top to fit the budget).
	Prefix string
	// Suffix is the current file's text after the cursor (trimmed from the bottom).
	Suffix string
	// Parts lists what went into Prefix, in order, for `ghostline context`
	// and for telemetry.
	Parts []Part
	// Tokens is the estimated size of Prefix+Suffix.
	Tokens int
	// Members are the names that may follow a `.` right before the
	// cursor, when resolution found what stands before it: the fields and
	// methods of its type, or a package's declarations.
	Members []string
}

// PartKind says where a part of the prompt came from.
type PartKind string

const (
	PartDecl    PartKind = "decl"    // abstract context: declarations in scope
	PartSnippet PartKind = "snippet" // a window of lines from another place
	PartPrefix  PartKind = "prefix"  // the current file before the cursor
	PartSuffix  PartKind = "suffix"  // the current file after the cursor
	// PartBelow is the current file after a capped suffix, before the
	// prefix (see cutAfter).
	PartBelow PartKind = "below"
)

// Part is one piece of an assembled prompt.
type Part struct {
	Kind      PartKind
	Path      string // repository-relative
	StartLine int    // 1-based, for snippets
	EndLine   int
	Score     float64
	Tokens    int
	Text      string
	// Target marks a declaration the cursor names (the open call's
	// callee, the type before a `.`, the package's declarations): shown
	// whole even where the prompt already names all it declares.
	Target bool
}

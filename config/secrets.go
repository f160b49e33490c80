package config

// Secrets adds to the built-in secret rules (which always apply).
type Secrets struct {
	// Paths are glob patterns (path.Match) matched against a file's
	// repository-relative path and its base name: such files are never
	// indexed, completed in or put in a prompt.
	Paths []string `json:"paths"`
	// Patterns are regular expressions (Go syntax): what they match on a
	// line is redacted before it enters a prompt or the index.
	Patterns []string `json:"patterns"`
}

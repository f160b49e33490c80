package config

// Completion configures the LSP front end: request pacing and caching.
type Completion struct {
	// Enabled turns inline completion on or off.
	Enabled bool `json:"enabled"`
	// DebounceMs delays automatic requests until typing pauses; 0 disables.
	DebounceMs int `json:"debounceMs"`
	// CacheSize is the number of suggestions kept for typed-through answers.
	CacheSize int `json:"cacheSize"`
	// MultiLine allows suggestions that span several lines; otherwise one line.
	MultiLine bool `json:"multiLine"`
	// MaxFileBytes: larger documents are kept but not completed.
	MaxFileBytes int `json:"maxFileBytes"`
}

func defaultCompletion() Completion {
	return Completion{Enabled: true, DebounceMs: 60, CacheSize: 256, MultiLine: true, MaxFileBytes: 10 << 20}
}

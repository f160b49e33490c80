package config

// Completion configures the LSP front end: request pacing and caching.
type Completion struct {
	// Enabled turns inline completion on or off.
	Enabled bool `json:"enabled"`
	// DebounceMs delays automatic requests until typing pauses; 0 disables.
	// It is the shortest wait: the wait adapts to the user's typing rhythm
	// (twice the median gap between keystrokes) up to DebounceMaxMs.
	DebounceMs int `json:"debounceMs"`
	// DebounceMaxMs is the longest wait, and the wait until the rhythm is
	// known; set it to DebounceMs for a fixed debounce.
	DebounceMaxMs int `json:"debounceMaxMs"`
	// CacheSize is the number of suggestions kept for typed-through answers.
	CacheSize int `json:"cacheSize"`
	// MultiLine allows suggestions that span several lines; otherwise one line.
	MultiLine bool `json:"multiLine"`
	// MaxFileBytes: larger documents are kept but not completed.
	MaxFileBytes int `json:"maxFileBytes"`
}

func defaultCompletion() Completion {
	return Completion{Enabled: true, DebounceMs: 60, DebounceMaxMs: 300, CacheSize: 256, MultiLine: true, MaxFileBytes: 10 << 20}
}

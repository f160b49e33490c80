package config

// Retrieval configures the repository index and prompt assembly.
type Retrieval struct {
	Enabled bool `json:"enabled"`
	// ContextTokens is the prompt budget for retrieved context plus the current file.
	ContextTokens int `json:"contextTokens"`
	// WindowLines and StrideLines shape snippet windows.
	WindowLines int `json:"windowLines"`
	StrideLines int `json:"strideLines"`
	// ContextShare is the least share of the budget left after the suffix
	// that retrieved context gets when the prefix would fill it all.
	ContextShare float64 `json:"contextShare"`
	// IndexDir overrides $XDG_CACHE_HOME/ghostline/<repo-hash>.
	IndexDir string `json:"indexDir"`
}

func defaultRetrieval() Retrieval {
	return Retrieval{Enabled: true, ContextTokens: 2048, WindowLines: 20, StrideLines: 10, ContextShare: 0.5}
}

package config

// Ranker configures the acceptance predictor.
type Ranker struct {
	Enabled bool `json:"enabled"`
	// Precision: of the suggestions hidden or skipped, at least this fraction
	// would have been rejected.
	Precision float64 `json:"precision"`
	// ModelPath overrides $XDG_DATA_HOME/ghostline/ranker.json.
	ModelPath string `json:"modelPath"`
	// MinUserDecisions before the user's own model takes over from the shipped one.
	MinUserDecisions int `json:"minUserDecisions"`
}

func defaultRanker() Ranker {
	return Ranker{Enabled: true, Precision: 0.9, MinUserDecisions: 200}
}

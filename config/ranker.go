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
	// Explore is the share of the suggestions the predictor would hide or
	// skip that are shown anyway, so that the dashboard can measure how many
	// of those would really have been rejected (0: off; manual triggers
	// measure it too).
	Explore float64 `json:"explore"`
}

func defaultRanker() Ranker {
	return Ranker{Enabled: true, Precision: 0.9, MinUserDecisions: 200}
}

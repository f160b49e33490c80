package config

// Telemetry configures the local event log and the optional team upload.
type Telemetry struct {
	Enabled bool `json:"enabled"`
	// Path overrides $XDG_DATA_HOME/ghostline/telemetry.db.
	Path string `json:"path"`
	// StoreText keeps prompt and suggestion text (off: hashes only).
	StoreText bool `json:"storeText"`
	// RetentionDays: older events are purged.
	RetentionDays int `json:"retentionDays"`
	// UnseenMs: a suggestion on screen for less than this counts as unseen, not rejected.
	UnseenMs int `json:"unseenMs"`
	// Collector is the team collector URL; empty disables upload.
	Collector string `json:"collector"`
	// CollectorToken is the member's bearer token (or TokenEnv names a variable holding it).
	CollectorToken string `json:"collectorToken"`
	TokenEnv       string `json:"tokenEnv"`
}

func defaultTelemetry() Telemetry {
	return Telemetry{Enabled: true, RetentionDays: 90, UnseenMs: 250, TokenEnv: "GHOSTLINE_COLLECTOR_TOKEN"}
}

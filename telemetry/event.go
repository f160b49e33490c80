package telemetry

import "time"

// Kind is what happened to a suggestion (or to a request for one).
type Kind string

const (
	KindRequested Kind = "requested" // a completion was asked for
	KindSkipped   Kind = "skipped"   // gate 1 decided not to generate
	KindGenerated Kind = "generated" // the model answered (before gate 2)
	KindHidden    Kind = "hidden"    // gate 2 hid the suggestion
	KindShown     Kind = "shown"     // the suggestion was sent to the editor
	KindAccepted  Kind = "accepted"  // accepted in full
	KindPartial   Kind = "partial"   // partially accepted (AcceptedChars/Words/Lines)
	KindRejected  Kind = "rejected"  // dismissed, or typed past / superseded
	KindUnseen    Kind = "unseen"    // superseded before it could be read (< telemetry.unseenMs)
	KindError     Kind = "error"     // the pipeline failed (Error says why)
	KindSurvival  Kind = "survival"  // accepted text still present after SurvivalAfterS seconds
)

// Event is one row of telemetry. The same JSON shape is stored locally,
// exported with `ghostline telemetry export --jsonl`, uploaded to the team
// collector and read by `ghostline train`. Text fields are empty unless the
// user opted in (telemetry.storeText); hashes are always set.
type Event struct {
	ID           string    `json:"id"`                // unique per event (idempotency key)
	Kind         Kind      `json:"kind"`              // see Kind
	Time         time.Time `json:"time"`              // when it happened (UTC)
	SuggestionID string    `json:"suggestionId"`      // ties the events of one suggestion together
	SessionID    string    `json:"sessionId"`         // one ghostline serve process
	UserID       string    `json:"userId"`            // local, random, stable per machine user
	Repo         string    `json:"repo"`              // repository name (base name of the root)
	Language     string    `json:"language"`          // LSP language id
	Model        string    `json:"model"`             // model that produced the suggestion
	Backend      string    `json:"backend,omitempty"` // its kind: "ollama", "openai", "llamacpp", "builtin" ("": logged before it was recorded)
	Invoked      bool      `json:"invoked"`           // manual trigger
	// HeldBack is what the predictor would have done to a suggestion shown
	// anyway (manual trigger or ranker.explore): KindSkipped or KindHidden.
	HeldBack Kind `json:"heldBack,omitempty"`

	// Per-stage latencies in milliseconds (see Stage).
	LatencyMs map[Stage]float64 `json:"latencyMs,omitempty"`

	PromptChars     int `json:"promptChars,omitempty"`
	SuggestionChars int `json:"suggestionChars,omitempty"`
	SuggestionLines int `json:"suggestionLines,omitempty"`

	// The predictor's view: P(accept), the threshold it was compared against,
	// and the feature vector by name.
	Prob      float64            `json:"prob,omitempty"`
	Threshold float64            `json:"threshold,omitempty"`
	Features  map[string]float64 `json:"features,omitempty"`

	// Partial accepts.
	AcceptedChars int `json:"acceptedChars,omitempty"`
	AcceptedWords int `json:"acceptedWords,omitempty"`
	AcceptedLines int `json:"acceptedLines,omitempty"`

	// Survival: edit similarity (0..1) of the accepted text with what is in
	// the document SurvivalAfterS seconds after acceptance.
	SurvivalAfterS int     `json:"survivalAfterS,omitempty"`
	Survival       float64 `json:"survival,omitempty"`

	// Characters the user inserted by typing since the previous event, so the
	// share of code written by accepted suggestions can be computed.
	TypedChars int `json:"typedChars,omitempty"`

	Error string `json:"error,omitempty"`

	PromptHash     string `json:"promptHash,omitempty"`
	SuggestionHash string `json:"suggestionHash,omitempty"`
	PromptText     string `json:"promptText,omitempty"`
	SuggestionText string `json:"suggestionText,omitempty"`
}

package ranker

import "time"

// Context is what is known before generation: the input of gate 1.
type Context struct {
	Language string
	Prefix   string // document text before the cursor
	Suffix   string // document text after the cursor
	Invoked  bool   // manual trigger: never hidden
	Now      time.Time
	// DocLength and Offset are the document's length and the cursor's byte
	// offset when Prefix and Suffix are only a window of the document (as in
	// logged prompts); zero means len(Prefix)+len(Suffix) and len(Prefix).
	DocLength int
	Offset    int

	// Filled from the programmer's history (History.Fill).
	SinceKeystroke   time.Duration // since the previous edit of any document
	TypingSpeed      float64       // characters per second over the last few seconds
	SinceShown       time.Duration // since the last suggestion was shown (-1: never)
	SinceDecision    time.Duration // since the last accept/reject (-1: never)
	RecentAcceptRate float64       // over the last decisions (prior when none)
	LastDecision     int           // 1 accepted, 0 rejected, -1 none yet
	LastRejected     string        // text of the last rejected suggestion
}

// Suggestion is what gate 2 adds to Context.
type Suggestion struct {
	Text string
	// Confidence is the backend's own score on its own scale (a server
	// model's mean log-probability per token, the built-in model's), and
	// Backend and Model say whose it is.
	Confidence     float64
	HasConfidence  bool
	Backend, Model string
	// Percentile is Confidence's percentile among the same backend and
	// model's recent suggestions (ConfidenceScale): the scale the gates
	// read. Gate.After fills it from its own ConfidenceScale.
	Percentile    float64
	HasPercentile bool
	Tokens        int
	// Prompt is the text the model saw (for "identifiers not in the prompt").
	Prompt string
}

// Decision is a gate's verdict.
type Decision struct {
	Show bool
	// Held: below the threshold, so hidden or skipped unless the request was
	// invoked by hand (then Show is true, and the suggestion measures what
	// the gate holds back).
	Held      bool
	Prob      float64 // calibrated P(accept)
	Threshold float64 // hide/skip when Prob < Threshold
	// Vector is the feature vector the model saw, in FeatureNames order
	// (gate 1's or all); Features names it for telemetry and explain, only
	// when asked, so a decision does not pay for a map it may not need.
	Vector []float64
	// Reason is a short human explanation ("invoked", "below threshold", ...).
	Reason string
}

// Features is d.Vector by feature name; nil when no model ran.
func (d Decision) Features() map[string]float64 {
	if len(d.Vector) == 0 {
		return nil
	}
	return FeatureMap(d.Vector, len(d.Vector))
}

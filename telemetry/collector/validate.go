package collector

import (
	"fmt"
	"math"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ghostline/ghostline/telemetry"
)

// Limits on what one event may carry; beyond them an event is refused as absurd.
const (
	maxNameLen    = 200     // repo, language, model, ids
	maxTextLen    = 1 << 16 // prompt/suggestion text (opt-in)
	maxErrorLen   = 2000
	maxChars      = 1 << 24 // sizes in characters
	maxLatencyMs  = 3_600_000
	maxFeatures   = 256
	maxSurvivalS  = 86_400
	maxClockAhead = 24 * time.Hour
)

var minTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

var knownKinds = map[telemetry.Kind]bool{
	telemetry.KindRequested: true, telemetry.KindSkipped: true, telemetry.KindGenerated: true,
	telemetry.KindHidden: true, telemetry.KindShown: true, telemetry.KindAccepted: true,
	telemetry.KindPartial: true, telemetry.KindRejected: true, telemetry.KindUnseen: true,
	telemetry.KindError: true, telemetry.KindSurvival: true,
}

var knownStages = func() map[telemetry.Stage]bool {
	m := map[telemetry.Stage]bool{}
	for _, s := range telemetry.Stages {
		m[s] = true
	}
	return m
}()

// Problem is one reason an event of a batch was refused.
type Problem struct {
	Index   int    `json:"index"` // position in the batch
	ID      string `json:"id,omitempty"`
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// validName: valid UTF-8 without control characters (names end up in CSV
// files and log lines; escaping for HTML is the template's job).
func validName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Validate checks every event of a batch against the schema and sane
// bounds; now is the collector's clock (events from the future are refused).
func Validate(events []telemetry.Event, now time.Time) []Problem {
	var out []Problem
	for i := range events {
		e := &events[i]
		bad := func(field, format string, args ...any) {
			out = append(out, Problem{Index: i, ID: truncate(e.ID, 64), Field: field, Problem: fmt.Sprintf(format, args...)})
		}
		if e.ID == "" {
			bad("id", "missing")
		}
		if !knownKinds[e.Kind] {
			bad("kind", "unknown kind %q", truncate(string(e.Kind), 40))
		}
		switch {
		case e.Time.IsZero():
			bad("time", "missing")
		case e.Time.Before(minTime):
			bad("time", "%s is before 2020", e.Time.Format(time.RFC3339))
		case e.Time.After(now.Add(maxClockAhead)):
			bad("time", "%s is more than a day in the future", e.Time.Format(time.RFC3339))
		}
		for _, f := range []struct {
			name, v string
		}{{"id", e.ID}, {"suggestionId", e.SuggestionID}, {"sessionId", e.SessionID}, {"userId", e.UserID},
			{"repo", e.Repo}, {"language", e.Language}, {"model", e.Model}, {"promptHash", e.PromptHash}, {"suggestionHash", e.SuggestionHash}} {
			if len(f.v) > maxNameLen {
				bad(f.name, "longer than %d bytes", maxNameLen)
			} else if !validName(f.v) {
				bad(f.name, "not valid UTF-8 text without control characters")
			}
		}
		for _, f := range []struct {
			name string
			v    int
		}{{"promptChars", e.PromptChars}, {"suggestionChars", e.SuggestionChars}, {"suggestionLines", e.SuggestionLines},
			{"acceptedChars", e.AcceptedChars}, {"acceptedWords", e.AcceptedWords}, {"acceptedLines", e.AcceptedLines},
			{"typedChars", e.TypedChars}} {
			if f.v < 0 || f.v > maxChars {
				bad(f.name, "%d outside 0..%d", f.v, maxChars)
			}
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"prob", e.Prob}, {"threshold", e.Threshold}, {"survival", e.Survival}} {
			if !(f.v >= 0 && f.v <= 1) {
				bad(f.name, "%g outside 0..1", f.v)
			}
		}
		if e.HeldBack != "" && e.HeldBack != telemetry.KindSkipped && e.HeldBack != telemetry.KindHidden {
			bad("heldBack", "%q is neither skipped nor hidden", truncate(string(e.HeldBack), 40))
		}
		if e.SurvivalAfterS < 0 || e.SurvivalAfterS > maxSurvivalS {
			bad("survivalAfterS", "%d outside 0..%d", e.SurvivalAfterS, maxSurvivalS)
		}
		if e.Kind == telemetry.KindSurvival && e.SurvivalAfterS == 0 {
			bad("survivalAfterS", "missing on a survival event")
		}
		for stage, ms := range e.LatencyMs {
			if !knownStages[stage] {
				bad("latencyMs", "unknown stage %q", truncate(string(stage), 40))
			} else if !(ms >= 0 && ms <= maxLatencyMs) {
				bad("latencyMs", "%s: %g ms outside 0..%d", stage, ms, maxLatencyMs)
			}
		}
		if len(e.Features) > maxFeatures {
			bad("features", "more than %d features", maxFeatures)
		}
		for name, v := range e.Features {
			if len(name) > maxNameLen || !validName(name) || math.IsNaN(v) || math.IsInf(v, 0) {
				bad("features", "feature %q: bad name or value", truncate(name, 40))
				break
			}
		}
		if len(e.PromptText) > maxTextLen || len(e.SuggestionText) > maxTextLen {
			bad("promptText", "text longer than %d bytes", maxTextLen)
		}
		if len(e.Error) > maxErrorLen {
			bad("error", "longer than %d bytes", maxErrorLen)
		}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

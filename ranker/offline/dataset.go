package offline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/telemetry"
)

// Example is one accept/reject decision with the features the server had
// when it showed the suggestion.
type Example struct {
	Group    string    // programmer (CUPS session, ghostline user or session): the unit of cross-validation
	Accepted bool      // label
	X        []float64 // ranker.NumFeatures values; X[:ranker.NumGate1] is gate 1's view
	// Baseline is the suggestion's own confidence as the editor's provider
	// logged it (Copilot's `confidence` in CUPS, the backend's confidence
	// percentile in ghostline's export), for the "model's own score" baseline.
	Baseline    float64
	HasBaseline bool
}

// Dataset is a list of decisions in time order within each group.
type Dataset struct {
	Format   string // "cups" or "ghostline"
	Examples []Example
	Skipped  int // decisions that could not be used (no features, bad fields)
}

// Groups returns the distinct groups in first-seen order.
func (d *Dataset) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range d.Examples {
		if !seen[e.Group] {
			seen[e.Group] = true
			out = append(out, e.Group)
		}
	}
	return out
}

// Accepted counts positive examples.
func (d *Dataset) Accepted() int {
	n := 0
	for _, e := range d.Examples {
		if e.Accepted {
			n++
		}
	}
	return n
}

// ErrNoRecords: the input holds no JSON lines at all.
var ErrNoRecords = errors.New("read dataset: no records")

// Exporter writes telemetry events as JSON lines (the telemetry store).
type Exporter interface {
	Export(ctx context.Context, w io.Writer, since time.Time) (int, error)
}

// ReadFrom reads the decisions in a telemetry store.
func ReadFrom(ctx context.Context, src Exporter) (*Dataset, error) {
	pr, pw := io.Pipe()
	exported := make(chan struct{})
	go func() {
		defer close(exported)
		_, err := src.Export(ctx, pw, time.Time{})
		pw.CloseWithError(err)
	}()
	ds, err := ReadDataset(pr)
	pr.Close() // ends the export if reading stopped early
	<-exported
	return ds, err
}

// ReadDataset reads JSON lines in either the CUPS format or ghostline's
// telemetry export, detected from the first record.
func ReadDataset(r io.Reader) (*Dataset, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var lines [][]byte
	for {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			lines = append(lines, t)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read dataset: %w", err)
		}
	}
	if len(lines) == 0 {
		return nil, ErrNoRecords
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(lines[0], &probe); err != nil {
		return nil, fmt.Errorf("read dataset: first line is not a JSON object: %w", err)
	}
	switch {
	case probe["StateName"] != nil:
		return readCUPS(lines)
	case probe["kind"] != nil:
		return readExport(lines)
	}
	return nil, errors.New("read dataset: unknown format (want CUPS events with StateName, or ghostline telemetry export with kind)")
}

type cupsEvent struct {
	Session      json.RawMessage    `json:"session"`
	Time         string             `json:"TimeGenerated"`
	State        string             `json:"StateName"`
	Suggestion   string             `json:"CurrentSuggestion"`
	Prompt       string             `json:"CurrentPrompt"`
	Measurements map[string]float64 `json:"Measurements"`
}

// unquote decodes CUPS's JSON-quoted text fields; empty or malformed ones
// are empty.
func unquote(s string) string {
	var out string
	if json.Unmarshal([]byte(s), &out) != nil {
		return ""
	}
	return out
}

// readCUPS replays each programmer's events through a ranker.History, so that
// every decision's features come from the programmer's earlier events only,
// exactly as the server would have them.
func readCUPS(lines [][]byte) (*Dataset, error) {
	ds := &Dataset{Format: "cups"}
	type state struct {
		h        ranker.History
		prev     *cupsEvent
		prevTime time.Time
	}
	states := map[string]*state{}
	var scale ranker.ConfidenceScale
	evs := make([]cupsEvent, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal(l, &evs[i]); err != nil {
			return nil, fmt.Errorf("CUPS line %d: %w", i+1, err)
		}
	}
	for i := range evs {
		e := &evs[i]
		group := groupKey(e.Session)
		st := states[group]
		if st == nil {
			st = &state{}
			states[group] = st
		}
		at, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil {
			ds.Skipped++
			continue
		}
		if at.Before(st.prevTime) {
			at = st.prevTime // clocks that go backwards
		}
		m := e.Measurements
		switch e.State {
		case "Accepted", "Rejected":
			st.h.Decided(at, e.State == "Accepted", unquote(e.Suggestion))
		default: // Shown, Replay, Browsing: a suggestion on screen
			now := at
			if e.State == "Shown" {
				// Gate 1 runs when the request is issued, before the display.
				now = at.Add(-time.Duration(m["timeSinceIssuedMs"] * float64(time.Millisecond)))
				if now.Before(st.prevTime) {
					now = st.prevTime
				}
			}
			if st.prev != nil && e.State == "Shown" {
				// Typing since the previous event: the prompt grew or shrank.
				// Only the part that falls in History's speed window counts.
				if dc := math.Abs(m["promptEndPos"] - st.prev.Measurements["promptEndPos"]); dc > 0 {
					dt := now.Sub(st.prevTime)
					frac := 1.0
					if dt > ranker.SpeedWindow {
						frac = ranker.SpeedWindow.Seconds() / dt.Seconds()
					}
					st.h.Keystroke(now, int(math.Round(dc*frac)))
				}
			}
			// Every suggestion on screen is ranked among the programmer's
			// earlier ones, as gate 2 ranks every generated suggestion.
			s := ranker.Suggestion{Text: unquote(e.Suggestion), Backend: "copilot", Tokens: int(m["numTokens"])}
			s.Confidence, s.HasConfidence = m["meanLogProb"]
			if s.HasConfidence {
				s.Percentile, s.HasPercentile = scale.Rank(ranker.ScaleKey(s.Backend, s.Model), s.Confidence)
			}
			if i+1 < len(evs) && (evs[i+1].State == "Accepted" || evs[i+1].State == "Rejected") && groupKey(evs[i+1].Session) == group {
				ds.Examples = append(ds.Examples, cupsExample(&st.h, e, &s, group, now, evs[i+1].State == "Accepted"))
			}
			st.h.Shown(at)
		}
		st.prev, st.prevTime = e, at
	}
	return ds, nil
}

func cupsExample(h *ranker.History, e *cupsEvent, s *ranker.Suggestion, group string, now time.Time, accepted bool) Example {
	m := e.Measurements
	prompt := unquote(e.Prompt)
	c := ranker.Context{
		Language:  "python",
		Prefix:    prompt,
		Now:       now,
		DocLength: int(m["documentLength"]),
		Offset:    int(m["promptEndPos"]),
	}
	h.Fill(&c)
	s.Prompt = prompt
	x := make([]float64, ranker.NumFeatures)
	ranker.Extract(&c, s, x)
	conf, hasConf := m["confidence"]
	return Example{Group: group, Accepted: accepted, X: x, Baseline: conf, HasBaseline: hasConf}
}

// readExport reads ghostline's telemetry export. A suggestion's label is
// its final fate: accepted (in full or in part) or rejected; its features
// are the vector the predictor logged when it was shown. Unknown fields are
// ignored and missing features read as 0.
func readExport(lines [][]byte) (*Dataset, error) {
	ds := &Dataset{Format: "ghostline"}
	type agg struct {
		ev       telemetry.Event
		accepted bool
		order    int
	}
	bySugg := map[string]*agg{}
	users := map[string]bool{}
	for i, l := range lines {
		var e telemetry.Event
		if err := json.Unmarshal(l, &e); err != nil {
			ds.Skipped++
			continue
		}
		switch e.Kind {
		case telemetry.KindAccepted, telemetry.KindPartial, telemetry.KindRejected:
		default:
			continue
		}
		users[e.UserID] = true
		key := e.SuggestionID
		if key == "" {
			key = e.ID
		}
		a := bySugg[key]
		if a == nil {
			a = &agg{ev: e, order: i}
			bySugg[key] = a
		}
		if e.Kind != telemetry.KindRejected {
			a.accepted = true
		}
		if len(a.ev.Features) == 0 {
			a.ev.Features = e.Features
		}
	}
	aggs := make([]*agg, 0, len(bySugg))
	for _, a := range bySugg {
		aggs = append(aggs, a)
	}
	slices.SortFunc(aggs, func(a, b *agg) int { return a.order - b.order })
	for _, a := range aggs {
		if len(a.ev.Features) == 0 {
			ds.Skipped++ // the predictor was off: nothing to learn from
			continue
		}
		x := ranker.FeatureVector(a.ev.Features)
		pct, hasPct := a.ev.Features["confidence_pct"]
		if !hasPct {
			// Logged before confidences were percentiles (feature set 1):
			// its "confidence" is on its backend's own scale, so none.
			x[ranker.FeatureIndex("has_confidence")] = 0
		}
		group := a.ev.UserID
		if len(users) < 2 { // one programmer: validate across their sessions
			group = a.ev.SessionID
		}
		has := hasPct && a.ev.Features["has_confidence"] > 0
		ds.Examples = append(ds.Examples, Example{Group: group, Accepted: a.accepted, X: x, Baseline: pct, HasBaseline: has})
	}
	return ds, nil
}

// groupKey renders a CUPS session (a number) or a string as a group name.
func groupKey(raw json.RawMessage) string {
	var n float64
	if json.Unmarshal(raw, &n) == nil {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return string(bytes.Trim(raw, `"`))
}

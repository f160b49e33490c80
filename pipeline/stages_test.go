package pipeline

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/telemetry"
	"github.com/ghostline/ghostline/telemetry/collector"
)

// Every event the pipeline writes, whatever the outcome, passes the team
// collector's validation, and together they use every stage the collector
// knows: renaming or adding a stage on one side only fails here, not in
// uploads refused in the field.
func TestCollectorAcceptsEveryStage(t *testing.T) {
	seen := map[telemetry.Stage]bool{}
	for _, c := range []struct {
		model *fakeModel
		gate  Gate
	}{
		{&fakeModel{text: "a + b"}, gate{true, true}},             // shown: every stage
		{&fakeModel{text: "a + b"}, gate{false, true}},            // skipped at gate 1
		{&fakeModel{text: "a + b"}, gate{true, false}},            // hidden at gate 2
		{&fakeModel{err: model.ErrUnavailable}, gate{true, true}}, // error
		{&fakeModel{text: "\n\n"}, gate{true, true}},              // nothing worth inserting
	} {
		rec := &recorder{}
		p := New(Options{Model: c.model, Gate: c.gate, Recorder: rec, SessionID: "s", UserID: "u", Repo: "r"}, config.Defaults())
		res := p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor})
		if res.Outcome == OutcomeShown {
			if err := p.Accepted(res.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		rec.mu.Lock()
		events := slices.Clone(rec.events)
		rec.mu.Unlock()
		if probs := collector.Validate(events, time.Now()); len(probs) > 0 {
			t.Errorf("outcome %s: the collector refuses %+v", res.Outcome, probs)
		}
		for _, e := range events {
			for st := range e.LatencyMs {
				seen[st] = true
			}
		}
	}
	for _, st := range telemetry.Stages {
		if !seen[st] {
			t.Errorf("stage %s never emitted", st)
		}
	}
	if len(seen) != len(telemetry.Stages) {
		t.Errorf("stages emitted %v, known %v", seen, telemetry.Stages)
	}
}

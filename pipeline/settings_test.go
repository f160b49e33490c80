package pipeline

import (
	"context"
	"slices"
	"testing"

	"github.com/ghostline/ghostline/config"
)

// SetSettings names the changes that wait for a restart, and telemetry
// turned off stops the events at once.
func TestSetSettings(t *testing.T) {
	p, rec := newTest(&fakeModel{text: "a + b"}, nil) // no retriever
	s := config.Defaults()
	s.Retrieval.Enabled = false
	p.SetSettings(s)

	s.Retrieval.Enabled = true     // no index was opened
	s.Retrieval.WindowLines = 7    // restart only
	s.Retrieval.ContextShare = 0.2 // live
	s.Telemetry.Enabled = false    // live when turned off
	if got := p.SetSettings(s); !slices.Equal(got, []string{"retrieval.enabled", "retrieval.windowLines"}) {
		t.Errorf("restart = %v", got)
	}
	p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor})
	if ks := rec.kinds(); len(ks) != 0 {
		t.Errorf("telemetry off, events %v", ks)
	}
}

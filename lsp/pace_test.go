package lsp

import (
	"context"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
)

func TestPacerDelay(t *testing.T) {
	ms := time.Millisecond
	cfg := config.Completion{DebounceMs: 60, DebounceMaxMs: 300}
	tests := []struct {
		name string
		gaps []time.Duration // between edits of one document
		cfg  config.Completion
		want time.Duration
	}{
		{"no rhythm yet: the longest wait", nil, cfg, 300 * ms},
		{"too few gaps", []time.Duration{80 * ms, 90 * ms}, cfg, 300 * ms},
		{"twice the median gap", []time.Duration{40 * ms, 80 * ms, 120 * ms, 70 * ms, 100 * ms}, cfg, 160 * ms},
		{"fast typist: the shortest wait", []time.Duration{10 * ms, 12 * ms, 15 * ms}, cfg, 60 * ms},
		{"slow typist: capped", []time.Duration{400 * ms, 500 * ms, 450 * ms}, cfg, 300 * ms},
		{"pauses are not rhythm", []time.Duration{80 * ms, 2 * time.Second, 80 * ms, 5 * time.Second, 80 * ms}, cfg, 160 * ms},
		{"disabled", []time.Duration{80 * ms, 80 * ms, 80 * ms}, config.Completion{DebounceMs: 0, DebounceMaxMs: 300}, 0},
		{"fixed when max <= min", []time.Duration{80 * ms, 80 * ms, 80 * ms}, config.Completion{DebounceMs: 60}, 60 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p pacer
			at := time.Unix(1000, 0)
			p.edited("a", at)
			for _, g := range tt.gaps {
				at = at.Add(g)
				p.edited("a", at)
			}
			if got := p.delay(tt.cfg); got != tt.want {
				t.Errorf("delay = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPacerIgnoresDocumentSwitches(t *testing.T) {
	var p pacer
	at := time.Unix(1000, 0)
	for i := range 6 {
		uri := []string{"a", "b"}[i%2]
		at = at.Add(10 * time.Millisecond)
		p.edited(uri, at)
	}
	if len(p.gaps) != 0 {
		t.Errorf("gaps across documents counted: %v", p.gaps)
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleep(ctx, time.Hour); err == nil {
		t.Error("sleep ignored a cancelled context")
	}
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Error(err)
	}
}

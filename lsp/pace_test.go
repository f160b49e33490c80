package lsp

import (
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
			if got := p.delay(tt.cfg, false); got != tt.want {
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

// After a token end, where this typist pauses 40% of the time, the wait is
// the predicted pause: shorter than inside a word, yet the typist's next
// keystroke still comes before it often enough that at most wasteBudget of
// the keystrokes that go on typing would start a model call in vain.
func TestPacerPredictsPauseAfterTokenEnd(t *testing.T) {
	ms := time.Millisecond
	cfg := config.Completion{DebounceMs: 60, DebounceMaxMs: 300}
	var p pacer
	at := time.Unix(1000, 0)
	p.edited("a", at)
	for i := range 200 {
		end := i%5 < 2 // 2 of 5 keystrokes end a token...
		p.delay(cfg, end)
		gap := time.Duration(60+i*37%91) * ms // 60..150 ms
		if end && i%10 < 4 {                  // ...and 2 of those 5 are pauses
			gap = 650 * ms
		}
		at = at.Add(gap)
		p.edited("a", at)
	}
	word, end := p.delay(cfg, false), p.delay(cfg, true)
	if end >= word {
		t.Fatalf("wait after a token end %v, inside a word %v: want it shorter", end, word)
	}
	late, typing := 0, 0
	for _, g := range p.gaps {
		if g < 200*ms {
			typing++
			if g > end {
				late++
			}
		}
	}
	// Half the token ends are pauses: allowed share 0.2/(1-0.5) = 0.4.
	if share := float64(late) / float64(typing); share > 0.4+1.0/rhythmGaps {
		t.Errorf("wait %v: %.2f of typing gaps are longer, want at most 0.4", end, share)
	}
	if word < 200*ms {
		t.Errorf("inside a word the wait is twice the median gap, got %v", word)
	}
}

// The calls the waits start stay within callBudget of the keystrokes even
// where the learnt pause share would allow more early starts, and early
// starts go on while there is room for them.
func TestPacerBoundsCallsPerKeystroke(t *testing.T) {
	ms := time.Millisecond
	cfg := config.Completion{DebounceMs: 60, DebounceMaxMs: 300}
	tests := []struct {
		name      string
		endPauses int  // of each 4 token ends, the ones followed by a pause
		early     bool // some calls start before a pause
	}{
		{"few pauses: early starts fill the budget", 2, true},
		{"pauses use up the budget: no early starts", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p pacer
			at := time.Unix(1000, 0)
			p.edited("a", at)
			const keys = 600
			calls, early, pauses := 0, 0, 0
			for i := range keys {
				end := i%3 == 0 // a third of the keystrokes end a token
				wait := p.delay(cfg, end)
				gap := time.Duration(60+i*37%91) * ms // 60..150 ms
				paused := end && i/3%4 < tt.endPauses
				if paused {
					gap = 650 * ms
					pauses++
				}
				if gap > wait {
					p.started()
					calls++
					if !paused && i >= callWindow {
						early++
					}
				}
				at = at.Add(gap)
				p.edited("a", at)
			}
			// Pauses call the model whatever the budget.
			if limit := callBudget * keys; float64(pauses) < limit && float64(calls) > limit {
				t.Errorf("%d calls for %d keystrokes and %d pauses, want at most %.0f", calls, keys, pauses, limit)
			}
			if got := early > 0; got != tt.early {
				t.Errorf("%d early starts after the first window, want some: %v", early, tt.early)
			}
		})
	}
}

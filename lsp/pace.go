package lsp

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ghostline/ghostline/config"
)

// pacer decides how long an automatic request waits for typing to pause.
//
// A fixed debounce either fires between the keystrokes of anyone typing
// slower than it, or adds its full length to every suggestion. So the wait
// adapts to the user's rhythm: twice the median of the recent gaps between
// edits, kept between completion.debounceMs and completion.debounceMaxMs.
// Until a rhythm is known the wait is debounceMaxMs. Safe for concurrent use.
type pacer struct {
	mu      sync.Mutex
	lastURI string
	last    time.Time
	gaps    []time.Duration // the most recent typing gaps, oldest first
}

const (
	// rhythmGaps is how many recent gaps define the rhythm.
	rhythmGaps = 16
	// minRhythmGaps are needed before the rhythm is trusted.
	minRhythmGaps = 3
	// maxTypingGap: longer gaps are pauses, not part of the rhythm.
	maxTypingGap = time.Second
)

// edited records an edit of document uri at time at.
func (p *pacer) edited(uri string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if uri == p.lastURI && !p.last.IsZero() {
		if gap := at.Sub(p.last); gap > 0 && gap < maxTypingGap {
			if len(p.gaps) == rhythmGaps {
				p.gaps = append(p.gaps[:0], p.gaps[1:]...)
			}
			p.gaps = append(p.gaps, gap)
		}
	}
	p.lastURI, p.last = uri, at
}

// delay is how long an automatic request waits for the next keystroke.
func (p *pacer) delay(c config.Completion) time.Duration {
	lo := time.Duration(c.DebounceMs) * time.Millisecond
	hi := max(time.Duration(c.DebounceMaxMs)*time.Millisecond, lo)
	if lo <= 0 {
		return 0
	}
	p.mu.Lock()
	gaps := slices.Clone(p.gaps)
	p.mu.Unlock()
	if len(gaps) < minRhythmGaps {
		return hi
	}
	slices.Sort(gaps)
	return min(max(2*gaps[len(gaps)/2], lo), hi)
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

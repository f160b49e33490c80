package ranker

import (
	"sync"
	"time"
)

// History tracks one programmer's recent behaviour: the latent state that
// CDHF shows predicts acceptance better than the suggestion alone.
// It is safe for concurrent use.
type History struct {
	mu        sync.Mutex
	edits     []edit // recent edits, for typing speed
	lastEdit  time.Time
	lastShown time.Time
	lastDec   time.Time
	decisions []bool // most recent last, bounded
	lastRej   string
}

type edit struct {
	at    time.Time
	chars int
}

// SpeedWindow is how far back TypingSpeed counts edits.
const SpeedWindow = 5 * time.Second

const (
	maxDecisions = 20
	// priorAccept is CUPS's overall acceptance rate among decided suggestions
	// (260 of 768), used until the programmer has decided enough.
	priorAccept = 0.34
	priorWeight = 3.0
)

// Keystroke records an edit that inserted or deleted chars characters.
func (h *History) Keystroke(at time.Time, chars int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastEdit = at
	h.edits = append(h.edits, edit{at, chars})
	cut := 0
	for cut < len(h.edits) && at.Sub(h.edits[cut].at) > SpeedWindow {
		cut++
	}
	h.edits = h.edits[cut:]
}

// Shown records that a suggestion appeared.
func (h *History) Shown(at time.Time) {
	h.mu.Lock()
	h.lastShown = at
	h.mu.Unlock()
}

// Decided records an accept or reject of text.
func (h *History) Decided(at time.Time, accepted bool, text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastDec = at
	h.decisions = append(h.decisions, accepted)
	if len(h.decisions) > maxDecisions {
		h.decisions = h.decisions[len(h.decisions)-maxDecisions:]
	}
	if !accepted {
		h.lastRej = text
	}
}

// Fill sets the history fields of c as of c.Now.
func (h *History) Fill(c *Context) {
	h.mu.Lock()
	defer h.mu.Unlock()
	since := func(t time.Time) time.Duration {
		if t.IsZero() {
			return -1
		}
		if d := c.Now.Sub(t); d > 0 {
			return d
		}
		return 0 // clocks that go backwards
	}
	c.SinceKeystroke = since(h.lastEdit)
	c.SinceShown = since(h.lastShown)
	c.SinceDecision = since(h.lastDec)
	chars := 0
	for _, e := range h.edits {
		if c.Now.Sub(e.at) <= SpeedWindow {
			chars += e.chars
		}
	}
	c.TypingSpeed = float64(chars) / SpeedWindow.Seconds()
	acc := 0
	for _, d := range h.decisions {
		if d {
			acc++
		}
	}
	c.RecentAcceptRate = (float64(acc) + priorAccept*priorWeight) / (float64(len(h.decisions)) + priorWeight)
	c.LastDecision = -1
	if n := len(h.decisions); n > 0 {
		c.LastDecision = 0
		if h.decisions[n-1] {
			c.LastDecision = 1
		}
	}
	c.LastRejected = h.lastRej
}

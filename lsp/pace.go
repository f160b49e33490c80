package lsp

import (
	"slices"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ghostline/ghostline/config"
)

// pacer decides how long an automatic request waits for typing to pause.
//
// A fixed debounce either fires between the keystrokes of anyone typing
// slower than it, or adds its full length to every suggestion. So the wait
// adapts to the user's rhythm: twice the median of the recent gaps between
// edits, kept between completion.debounceMs and completion.debounceMaxMs.
// Until a rhythm is known the wait is debounceMaxMs.
//
// After a keystroke that ends a token (a space, a bracket, a dot, a line
// break) people pause far more often than inside a word, so there the pause
// is predicted rather than waited out: the wait is the shortest one that
// the user's next keystroke, if they go on typing, beats often enough that
// at most wasteBudget of such keystrokes start a model call in vain, given
// how often the user pauses after a token end (learnt as they type).
// That share is a mean over a learnt rhythm, so it alone does not bound
// the calls: early starts are also held back while the model calls
// started after the last callWindow keystrokes, with this one, would reach
// callBudget of them.
// Safe for concurrent use.
type pacer struct {
	mu      sync.Mutex
	lastURI string
	last    time.Time
	gaps    []time.Duration // the most recent typing gaps, oldest first
	// lastEnd: the latest automatic request followed a keystroke that ends
	// a token; ends counts those keystrokes and endPauses the ones after
	// which the user paused (both halved now and then, to follow changes).
	lastEnd         bool
	ends, endPauses int
	// called: whether an automatic request started a model call after
	// each of the last callWindow keystrokes (a ring; latest is the slot
	// of the latest keystroke).
	called [callWindow]bool
	latest int
}

const (
	// rhythmGaps is how many recent gaps define the rhythm.
	rhythmGaps = 32
	// minRhythmGaps are needed before the rhythm is trusted.
	minRhythmGaps = 3
	// maxTypingGap: longer gaps are pauses, not part of the rhythm.
	maxTypingGap = time.Second
	// wasteBudget is the share of token-end keystrokes that may start a
	// model call the next keystroke then cancels.
	wasteBudget = 0.2
	// maxEnds: past it the token-end counts are halved.
	maxEnds = 200
	// callBudget bounds the model calls per keystroke over the last
	// callWindow keystrokes that early starts may bring about.
	callBudget = 0.2
	callWindow = 64
)

// edited records an edit of document uri at time at.
func (p *pacer) edited(uri string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latest = (p.latest + 1) % callWindow
	p.called[p.latest] = false
	if uri == p.lastURI && !p.last.IsZero() {
		gap := at.Sub(p.last)
		if p.lastEnd {
			p.ends++
			if gap >= p.typingWait(time.Duration(1<<63-1)) {
				p.endPauses++
			}
			if p.ends > maxEnds {
				p.ends, p.endPauses = p.ends/2, p.endPauses/2
			}
		}
		if gap > 0 && gap < maxTypingGap {
			if len(p.gaps) == rhythmGaps {
				p.gaps = append(p.gaps[:0], p.gaps[1:]...)
			}
			p.gaps = append(p.gaps, gap)
		}
	}
	p.lastURI, p.last, p.lastEnd = uri, at, false
}

// delay is how long an automatic request waits for the next keystroke;
// tokenEnd says the keystroke before it ended a token.
func (p *pacer) delay(c config.Completion, tokenEnd bool) time.Duration {
	lo := time.Duration(c.DebounceMs) * time.Millisecond
	hi := max(time.Duration(c.DebounceMaxMs)*time.Millisecond, lo)
	if lo <= 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastEnd = tokenEnd
	if len(p.gaps) < minRhythmGaps {
		return hi
	}
	wait := min(max(p.typingWait(hi), lo), hi)
	if !tokenEnd || float64(p.calls()+1) >= callBudget*callWindow {
		return wait
	}
	// Of the keystrokes after a token end, (1-paused) go on typing; of
	// those, at most allowed may come later than the wait.
	paused := float64(p.endPauses+1) / float64(p.ends+4) // a prior of 1 in 4
	allowed := wasteBudget / (1 - min(paused, 0.99))
	if allowed >= 1 {
		return lo
	}
	// The gaps of typing on, without the short pauses among them.
	gaps := slices.Sorted(slices.Values(p.gaps))
	typing, pause := gaps[:0:0], p.typingWait(hi)
	for _, g := range gaps {
		if g < pause {
			typing = append(typing, g)
		}
	}
	if len(typing) == 0 {
		return wait
	}
	q := typing[min(len(typing)-1, int((1-allowed)*float64(len(typing))))]
	return min(max(q, lo), wait)
}

// started records that an automatic request's wait ran out: it goes on to
// the model.
func (p *pacer) started() {
	p.mu.Lock()
	p.called[p.latest] = true
	p.mu.Unlock()
}

// calls counts the model calls started after the last callWindow
// keystrokes. The caller holds p.mu.
func (p *pacer) calls() int {
	n := 0
	for _, c := range p.called {
		if c {
			n++
		}
	}
	return n
}

// typingWait is twice the median recent gap (at most hi): a gap longer
// than it is a pause. The caller holds p.mu and has gaps.
func (p *pacer) typingWait(hi time.Duration) time.Duration {
	if len(p.gaps) == 0 {
		return hi
	}
	return min(2*median(p.gaps), hi)
}

func median(ds []time.Duration) time.Duration {
	sorted := slices.Sorted(slices.Values(ds))
	return sorted[len(sorted)/2]
}

// endsToken reports whether the text before off ends with a character
// that ends a token: anything but a letter, digit or underscore.
func endsToken(text string, off int) bool {
	r, n := utf8.DecodeLastRuneInString(text[:off])
	return n > 0 && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
}

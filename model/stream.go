package model

import (
	"fmt"
	"strings"
	"time"
)

// MaxAnswerBytes bounds a completion: a server that streams more is broken
// (or hostile), and no editor wants 64 KB of ghost text.
const MaxAnswerBytes = 64 << 10

const (
	defaultMaxTokens = 128
	defaultTimeout   = 5 * time.Second
)

// collector accumulates a streamed completion and decides when it is over:
// at a stop sequence, at the first line end in single-line mode, or when it
// grows past MaxAnswerBytes.
type collector struct {
	stops   []string
	maxStop int
	start   time.Time

	buf        strings.Builder
	first      time.Duration
	tokens     int
	logprobSum float64
	logprobN   int
	stopped    bool // a stop was seen: the rest of the stream is unwanted
}

func newCollector(req Request, stops []string) *collector {
	c := &collector{start: time.Now()}
	if req.SingleLine {
		stops = append(stops, "\n")
	}
	c.stops = dedupe(stops)
	for _, s := range c.stops {
		c.maxStop = max(c.maxStop, len(s))
	}
	return c
}

// add appends one streamed chunk. It reports whether generation should end
// (a stop was seen), or an error when the answer is too large.
func (c *collector) add(chunk string) (stop bool, err error) {
	if c.stopped {
		return true, nil
	}
	if chunk == "" {
		return false, nil
	}
	if c.first == 0 {
		c.first = time.Since(c.start)
	}
	c.tokens++
	old := c.buf.Len()
	c.buf.WriteString(chunk)
	// Only the new text, plus enough of the old to hold a stop split across
	// chunks, can contain a new stop.
	text := c.buf.String()
	from := max(0, old-c.maxStop+1)
	cut := -1
	for _, s := range c.stops {
		if i := strings.Index(text[from:], s); i >= 0 && (cut < 0 || from+i < cut) {
			cut = from + i
		}
	}
	if cut >= 0 {
		c.buf.Reset()
		c.buf.WriteString(text[:cut])
		c.stopped = true
		return true, nil
	}
	if c.buf.Len() > MaxAnswerBytes {
		return true, fmt.Errorf("%w: completion longer than %d KB", ErrBadResponse, MaxAnswerBytes>>10)
	}
	return false, nil
}

// logprob records a generated token's log-probability.
func (c *collector) logprob(lp float64) {
	c.logprobSum += lp
	c.logprobN++
}

func (c *collector) result(backend, model string) Result {
	r := Result{Text: c.buf.String(), Tokens: c.tokens, Model: model, Backend: backend, FirstToken: c.first}
	if c.logprobN > 0 {
		r.Confidence = c.logprobSum / float64(c.logprobN)
		r.HasConfidence = true
	}
	return r
}

// stopList merges the stop sequences of a request, the settings and the
// template, without empties or duplicates.
func stopList(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return dedupe(out)
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

package ranker

import (
	"math"
	"sync"
)

// ConfidenceScale puts every backend's confidence on one scale: the
// percentile of a suggestion's raw confidence among the same backend and
// model's recent suggestions. A mean log-probability of -0.3 is low for a
// large server model and high for the built-in n-gram model; as
// percentiles both read the same, so a gate trained on Copilot's numbers
// (CUPS) can score any backend's. Safe for concurrent use.
type ConfidenceScale struct {
	mu     sync.Mutex
	recent map[string]*window
}

const (
	// ScaleWindow is how many recent confidences per backend and model
	// a percentile is taken among.
	ScaleWindow = 200
	// ScaleMin is how many a backend and model must have produced before
	// their percentiles count: until then a suggestion has no confidence.
	ScaleMin = 10
	// scaleKeys bounds the backends and models remembered at once.
	scaleKeys = 16
)

type window struct {
	vals [ScaleWindow]float64
	n    int // values stored (at most ScaleWindow)
	next int // ring position of the next value
}

// Rank returns raw's percentile (0..1, ties counting half) among the
// confidences recorded for key (backend and model) before it, and records
// raw. ok is false until key has ScaleMin confidences, or for a NaN.
func (s *ConfidenceScale) Rank(key string, raw float64) (pct float64, ok bool) {
	if math.IsNaN(raw) {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.recent[key]
	if w == nil {
		if s.recent == nil {
			s.recent = map[string]*window{}
		}
		if len(s.recent) >= scaleKeys {
			clear(s.recent) // a long-running server that saw many models starts over
		}
		w = &window{}
		s.recent[key] = w
	}
	if w.n >= ScaleMin {
		below := 0.0
		for _, v := range w.vals[:w.n] {
			switch {
			case v < raw:
				below++
			case v == raw:
				below += 0.5
			}
		}
		pct, ok = below/float64(w.n), true
	}
	w.vals[w.next] = raw
	w.next = (w.next + 1) % ScaleWindow
	w.n = min(w.n+1, ScaleWindow)
	return pct, ok
}

// ScaleKey names a backend and model for Rank.
func ScaleKey(backend, model string) string { return backend + "\x00" + model }

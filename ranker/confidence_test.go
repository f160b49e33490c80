package ranker

import (
	"math"
	"testing"

	"github.com/ghostline/ghostline/config"
)

func TestConfidenceScaleRank(t *testing.T) {
	var s ConfidenceScale
	for i := range ScaleMin {
		if _, ok := s.Rank("a", float64(i)); ok {
			t.Fatalf("percentile after %d confidences, want none before %d", i, ScaleMin)
		}
	}
	// 0..9 seen: 4.5 is above half of them, 4 ties one of them.
	if p, ok := s.Rank("a", 4.5); !ok || p != 0.5 {
		t.Errorf("Rank(4.5) = %v %v, want 0.5", p, ok)
	}
	if p, _ := s.Rank("a", 100); p != 1 {
		t.Errorf("Rank(100) = %v, want 1", p)
	}
	if _, ok := s.Rank("b", 4.5); ok {
		t.Error("another backend shares the first one's confidences")
	}
	if _, ok := s.Rank("a", math.NaN()); ok {
		t.Error("NaN ranked")
	}
	// The window forgets: after ScaleWindow confidences of 1000+, 500 is the lowest.
	for i := range ScaleWindow {
		s.Rank("a", 1000+float64(i))
	}
	if p, _ := s.Rank("a", 500); p != 0 {
		t.Errorf("Rank(500) after the window moved on = %v, want 0", p)
	}
}

// TestBackendsComparable: the built-in model's and a server model's
// confidences live on different scales (a mean log-probability per token
// of -2 is the built-in model's median and far below anything the server
// model produces). The gate reads each as a percentile of its own backend
// and model, so the same suggestion at each backend's median scores the
// same, and the same raw number does not.
func TestBackendsComparable(t *testing.T) {
	g := NewGate(mustDefault(t), config.Defaults().Ranker)
	c := ctx0
	c.Prefix = "def mean(values):\n    total = "
	text := "sum(values)\n    return total / len(values)"
	builtin := func(conf float64) Suggestion {
		return Suggestion{Text: text, Confidence: conf, HasConfidence: true, Backend: "builtin", Model: "builtin", Tokens: 12}
	}
	ollama := func(conf float64) Suggestion {
		return Suggestion{Text: text, Confidence: conf, HasConfidence: true, Backend: "ollama", Model: "qwen2.5-coder:1.5b-base", Tokens: 12}
	}
	// Each backend's recent suggestions: evenly spread over its own range.
	for i := range 101 {
		f := float64(i) / 100
		g.After(c, builtin(-3+2*f))     // -3 .. -1
		g.After(c, ollama(-0.6+0.55*f)) // -0.6 .. -0.05
	}
	half := 0.5 // computed as the spread was, so the median is one of them
	b, o := g.After(c, builtin(-3+2*half)), g.After(c, ollama(-0.6+0.55*half))
	if b.Features()["confidence_pct"] != o.Features()["confidence_pct"] || math.Abs(b.Features()["confidence_pct"]-0.5) > 0.01 {
		t.Errorf("medians: built-in percentile %v, ollama %v, want both 0.5", b.Features()["confidence_pct"], o.Features()["confidence_pct"])
	}
	if b.Prob != o.Prob {
		t.Errorf("same suggestion at each backend's median: built-in P %v, ollama P %v", b.Prob, o.Prob)
	}
	// -0.3 is a high confidence for the built-in model, a middling one for the server's.
	hb, ho := g.After(c, builtin(-0.3)), g.After(c, ollama(-0.3))
	if hb.Features()["confidence_pct"] != 1 || ho.Features()["confidence_pct"] > 0.6 {
		t.Errorf("raw -0.3: built-in percentile %v, ollama %v; want 1 and about 0.55", hb.Features()["confidence_pct"], ho.Features()["confidence_pct"])
	}
	// The shipped model does read the percentile: the same suggestion at
	// the bottom and at the top of one backend's range scores differently.
	lo, hi := g.After(c, builtin(-3)), g.After(c, builtin(-1))
	if lo.Prob == hi.Prob {
		t.Errorf("P(accept) %v at the lowest confidence and %v at the highest: the percentile is not used", lo.Prob, hi.Prob)
	}
}

func mustDefault(t *testing.T) *Model {
	t.Helper()
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

package ranker

import (
	"strings"
	"testing"
	"time"
)

// benchContext is a realistic request: a 2,000-line file, cursor near the end.
func benchContext() (Context, Suggestion) {
	var b strings.Builder
	for i := range 2000 {
		b.WriteString("    result_" + strings.Repeat("x", i%7) + " = compute(values[i], offset) # step\n")
	}
	prefix := b.String() + "    total = "
	c := Context{
		Language: "python", Prefix: prefix, Suffix: "\n    return total\n", Now: time.Now(),
		SinceKeystroke: 80 * time.Millisecond, TypingSpeed: 6, SinceShown: 4 * time.Second, SinceDecision: 9 * time.Second,
		RecentAcceptRate: 0.4, LastDecision: 0, LastRejected: "sum(values) / len(values)",
	}
	s := Suggestion{Text: "sum(result_x for result_x in values)\n    total += offset", Confidence: -0.4, HasConfidence: true, Tokens: 14, Prompt: prefix}
	return c, s
}

func BenchmarkGate1(b *testing.B) {
	g, err := DefaultGate()
	if err != nil {
		b.Fatal(err)
	}
	c, _ := benchContext()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		g.Before(c)
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N), "ns/decision")
}

func BenchmarkGate2(b *testing.B) {
	g, err := DefaultGate()
	if err != nil {
		b.Fatal(err)
	}
	c, s := benchContext()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		g.After(c, s)
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N), "ns/decision")
}

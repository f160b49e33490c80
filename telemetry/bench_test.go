package telemetry_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// benchEvent is shaped like a shown event from the pipeline: latencies,
// the predictor's features and hashes (text off, the default).
func benchEvent(i int) telemetry.Event {
	features := map[string]float64{}
	for f := range 24 {
		features[fmt.Sprintf("feature%02d", f)] = float64(f) * 0.37
	}
	return telemetry.Event{
		ID: fmt.Sprintf("bench-%d", i), Kind: telemetry.KindShown, Time: time.Now().UTC(), SuggestionID: fmt.Sprintf("s%d", i),
		SessionID: "0123456789abcdef0123456789abcdef", UserID: "fedcba9876543210fedcba9876543210", Repo: "ghostline",
		Language: "go", Model: "qwen2.5-coder:1.5b-base",
		LatencyMs:   map[telemetry.Stage]float64{"gate1": 0.01, "retrieval": 2.5, "model": 180, "postprocess": 0.05, "gate2": 0.02, "total": 183},
		PromptChars: 6000, SuggestionChars: 40, SuggestionLines: 1, Prob: 0.41, Threshold: 0.22, Features: features,
		PromptHash: "0123456789abcdef", SuggestionHash: "fedcba9876543210",
	}
}

// reportCosts reports the median and p99 of Record costs.
func reportCosts(b *testing.B, costs []time.Duration) {
	slices.Sort(costs)
	q := func(p float64) float64 { return float64(costs[int(p*float64(len(costs)-1))].Nanoseconds()) }
	b.ReportMetric(q(0.5), "p50-ns/record")
	b.ReportMetric(q(0.99), "p99-ns/record")
}

// discard is a writer that keeps up with any rate.
type discard struct{}

func (discard) Insert(context.Context, []telemetry.Event) error { return nil }

// BenchmarkRecord is the request path's cost of one Record call when the
// writer keeps up (no database can at this rate: BenchmarkSustained has
// one behind it).
func BenchmarkRecord(b *testing.B) {
	r := telemetry.NewRecorder(discard{}, telemetry.RecorderOptions{})
	e := benchEvent(0)
	costs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.ID = strconv.Itoa(i)
		start := time.Now()
		r.Record(e)
		costs = append(costs, time.Since(start))
		if i%1024 == 1023 {
			// A loop outpaces the writer; an editor does not. Keep the
			// queue from filling, so that every call is measured enqueuing.
			if err := r.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	if err := r.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	reportCosts(b, costs)
	b.ReportMetric(float64(r.Dropped()), "dropped")
}

// BenchmarkSustained records 5,000 events/s into a real database for
// GHOSTLINE_BENCH_SECONDS (default 3; use 60 for the closing figure) and
// reports the rate stored, events dropped (must be 0) and the p99 cost of
// Record. Run with -benchtime=1x.
func BenchmarkSustained(b *testing.B) {
	const rate = 5000
	secs := 3.0
	if s := os.Getenv("GHOSTLINE_BENCH_SECONDS"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			b.Fatalf("GHOSTLINE_BENCH_SECONDS=%q: want a positive number", s)
		}
		secs = v
	}
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "t.db")
		st, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		r := telemetry.NewRecorder(st, telemetry.RecorderOptions{})
		dur := time.Duration(secs * float64(time.Second))
		costs := make([]time.Duration, 0, int(rate*secs)+rate)
		start := time.Now()
		sent := 0
		for {
			elapsed := time.Since(start)
			if elapsed >= dur {
				break
			}
			// Catch up to the schedule, then sleep a little: events
			// arrive in small bursts as they would from requests.
			for due := int(elapsed.Seconds() * rate); sent < due; sent++ {
				e := benchEvent(sent)
				t := time.Now()
				r.Record(e)
				costs = append(costs, time.Since(t))
			}
			time.Sleep(time.Millisecond)
		}
		if err := r.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		stats, err := st.Stats(context.Background(), time.Time{})
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		if stats.Events+r.Dropped()+r.Failed() != int64(sent) {
			b.Fatalf("recorded %d, stored %d, dropped %d, failed %d", sent, stats.Events, r.Dropped(), r.Failed())
		}
		b.ReportMetric(float64(stats.Events)/took.Seconds(), "stored-events/s")
		b.ReportMetric(float64(r.Dropped()), "dropped")
		b.ReportMetric(float64(r.WriteErrors()), "write-errors")
		b.ReportMetric(float64(stats.SizeBytes)/float64(max(stats.Events, 1)), "bytes/event")
		reportCosts(b, costs)
		if r.Dropped() > 0 {
			b.Errorf("%d events dropped at %d events/s", r.Dropped(), rate)
		}
	}
}

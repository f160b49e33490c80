package lsp_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/telemetry"
)

// BenchmarkKill9 measures the telemetry events a kill -9 costs at 650
// completions/s. Each iteration starts a server, sends completion requests
// (each after an edit, so none comes from the cache) over 26 documents for
// 4 s without waiting for the answers, and kills it with SIGKILL; then it
// counts the suggestions the client had been shown before the kill whose
// shown event is not in the database (lost-shown/kill), and the accepts
// acknowledged before the kill with no decision stored (lost-accepts/kill).
// "accept-10pct" accepts every tenth answer, and each decision writes the
// queue at once; "no-decisions" shows what the 500 ms batch alone loses.
// A kill takes half a minute, so it runs only when asked:
//
//	GHOSTLINE_KILL9=1 go test -run '^$' -bench Kill9 -benchtime 3x ./lsp/
func BenchmarkKill9(b *testing.B) {
	if os.Getenv("GHOSTLINE_KILL9") == "" {
		b.Skip("a measurement of half a minute per kill: GHOSTLINE_KILL9=1 runs it")
	}
	for _, mode := range []struct {
		name        string
		acceptEvery int // 0: never
	}{{"accept-10pct", 10}, {"no-decisions", 0}} {
		b.Run(mode.name, func(b *testing.B) {
			var rates, lost []float64
			lostAcc := 0
			for b.Loop() {
				k := kill9(b, mode.acceptEvery)
				b.Logf("%.0f completions/s: %d shown before the kill, %d of their shown events lost; %d accepts acknowledged, %d with no decision stored",
					k.rate, k.shown, k.lostShown, k.accepted, k.lostAccepts)
				rates, lost = append(rates, k.rate), append(lost, float64(k.lostShown))
				lostAcc += k.lostAccepts
			}
			b.ReportMetric(mean(rates), "completions/s")
			b.ReportMetric(mean(lost), "lost-shown/kill")
			b.ReportMetric(slices.Max(lost), "lost-shown-max")
			b.ReportMetric(float64(lostAcc)/float64(len(lost)), "lost-accepts/kill")
		})
	}
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

type kill9Result struct {
	rate                  float64
	shown, lostShown      int
	accepted, lostAccepts int
}

// kill9 runs one server at 650 completions/s, kills it, and counts what
// the database lacks.
func kill9(b *testing.B, acceptEvery int) kill9Result {
	const rate, seconds, docs = 650, 4, 26
	b.StopTimer()
	defer b.StartTimer()
	ol := lsptest.NewOllama()
	defer ol.Close()
	bin := startBinary(b, map[string]any{
		"model":      map[string]any{"provider": "ollama", "endpoint": ol.URL()},
		"retrieval":  map[string]any{"enabled": false},
		"ranker":     map[string]any{"enabled": false},
		"telemetry":  map[string]any{"enabled": true},
		"completion": map[string]any{"debounceMs": 0},
	})
	var uris []string
	for i := range docs {
		uri := "file://" + filepath.Join(bin.workspace, fmt.Sprintf("d%d.go", i))
		if err := bin.DidOpen(bin.ctx, uri, "go", source); err != nil {
			b.Fatal(err)
		}
		uris = append(uris, uri)
	}
	// Warm up: the database opens in the background; events wait for it.
	for _, uri := range uris {
		if _, err := bin.InlineCompletion(bin.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(3 * time.Second)
	var mu sync.Mutex
	shown := map[string]bool{}    // suggestion ids answered: each had its shown event recorded first
	accepted := map[string]bool{} // ids whose accept was acknowledged
	var wg sync.WaitGroup
	start := time.Now()
	sent := 0
	for ; time.Since(start) < seconds*time.Second; sent++ {
		// Paced by a schedule, not a ticker, which drops the ticks a
		// loaded machine makes it miss: a late request goes at once.
		time.Sleep(time.Until(start.Add(time.Duration(sent) * time.Second / rate)))
		i := sent
		_ = bin.DidChange(bin.ctx, uris[i%docs], int32(i+2), lsptest.Insert(3, 5, "z"))
		p := bin.GoInlineCompletion(bin.ctx, uris[i%docs], 3, 6, lsp.TriggerInvoked)
		wg.Add(1)
		go func(accept bool) {
			defer wg.Done()
			var l lsp.InlineCompletionList
			if p.Wait(bin.ctx, &l) != nil || len(l.Items) != 1 {
				return
			}
			id := fmt.Sprint(l.Items[0].Command.Arguments[0])
			mu.Lock()
			shown[id] = true
			mu.Unlock()
			if accept && bin.Accept(bin.ctx, l.Items[0]) == nil {
				mu.Lock()
				accepted[id] = true
				mu.Unlock()
			}
		}(acceptEvery > 0 && i%acceptEvery == 0)
	}
	elapsed := time.Since(start)
	mu.Lock()
	shownAtKill := maps.Clone(shown)
	acceptedAtKill := maps.Clone(accepted)
	mu.Unlock()
	if err := syscall.Kill(bin.Pid(), syscall.SIGKILL); err != nil {
		b.Fatal(err)
	}
	wg.Wait()

	db := filepath.Join(filepath.Dir(bin.workspace), "data", "ghostline", "telemetry.db")
	st, err := telemetry.Open(context.Background(), db, telemetry.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	events, _, err := st.ReadAfter(context.Background(), 0, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	stored := map[string]bool{}  // shown
	decided := map[string]bool{} // accepted, or superseded before the accept came (rejected, unseen)
	for _, e := range events {
		switch e.Kind {
		case telemetry.KindShown:
			stored[e.SuggestionID] = true
		case telemetry.KindAccepted, telemetry.KindRejected, telemetry.KindUnseen:
			decided[e.SuggestionID] = true
		}
	}
	r := kill9Result{rate: float64(sent) / elapsed.Seconds(), shown: len(shownAtKill), accepted: len(acceptedAtKill)}
	for id := range shownAtKill {
		if !stored[id] {
			r.lostShown++
		}
	}
	for id := range acceptedAtKill {
		if !decided[id] {
			r.lostAccepts++
		}
	}
	return r
}

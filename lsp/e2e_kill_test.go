package lsp_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/telemetry"
)

// TestKill9EventLoss measures the telemetry events a kill -9 costs at a
// sustained completion rate: requests answered (and accepts acknowledged)
// before the kill whose events never reached the database. A measurement,
// not a check, so it runs only when asked:
//
//	GHOSTLINE_KILL9=1 go test -run TestKill9EventLoss -v ./lsp/
func TestKill9EventLoss(t *testing.T) {
	if os.Getenv("GHOSTLINE_KILL9") == "" {
		t.Skip("a measurement: GHOSTLINE_KILL9=1 runs it")
	}
	const rate, seconds, docs = 650, 4, 26
	ol := lsptest.NewOllama()
	defer ol.Close()
	b := startBinary(t, map[string]any{
		"model":      map[string]any{"provider": "ollama", "endpoint": ol.URL()},
		"retrieval":  map[string]any{"enabled": false},
		"ranker":     map[string]any{"enabled": false},
		"telemetry":  map[string]any{"enabled": true},
		"completion": map[string]any{"debounceMs": 0},
	})
	var uris []string
	for i := range docs {
		uri := "file://" + filepath.Join(b.workspace, fmt.Sprintf("d%d.go", i))
		if err := b.DidOpen(b.ctx, uri, "go", source); err != nil {
			t.Fatal(err)
		}
		uris = append(uris, uri)
	}
	// Warm up: the database opens in the background; events wait for it.
	for _, uri := range uris {
		if _, err := b.InlineCompletion(b.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(3 * time.Second)
	var mu sync.Mutex
	shown := map[string]bool{}    // suggestion ids answered: each had its shown event recorded first
	accepted := map[string]bool{} // ids whose accept was acknowledged
	var wg sync.WaitGroup
	start := time.Now()
	sentN := 0
	for ; time.Since(start) < seconds*time.Second; sentN++ {
		// Paced by a schedule, not a ticker, which drops the ticks a
		// loaded machine makes it miss: a late request goes at once.
		time.Sleep(time.Until(start.Add(time.Duration(sentN) * time.Second / rate)))
		i := sentN
		// A new text each time, so that no answer comes from the cache.
		_ = b.DidChange(b.ctx, uris[i%docs], int32(i+2), lsptest.Insert(3, 5, "z"))
		p := b.GoInlineCompletion(b.ctx, uris[i%docs], 3, 6, lsp.TriggerInvoked)
		wg.Add(1)
		go func(accept bool) {
			defer wg.Done()
			var l lsp.InlineCompletionList
			if p.Wait(b.ctx, &l) != nil {
				return
			}
			if len(l.Items) == 1 {
				mu.Lock()
				shown[fmt.Sprint(l.Items[0].Command.Arguments[0])] = true
				mu.Unlock()
			}
			if accept && len(l.Items) == 1 && b.Accept(b.ctx, l.Items[0]) == nil {
				mu.Lock()
				accepted[fmt.Sprint(l.Items[0].Command.Arguments[0])] = true
				mu.Unlock()
			}
		}(i%10 == 0)
	}
	sent := time.Since(start)
	mu.Lock()
	answeredAtKill := make(map[string]bool, len(shown))
	for id := range shown {
		answeredAtKill[id] = true
	}
	mu.Unlock()
	acceptedAtKill := len(accepted)
	if err := syscall.Kill(b.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	db := filepath.Join(filepath.Dir(b.workspace), "data", "ghostline", "telemetry.db")
	st, err := telemetry.Open(context.Background(), db, telemetry.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, _, err := st.ReadAfter(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[telemetry.Kind]int64{}
	stored := map[string]bool{}  // shown
	decided := map[string]bool{} // accepted, or superseded before the accept came (rejected, unseen)
	for _, e := range events {
		kinds[e.Kind]++
		switch e.Kind {
		case telemetry.KindShown:
			stored[e.SuggestionID] = true
		case telemetry.KindAccepted, telemetry.KindRejected, telemetry.KindUnseen:
			decided[e.SuggestionID] = true
		}
	}
	var lostShown int64
	for id := range answeredAtKill {
		if !stored[id] {
			lostShown++
		}
	}
	var lostAcc int
	for id := range accepted {
		if !decided[id] {
			lostAcc++
		}
	}
	t.Logf("%.0f completions/s for %v (%d sent): %d suggestions shown before the kill, %d of their shown events lost (%.1f%%); %d accepts acknowledged (%d accepted events stored, the rest superseded first): %d with no decision stored; %d events stored in all",
		float64(sentN)/sent.Seconds(), sent.Round(time.Millisecond), sentN, len(answeredAtKill), lostShown,
		100*float64(lostShown)/float64(max(len(answeredAtKill), 1)), acceptedAtKill, kinds[telemetry.KindAccepted], lostAcc, len(events))
	for _, l := range strings.Split(b.Stderr(), "\n") {
		if strings.Contains(l, "telemetry") {
			t.Log(l)
		}
	}
}

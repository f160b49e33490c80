//go:build ollama

package lsp_test

// The whole path against a real Ollama server (`make test-ollama`): the
// real binary over stdio, a real `ollama serve` with the tiny generated
// model, post-processing, the LSP answer. The model's text is random: the
// test checks that it flows through, never what it says.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model/ollamatest"
)

func TestServeRealOllama(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv, err := ollamatest.StartTiny(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	settings := settingsFor(srv.URL(), 30000)
	m := settings["model"].(map[string]any)
	m["name"] = ollamatest.TinyModel
	m["maxTokens"] = 24
	m["temperature"] = 1
	b := startWithOllama(t, settings)
	uri := b.uri()
	if err := b.DidOpen(b.ctx, uri, "go", source); err != nil {
		t.Fatal(err)
	}

	// complete types a few characters no suggestion starts with (so no
	// cached or typed-through answer applies) and asks there.
	col, version := uint32(5), int32(1)
	complete := func() []lsp.InlineCompletionItem {
		t.Helper()
		version++
		typed := fmt.Sprintf("zq%d", version)
		if err := b.DidChange(b.ctx, uri, version, lsptest.Insert(3, col, typed)); err != nil {
			t.Fatal(err)
		}
		col += uint32(len(typed))
		list, err := b.InlineCompletion(b.ctx, uri, 3, col, lsp.TriggerInvoked)
		if err != nil {
			t.Fatalf("inlineCompletion: %v", err)
		}
		return list.Items
	}
	// generates waits for Ollama's log to show at least n generate
	// requests (it logs a request after answering it, through a pipe read
	// concurrently) and returns how many it shows.
	generates := func(n int) int {
		deadline := time.Now().Add(10 * time.Second)
		for {
			got := strings.Count(srv.Logs(), `"/api/generate"`)
			if got >= n || time.Now().After(deadline) {
				return got
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	shown := 0
	for range 5 {
		shown += len(complete())
	}
	if n := generates(5); n < 5 {
		t.Errorf("ollama served %d generate requests, want 5 (one per completion):\n%s", n, tail(srv.Logs()))
	}
	st, err := b.Status(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Model != ollamatest.TinyModel {
		t.Errorf("status model %q, want %q", st.Model, ollamatest.TinyModel)
	}
	t.Logf("%d of 5 random generations survived post-processing; last latency %.1f ms", shown, st.LastLatencyMs)

	// The server restarts mid-session: the next completion works again.
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	before := generates(0)
	complete()
	if generates(before+1) <= before {
		t.Errorf("no generate request reached the restarted server; messages %+v", b.ShowMessages())
	}

	// The server goes away: an explicit provider answers with nothing, and
	// the session stays up.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if items := complete(); len(items) != 0 {
		t.Errorf("with the server down: %d items, want none", len(items))
	}
	if _, err := b.Status(b.ctx); err != nil {
		t.Errorf("session after the outage: %v", err)
	}
	if msgs := b.ShowMessages(); len(msgs) == 0 {
		t.Errorf("no message told the user the model server is down")
	}
	if err := b.Shutdown(b.ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

package lsp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

// A model server that fails in any of the ways servers do costs each
// completion at most about model.timeoutMs, never ends the session, and
// one that hangs, trickles or drops connections is replaced by the
// built-in model after at most two tries, with one message.
func TestModelServerFaults(t *testing.T) {
	const timeoutMs = 500
	tests := []struct {
		name     string
		setup    func(ol *lsptest.Ollama)
		fallback bool // the built-in model takes over
	}{
		{"hang", func(ol *lsptest.Ollama) { ol.SetMode(lsptest.OllamaSlow); ol.SetDelay(time.Hour) }, true},
		{"trickle", func(ol *lsptest.Ollama) { ol.SetMode(lsptest.OllamaTrickle); ol.SetDelay(50 * time.Second) }, true},
		{"garbage", func(ol *lsptest.Ollama) { ol.SetMode(lsptest.OllamaGarbage) }, false},
		{"100 MB", func(ol *lsptest.Ollama) { ol.SetMode(lsptest.OllamaHuge) }, false},
		{"close mid-stream", func(ol *lsptest.Ollama) { ol.SetMode(lsptest.OllamaCloseMidStream) }, false}, // a bad answer, quick, told once
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ol := lsptest.NewOllama()
			defer ol.Close()
			tt.setup(ol)
			settings := settingsFor(ol.URL(), timeoutMs)
			settings["model"] = map[string]any{"provider": "auto", "endpoint": ol.URL(), "timeoutMs": timeoutMs}
			b := startWithOllama(t, settings)
			uri := b.uri()
			_ = b.DidOpen(b.ctx, uri, "go", source)
			var worst time.Duration
			for i := range 4 {
				_ = b.DidChange(b.ctx, uri, int32(i+2), lsptest.Insert(3, uint32(5+i), "P"))
				start := time.Now()
				if _, err := b.InlineCompletion(b.ctx, uri, 3, uint32(6+i), lsp.TriggerInvoked); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				worst = max(worst, time.Since(start))
			}
			st, err := b.Status(b.ctx)
			if err != nil {
				t.Fatalf("status after the faults: %v", err)
			}
			msgs := b.ShowMessages()
			t.Logf("%s: worst completion %v, model now %q, %d message(s), %d model requests", tt.name, worst.Round(time.Millisecond), st.Model, len(msgs), len(ol.Generates()))
			if worst > timeoutMs*time.Millisecond+2*time.Second {
				t.Errorf("worst completion took %v with model.timeoutMs %d", worst, timeoutMs)
			}
			if len(msgs) != 1 {
				t.Errorf("messages = %+v, want one", msgs)
			}
			if tt.fallback {
				if !strings.Contains(st.Model, "builtin") || !strings.Contains(messagesText(msgs), "built-in model") {
					t.Errorf("model in use %q, messages %+v: want the built-in model, said once", st.Model, msgs)
				}
				if n := len(ol.Generates()); n > 2 {
					t.Errorf("%d requests to a failing server, want at most 2", n)
				}
			}
			if err := b.Shutdown(b.ctx); err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
}

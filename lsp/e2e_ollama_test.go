package lsp_test

// End-to-end tests against a model server: the real binary with an
// in-process Ollama (lsptest.Ollama) behind it.

import (
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

// settingsFor points the binary at ollama, with a model timeout and the
// stages that would add noise off.
func settingsFor(ollamaURL string, timeoutMs int) map[string]any {
	return map[string]any{
		"model":      map[string]any{"provider": "ollama", "endpoint": ollamaURL, "timeoutMs": timeoutMs},
		"retrieval":  map[string]any{"enabled": false},
		"ranker":     map[string]any{"enabled": false},
		"telemetry":  map[string]any{"enabled": false},
		"completion": map[string]any{"debounceMs": 0},
	}
}

// startWithOllama starts the binary and initializes it with settings. Until
// the engine offers model.provider "ollama" these tests skip, naming why.
func startWithOllama(t *testing.T, settings map[string]any) *binary {
	t.Helper()
	b := startBinary(t, nil)
	_, err := b.Initialize(b.ctx, lsptest.InitOptions{RootURI: "file://" + b.workspace, Settings: settings})
	if err != nil && strings.Contains(err.Error(), `model.provider "ollama"`) {
		t.Skipf("the engine does not offer the Ollama backend yet: %v", err)
	}
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return b
}

func TestServeEndToEnd(t *testing.T) {
	ol := lsptest.NewOllama()
	defer ol.Close()
	b := startWithOllama(t, settingsFor(ol.URL(), 3000))
	uri := b.uri()
	if err := b.DidOpen(b.ctx, uri, "go", source); err != nil {
		t.Fatal(err)
	}
	if err := b.DidChange(b.ctx, uri, 2, lsptest.Insert(3, 5, "Pr")); err != nil {
		t.Fatal(err)
	}
	ol.SetReply(func(lsptest.GenerateRequest) string { return "intln(\"hello\")" })
	list, err := b.InlineCompletion(b.ctx, uri, 3, 7, lsp.TriggerAutomatic)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].InsertText != "intln(\"hello\")" {
		t.Fatalf("items = %+v", list.Items)
	}
	gen := ol.Generates()
	// The raw FIM prompt of the model's family, as `ghostline context` prints it.
	if len(gen) != 1 || !gen[0].Raw || !strings.HasPrefix(gen[0].Prompt, "<|fim_prefix|>") ||
		!strings.HasSuffix(gen[0].Prompt, "fmt.Pr<|fim_suffix|>\n}\n<|fim_middle|>") {
		t.Errorf("model request = %+v", gen)
	}
	id := list.Items[0].Command.Arguments[0]

	// Typed-through: "in" matches the suggestion; the model is not asked.
	_ = b.DidChange(b.ctx, uri, 3, lsptest.Insert(3, 7, "in"))
	list, err = b.InlineCompletion(b.ctx, uri, 3, 9, lsp.TriggerAutomatic)
	if err != nil || len(list.Items) != 1 || list.Items[0].InsertText != "tln(\"hello\")" || list.Items[0].Command.Arguments[0] != id {
		t.Fatalf("typed through: %v %+v", err, list.Items)
	}
	if n := len(ol.Generates()); n != 1 {
		t.Errorf("typed through: %d model calls, want 1", n)
	}
	if err := b.Accept(b.ctx, list.Items[0]); err != nil {
		t.Fatalf("accept: %v", err)
	}

	// Cancel: the model is slow; $/cancelRequest answers -32800.
	ol.SetMode(lsptest.OllamaSlow)
	_ = b.DidChange(b.ctx, uri, 4, lsptest.Insert(3, 9, "X"))
	p := b.GoInlineCompletion(b.ctx, uri, 3, 10, lsp.TriggerInvoked)
	waitGenerates(t, ol, 2)
	_ = b.Cancel(b.ctx, p)
	if err := p.Wait(b.ctx, nil); rpcCode(err) != lsp.CodeRequestCancelled {
		t.Errorf("cancel: %v, want RequestCancelled", err)
	}

	// Supersede: a newer request for the document cancels the older one.
	older := b.GoInlineCompletion(b.ctx, uri, 3, 10, lsp.TriggerInvoked)
	waitGenerates(t, ol, 3)
	ol.SetMode(lsptest.OllamaOK)
	if _, err := b.InlineCompletion(b.ctx, uri, 3, 10, lsp.TriggerInvoked); err != nil {
		t.Errorf("newer request: %v", err)
	}
	if err := older.Wait(b.ctx, nil); rpcCode(err) != lsp.CodeRequestCancelled {
		t.Errorf("superseded: %v, want RequestCancelled", err)
	}
	if msgs := b.ShowMessages(); len(msgs) != 0 {
		t.Errorf("messages in a healthy session: %+v", msgs)
	}
	if err := b.Shutdown(b.ctx); err != nil {
		t.Errorf("shutdown and exit: %v (want exit status 0)", err)
	}
}

func waitGenerates(t *testing.T, ol *lsptest.Ollama, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(ol.Generates()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the model got %d requests, want %d", len(ol.Generates()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A failing model server gives empty answers and one message, not one per keystroke.
func TestServeModelFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(ol *lsptest.Ollama) string // returns the endpoint
		want  string                          // in the message
	}{
		{"down", func(ol *lsptest.Ollama) string { ol.Close(); return ol.URL() }, "To fix: start Ollama: ollama serve"},
		{"slow", func(ol *lsptest.Ollama) string { ol.SetMode(lsptest.OllamaSlow); return ol.URL() }, "model.timeoutMs"},
		{"http 500", func(ol *lsptest.Ollama) string { ol.SetMode(lsptest.OllamaHTTPError); return ol.URL() }, "bad response"},
		{"malformed stream", func(ol *lsptest.Ollama) string { ol.SetMode(lsptest.OllamaMalformed); return ol.URL() }, "bad response"},
		{"model not pulled", func(ol *lsptest.Ollama) string { ol.SetMode(lsptest.OllamaNotFound); return ol.URL() }, "To fix: ollama pull"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ol := lsptest.NewOllama()
			defer ol.Close()
			endpoint := tt.setup(ol)
			b := startWithOllama(t, settingsFor(endpoint, 400))
			uri := b.uri()
			_ = b.DidOpen(b.ctx, uri, "go", source)
			for i := range 3 {
				_ = b.DidChange(b.ctx, uri, int32(i+2), lsptest.Insert(3, uint32(5+i), "P"))
				list, err := b.InlineCompletion(b.ctx, uri, 3, uint32(6+i), lsp.TriggerAutomatic)
				if err != nil || len(list.Items) != 0 {
					t.Fatalf("request %d: %v %+v, want no items", i, err, list.Items)
				}
			}
			msgs := b.ShowMessages()
			if len(msgs) != 1 || !strings.Contains(msgs[0].Message, tt.want) {
				t.Errorf("messages = %+v, want exactly one mentioning %q", msgs, tt.want)
			}
			if err := b.Shutdown(b.ctx); err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
}

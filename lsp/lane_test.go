package lsp_test

import (
	"context"
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model"
)

// A document of megabytes is decoded off the read loop; what follows it on
// that document (an edit, a request, an accept then a whole-text change)
// still applies in order, and a request on another document is answered.
func TestLargeDocumentInOrder(t *testing.T) {
	h := start(t, setup{settings: map[string]any{"completion": map[string]any{"debounceMs": 0, "maxFileBytes": 8 << 20}}})
	if err := h.DidOpen(h.ctx, uri, "go", source); err != nil {
		t.Fatal(err)
	}
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		return model.Result{Text: "Println()"}, nil
	})
	bigURI := "file:///ws/big.go"
	text := "package big\n\n" + strings.Repeat("var x = \"é\" // a line of a large generated file\n", (2<<20)/48)
	if err := h.DidOpen(h.ctx, bigURI, "go", text); err != nil {
		t.Fatal(err)
	}
	if err := h.DidChange(h.ctx, bigURI, 2, lsptest.Insert(0, 0, "// MARK\n")); err != nil {
		t.Fatal(err)
	}
	other := h.GoInlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	if _, err := h.InlineCompletion(h.ctx, bigURI, 1, 0, lsp.TriggerInvoked); err != nil {
		t.Fatal(err)
	}
	if p := h.model.last.Prefix; p != "// MARK\n" && !strings.HasSuffix(p, "\n// MARK\n") {
		t.Errorf("the edit after a large didOpen was not applied first: prefix ends %q", p[max(0, len(p)-40):])
	}
	var l lsp.InlineCompletionList
	if err := other.Wait(h.ctx, &l); err != nil || len(l.Items) != 1 {
		t.Errorf("request on another document: %v %+v", err, l)
	}
	acceptThenReplace(t, h, bigURI, text, protocol.Position{Line: 2, Character: 0}, 3, 5)
}

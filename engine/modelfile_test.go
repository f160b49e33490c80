package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/pipeline"
)

// The built-in model learnt on the first start is restored on the next,
// which reads only the files changed since; the restored model completes
// as the first did, and an edit reaches it.
func TestBuiltinModelPersistsBesideTheIndex(t *testing.T) {
	root := repo(t)
	s := settings(t, "builtin")
	complete := func(e *Engine, text string) pipeline.Result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return e.Complete(ctx, pipeline.Request{Path: filepath.Join(root, "order.go"), Language: "go", Text: text, Offset: len(text), Invoked: true})
	}
	call := "package shop\n\nfunc orderTotal(c int) int {\n\treturn apply"

	first, _, _ := openReady(t, root, s)
	want := complete(first, call)
	mf, ok := first.ModelFile()
	if !ok || mf.Loaded || mf.Relearnt != 3 || mf.Files != 3 {
		t.Errorf("first start: %+v, want 3 files learnt, none restored", mf)
	}
	first.Close()
	if _, err := os.Stat(filepath.Join(s.Retrieval.IndexDir, modelFileName)); err != nil {
		t.Fatalf("no snapshot beside the index: %v", err)
	}

	second, _, _ := openReady(t, root, s)
	mf, _ = second.ModelFile()
	if !mf.Loaded || mf.Relearnt != 0 || mf.Files != 3 {
		t.Errorf("second start: %+v, want the snapshot restored and nothing relearnt", mf)
	}
	if got := complete(second, call); got.Suggestion != want.Suggestion || got.Outcome != want.Outcome {
		t.Errorf("restored model: %q (%s), first: %q (%s)", got.Suggestion, got.Outcome, want.Suggestion, want.Outcome)
	}
	second.Close()

	// A file changed while nothing ran: relearnt, and its new name known.
	src := "package shop\n\nfunc shippingFee(weight int) int {\n\treturn weight * 3\n}\n"
	if err := os.WriteFile(filepath.Join(root, "price.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	third, _, _ := openReady(t, root, s)
	mf, _ = third.ModelFile()
	if !mf.Loaded || mf.Relearnt != 1 {
		t.Errorf("after an edit: %+v, want 1 file relearnt", mf)
	}
	if got := complete(third, "package shop\n\nfunc fee(w int) int {\n\treturn shipping"); !strings.HasPrefix(got.Suggestion, "Fee(") {
		t.Errorf("the edited file's function is not known: %q", got.Suggestion)
	}

	// A snapshot from another version is not used: everything is relearnt.
	third.Close()
	if err := os.WriteFile(filepath.Join(s.Retrieval.IndexDir, modelFileName), []byte("ghostline-builtin-model\n\x63"), 0o600); err != nil {
		t.Fatal(err)
	}
	fourth, _, _ := openReady(t, root, s)
	if mf, _ := fourth.ModelFile(); mf.Loaded || mf.Relearnt != 3 {
		t.Errorf("with a bad snapshot: %+v, want all 3 files relearnt", mf)
	}
}

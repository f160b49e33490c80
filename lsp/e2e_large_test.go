package lsp_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

// rssMB is the resident memory of process pid, in MB.
func rssMB(t *testing.T, pid int) float64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// A document over completion.maxFileBytes is kept as text only: opening it
// does not hold up the next message for long, and closing it gives the
// memory back.
func TestLargeDocumentMemory(t *testing.T) {
	settings := builtinSettings()
	settings["completion"] = map[string]any{"debounceMs": 0, "maxFileBytes": 1 << 20}
	b := startBinary(t, settings)
	uri := b.uri()
	if err := b.DidOpen(b.ctx, uri, "go", source); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Status(b.ctx); err != nil {
		t.Fatal(err)
	}
	base := rssMB(t, b.Pid())
	size := 12 << 20
	if mb, err := strconv.Atoi(os.Getenv("GHOSTLINE_LARGE_MB")); err == nil && mb > 0 {
		size = mb << 20 // to measure a larger document by hand
	}
	big := strings.Repeat("\tx := \"é\" // a line of a large generated file\n", size/48)
	bigURI := strings.TrimSuffix(uri, "main.go") + "big.go"
	start := time.Now()
	if err := b.DidOpen(b.ctx, bigURI, "go", big); err != nil {
		t.Fatal(err)
	}
	sent := time.Now() // the client's encoding and the transfer are done
	if _, err := b.Status(b.ctx); err != nil {
		t.Fatal(err)
	}
	blocked := time.Since(sent)
	// A request on the large document waits for it to be decoded.
	if l, err := b.InlineCompletion(b.ctx, bigURI, 1, 0, lsp.TriggerInvoked); err != nil || len(l.Items) != 0 {
		t.Fatalf("completion in a document over maxFileBytes: %v %+v", err, l)
	}
	applied := time.Since(sent)
	peak := rssMB(t, b.Pid())
	_ = b.DidChange(b.ctx, bigURI, 2, lsptest.Insert(1, 0, "y"))
	if err := b.DidClose(b.ctx, bigURI); err != nil {
		t.Fatal(err)
	}
	if _, err := b.InlineCompletion(b.ctx, bigURI, 1, 0, lsp.TriggerInvoked); err == nil {
		t.Fatal("completion in a closed document answered")
	}
	var after float64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if after = rssMB(t, b.Pid()); after < base+float64(2*size>>20) {
			break
		}
	}
	t.Logf("%d MB didOpen: sent in %v, next answer %v after, open %v after; RSS %.0f MB before, %.0f MB open, %.0f MB after close", size>>20, sent.Sub(start).Round(time.Millisecond), blocked.Round(time.Millisecond), applied.Round(time.Millisecond), base, peak, after)
	if after > base+float64(2*size>>20) {
		t.Errorf("RSS after closing a %d MB document: %.0f MB, was %.0f MB before", size>>20, after, base)
	}
}

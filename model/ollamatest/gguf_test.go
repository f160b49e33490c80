package ollamatest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ollama/ollama/fs/ggml"
)

// The tiny model reads back as the llama model Ollama loads; the real
// loading is checked by the `ollama`-tagged suite.
func TestWriteTinyGGUF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := WriteTinyGGUF(path, 1); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ggml.Decode(f, -1)
	if err != nil {
		t.Fatal(err)
	}
	kv := g.KV()
	if kv.Architecture() != "llama" || kv.Uint("embedding_length") != tinyEmbd || kv.Uint("block_count") != 1 {
		t.Errorf("kv %v", kv)
	}
	toks := kv.Strings("tokenizer.ggml.tokens")
	if len(toks) != 256+len(specialTokens) || toks[' '] != "Ġ" || toks['\n'] != "Ċ" || toks['a'] != "a" || toks[256] != "<|endoftext|>" {
		t.Errorf("tokens: %d, space %q, newline %q", len(toks), toks[' '], toks['\n'])
	}
	if n := len(g.Tensors().Items()); n != 12 {
		t.Errorf("%d tensors, want 12", n)
	}
	fi, _ := f.Stat()
	if fi.Size() > 200<<10 {
		t.Errorf("size %d", fi.Size())
	}
}

func TestCacheSlots(t *testing.T) {
	log := `time=2026-12-02T09:00:00.000Z level=DEBUG source=cache.go:104 msg="loading cache slot" id=0 cache=0 prompt=4415 used=0 remaining=4415
time=2026-12-02T09:00:01.000Z level=INFO source=server.go:1 msg="llama runner started"
time=2026-12-02T09:00:02.000Z level=DEBUG source=cache.go:104 msg="loading cache slot" id=0 cache=4430 prompt=4422 used=4415 remaining=7
`
	got := CacheSlots(log)
	want := []CacheSlot{{4415, 0, 4415}, {4422, 4415, 7}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %v, want %v", got, want)
	}
}

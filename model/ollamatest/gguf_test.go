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

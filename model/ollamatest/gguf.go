package ollamatest

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/ollama/ollama/fs/ggml"
)

// Tokens of the tiny model after its 256 byte tokens: an end-of-text token
// and Qwen2.5-Coder's FIM specials, so FIM templates and raw FIM prompts
// tokenize to single tokens as they do on a real code model.
var specialTokens = []string{
	"<|endoftext|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|file_sep|>", "<|repo_name|>",
}

const (
	tinyEmbd = 32
	tinyFF   = 64
	tinyHead = 4
)

// WriteTinyGGUF writes a random-weight llama-architecture model of about
// 120 KB to path: one layer, 32-dimensional, F32, with a GPT-2 byte-level
// tokenizer (the 256 byte tokens plus specialTokens). Its output is
// gibberish, but it is biased to printable ASCII with a line end about one
// token in ten and never emits a special token, so streams are non-empty,
// readable, and single-line requests do stop. seed makes it reproducible.
func WriteTinyGGUF(path string, seed uint64) error {
	return WriteTinyGGUFWithout(path, seed)
}

// WriteTinyGGUFWithout writes the tiny model without the named tensors: a
// file Ollama imports but cannot load.
func WriteTinyGGUFWithout(path string, seed uint64, omit ...string) error {
	vocab := byteTokens()
	vocab = append(vocab, specialTokens...)
	types := make([]int32, len(vocab))
	for i := range types {
		types[i] = 1 // normal
		if i >= 256 {
			types[i] = 3 // control
		}
	}
	kv := ggml.KV{
		"general.architecture":                   "llama",
		"general.name":                           "ghostline-tiny",
		"general.file_type":                      uint32(0), // all F32
		"general.alignment":                      uint32(32),
		"llama.context_length":                   uint32(4096),
		"llama.embedding_length":                 uint32(tinyEmbd),
		"llama.block_count":                      uint32(1),
		"llama.feed_forward_length":              uint32(tinyFF),
		"llama.attention.head_count":             uint32(tinyHead),
		"llama.attention.head_count_kv":          uint32(tinyHead),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5),
		"llama.rope.dimension_count":             uint32(tinyEmbd / tinyHead),
		"llama.rope.freq_base":                   float32(10000),
		"llama.vocab_size":                       uint32(len(vocab)),
		"tokenizer.ggml.model":                   "gpt2",
		"tokenizer.ggml.pre":                     "default",
		"tokenizer.ggml.tokens":                  vocab,
		"tokenizer.ggml.token_type":              types,
		"tokenizer.ggml.merges":                  []string{"Ġ Ġ"},
		"tokenizer.ggml.bos_token_id":            uint32(256),
		"tokenizer.ggml.eos_token_id":            uint32(256),
		"tokenizer.ggml.padding_token_id":        uint32(260),
		"tokenizer.ggml.add_bos_token":           false,
		"tokenizer.ggml.add_eos_token":           false,
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := uint64(len(vocab))
	normal := func(scale float64) func(int) float32 {
		return func(int) float32 { return float32(r.NormFloat64() * scale) }
	}
	ones := func(int) float32 { return 1 }
	ts := []*ggml.Tensor{
		tensor("token_embd.weight", []uint64{tinyEmbd, n}, func(i int) float32 {
			// Dimension 0 is a constant 1: after normalisation it dominates
			// the hidden state, so column 0 of output.weight acts as a
			// per-token bias (see outputBias).
			if i%tinyEmbd == 0 {
				return 1
			}
			return float32(r.NormFloat64() * 0.02)
		}),
		tensor("blk.0.attn_norm.weight", []uint64{tinyEmbd}, ones),
		tensor("blk.0.attn_q.weight", []uint64{tinyEmbd, tinyEmbd}, normal(0.02)),
		tensor("blk.0.attn_k.weight", []uint64{tinyEmbd, tinyEmbd}, normal(0.02)),
		tensor("blk.0.attn_v.weight", []uint64{tinyEmbd, tinyEmbd}, normal(0.02)),
		tensor("blk.0.attn_output.weight", []uint64{tinyEmbd, tinyEmbd}, normal(0.02)),
		tensor("blk.0.ffn_norm.weight", []uint64{tinyEmbd}, ones),
		tensor("blk.0.ffn_gate.weight", []uint64{tinyEmbd, tinyFF}, normal(0.02)),
		tensor("blk.0.ffn_up.weight", []uint64{tinyEmbd, tinyFF}, normal(0.02)),
		tensor("blk.0.ffn_down.weight", []uint64{tinyFF, tinyEmbd}, normal(0.02)),
		tensor("output_norm.weight", []uint64{tinyEmbd}, ones),
		tensor("output.weight", []uint64{tinyEmbd, n}, func(i int) float32 {
			if i%tinyEmbd == 0 {
				return outputBias(i / tinyEmbd)
			}
			return float32(r.NormFloat64())
		}),
	}
	ts = slices.DeleteFunc(ts, func(t *ggml.Tensor) bool { return slices.Contains(omit, t.Name) })
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ggml.WriteGGUF(f, kv, ts); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// outputBias is the weight on the constant hidden dimension (about 5.7 after
// normalisation) for token id: printable ASCII likely, '\n' likelier, bytes
// that would make invalid UTF-8 and all special tokens practically never.
func outputBias(id int) float32 {
	switch {
	case id == '\n':
		return 0.95
	case id == '\t' || (id >= 32 && id < 127):
		return 0.55
	default:
		return -1.5
	}
}

// tensor is an F32 tensor whose i-th element (in file order) is at(i).
func tensor(name string, shape []uint64, at func(int) float32) *ggml.Tensor {
	n := 1
	for _, d := range shape {
		n *= int(d)
	}
	data := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(at(i)))
	}
	return &ggml.Tensor{Name: name, Kind: 0, Shape: shape, WriterTo: bytesWriter(data)}
}

type bytesWriter []byte

func (b bytesWriter) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(b)
	return int64(n), err
}

// byteTokens are GPT-2's byte-level tokens: token i is byte i, spelled with
// the printable stand-in characters of GPT-2's bytes_to_unicode table.
func byteTokens() []string {
	var printable []int
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			printable = append(printable, b)
		}
	}
	isPrintable := make(map[int]bool, len(printable))
	for _, b := range printable {
		isPrintable[b] = true
	}
	out := make([]string, 256)
	next := 256
	for b := 0; b < 256; b++ {
		if isPrintable[b] {
			out[b] = string(rune(b))
		} else {
			out[b] = string(rune(next))
			next++
		}
	}
	return out
}

package model

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/ghostline/ghostline/internal/golden"
)

// Each family's prompt as the model sees it, in testdata/fim/FAMILY.txtar:
// the comment says where the family's format is documented, the files
// prefix and suffix are the assembled prompt's, and "want" is the
// rendered string (go test -run TestFIMGolden -update rewrites it).
func TestFIMGolden(t *testing.T) {
	seen := map[string]bool{}
	golden.Run(t, "testdata/fim/*.txtar", func(t *testing.T, ar *txtar.Archive) map[string]string {
		fam := strings.TrimSuffix(t.Name()[strings.LastIndexByte(t.Name(), '/')+1:], ".txtar")
		seen[fam] = true
		f, ok, err := LookupFIM("", fam)
		if err != nil || !ok {
			t.Fatalf("family %s: %v", fam, err)
		}
		if len(f.Stop) == 0 {
			t.Error("no stop tokens")
		}
		prefix, _ := golden.Section(ar, "prefix")
		suffix, _ := golden.Section(ar, "suffix")
		return map[string]string{"want": f.Prompt(prefix, suffix)}
	})
	for _, fam := range Families() {
		if !seen[fam] {
			t.Errorf("no golden prompt for family %s", fam)
		}
	}
}

func TestLookupFIMByName(t *testing.T) {
	for name, want := range map[string]string{
		"qwen2.5-coder:1.5b-base":                   "qwen",
		"hf.co/Qwen/Qwen2.5-Coder-7B-Instruct-GGUF": "qwen",
		"codellama:7b-code":                         "codellama",
		"starcoder2:3b":                             "starcoder",
		"deepseek-coder:6.7b-base":                  "deepseek",
		"deepseek-coder-v2:16b":                     "deepseek",
		"codegemma:2b-code":                         "codegemma",
		"codestral:22b":                             "codestral",
		"granite-code:3b-base":                      "granite",
		"library/llama3:8b":                         "",
		"starcoder-mirror/llama3":                   "",
	} {
		f, ok, err := LookupFIM(name, "")
		if err != nil || ok != (want != "") || f.Family != want {
			t.Errorf("%s: family %q (ok %v, %v), want %q", name, f.Family, ok, err, want)
		}
	}
	if f, _, err := LookupFIM("anything", "Qwen2.5-Coder"); err != nil || f.Family != "qwen" {
		t.Errorf("override by model name: %q %v", f.Family, err)
	}
	if _, _, err := LookupFIM("qwen2.5-coder", "gpt"); err == nil {
		t.Error("unknown override accepted")
	}
}

package model

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Each family's raw FIM prompt for the same cursor, checked against
// testdata/fim/<family>.golden (go test -run TestFIMGolden -update rewrites them).
func TestFIMGolden(t *testing.T) {
	const prefix, suffix = "def add(a, b):\n    ", "\n\nprint(add(1, 2))\n"
	for _, fam := range Families() {
		t.Run(fam, func(t *testing.T) {
			f, ok, err := LookupFIM("", fam)
			if err != nil || !ok {
				t.Fatalf("family %s: %v", fam, err)
			}
			got := f.Prompt(prefix, suffix)
			path := filepath.Join("testdata", "fim", fam+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("prompt\n%q\nwant\n%q", got, want)
			}
			if len(f.Stop) == 0 {
				t.Error("no stop tokens")
			}
		})
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

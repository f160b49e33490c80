package postprocess

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Each testdata/*.txtar is one case: a comment (its first line describes
// it; "single" and "stop: X" lines set Options) and the files prefix,
// suffix, raw and want. Each file's final newline is not part of it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var o Options
			for _, l := range strings.Split(string(ar.Comment), "\n") {
				switch {
				case l == "single":
					o.SingleLine = true
				case strings.HasPrefix(l, "stop: "):
					o.Stop = append(o.Stop, strings.TrimPrefix(l, "stop: "))
				}
			}
			sec := map[string]string{}
			for _, fl := range ar.Files {
				sec[fl.Name] = strings.TrimSuffix(string(fl.Data), "\n")
			}
			for _, name := range []string{"prefix", "suffix", "raw", "want"} {
				if _, ok := sec[name]; !ok {
					t.Fatalf("missing section %q", name)
				}
			}
			if got := Clean(sec["raw"], sec["prefix"], sec["suffix"], o); got != sec["want"] {
				t.Errorf("%s\nClean(%q) = %q, want %q", strings.SplitN(string(ar.Comment), "\n", 2)[0], sec["raw"], got, sec["want"])
			}
		})
	}
}

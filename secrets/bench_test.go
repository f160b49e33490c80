package secrets

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// corpus reads up to n bytes of Go files from the standard library's net
// tree: code nobody tuned the rules on.
func corpus(tb testing.TB, n int) []string {
	var out []string
	total := 0
	root := filepath.Join(runtime.GOROOT(), "src", "net")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || total >= n {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil {
			out = append(out, string(b))
			total += len(b)
		}
		return nil
	})
	if total == 0 {
		tb.Skip("no Go sources under GOROOT")
	}
	return out
}

// BenchmarkRedact: the cost of the rules per byte of source (the index
// pays it once per file, the pipeline once per prompt), and how many
// values they redact per MB of ordinary code (false positives, mostly).
func BenchmarkRedact(b *testing.B) {
	files := corpus(b, 4<<20)
	size, found := 0, 0
	for _, f := range files {
		size += len(f)
		_, n := Default().Redact(f)
		found += n
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for range b.N {
		for _, f := range files {
			Default().Redact(f)
		}
	}
	b.ReportMetric(float64(found)/(float64(size)/(1<<20)), "redactions/MB")
}

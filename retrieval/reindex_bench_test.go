package retrieval

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
)

// BenchmarkReindex times UpdateNow on large files of the Go standard
// library after a comment is added at the end of a line, or on a line of
// its own (every later window moves), with the default window and stride.
func BenchmarkReindex(b *testing.B) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skip("no go toolchain:", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src")
	root := b.TempDir()
	var texts []string
	var rels []string
	for _, rel := range []string{"net/http/serve_test.go", "net/http/transport.go", "go/types/expr.go", "fmt/print.go"} {
		body, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			b.Skip("no standard library source:", err)
		}
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(rel)), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, rel), body, 0o644); err != nil {
			b.Fatal(err)
		}
		texts, rels = append(texts, string(body)), append(rels, rel)
	}
	c := config.Defaults().Retrieval
	c.IndexDir = b.TempDir()
	x, err := Open(context.Background(), root, c, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	if err := x.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
	for _, edit := range []struct{ name, insert string }{
		{"same-lines", " // edited"},
		{"new-line", "\n// edited"},
	} {
		b.Run(edit.name, func(b *testing.B) { benchEdits(b, x, rels, texts, edit.insert) })
	}
}

// benchEdits inserts insert at the end of a line of one of the files,
// re-indexes, and puts the file back, b.N times.
func benchEdits(b *testing.B, x *Index, rels, texts []string, insert string) {
	ctx := context.Background()
	var ds []time.Duration
	for i := 0; i < b.N; i++ {
		k := i % len(texts)
		text := texts[k]
		off := (i * 7919) % len(text) // spread over the file
		at := off + max(strings.IndexByte(text[off:], '\n'), 0)
		edited := text[:at] + insert + text[at:]
		t := time.Now()
		if err := x.UpdateNow(ctx, rels[k], edited); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
		if err := x.UpdateNow(ctx, rels[k], text); err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
}

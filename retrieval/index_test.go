package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"

	"github.com/ghostline/ghostline/lang"
)

// copyRepo copies testdata/repo into a temporary directory.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/repo", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("testdata/repo", p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeTree(t, dst, map[string]string{filepath.ToSlash(rel): string(b)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func testConfig(t *testing.T) config.Retrieval {
	c := config.Defaults().Retrieval
	c.IndexDir = t.TempDir()
	c.WindowLines, c.StrideLines = 6, 3
	return c
}

func openWait(t *testing.T, root string, c config.Retrieval, o Options) *Index {
	t.Helper()
	x, err := Open(context.Background(), root, c, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := x.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	return x
}

// cursor returns a query at the end of the first line of rel containing marker.
func cursor(t *testing.T, root, rel, marker string) Query {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), marker)
	if i < 0 {
		t.Fatalf("%s has no %q", rel, marker)
	}
	return Query{Path: filepath.Join(root, rel), Language: lang.Of(rel), Text: string(b), Offset: i + len(marker), Budget: 400}
}

func TestAssemble(t *testing.T) {
	root := copyRepo(t)
	seen := map[string]bool{}
	x := openWait(t, root, testConfig(t), Options{OnFile: func(p string, _ []byte) { seen[p] = true }})
	defer x.Close()
	if st := x.Stats(); st.Files != 5 || !st.Writer || st.Indexed != 5 {
		t.Fatalf("stats %+v, want 5 files indexed by the writer", st)
	}
	if len(seen) != 5 || seen[".env.example_should_skip"] {
		t.Errorf("OnFile saw %v", seen)
	}
	q := cursor(t, root, "api/handler.go", "u, err := h.Store.")
	p, err := x.Assemble(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if p.Tokens > q.Budget || EstimateTokens(p.Prefix)+EstimateTokens(p.Suffix) != p.Tokens {
		t.Errorf("prompt of %d tokens for a budget of %d", p.Tokens, q.Budget)
	}
	var kinds []string
	for _, part := range p.Parts {
		kinds = append(kinds, string(part.Kind)+":"+part.Path)
		if part.Kind == PartSnippet || part.Kind == PartDecl {
			if part.Path == "api/handler.go" {
				t.Errorf("current file retrieved: %+v", part)
			}
			if !strings.HasPrefix(part.Text, "// "+part.Path+"\n") {
				t.Errorf("part without its path header: %.40q", part.Text)
			}
		}
	}
	if !strings.Contains(p.Prefix, "func (s *Store) FindUser") {
		t.Errorf("prompt lacks store.go's FindUser; parts %v", kinds)
	}
	if !strings.HasSuffix(p.Prefix, q.Text[:q.Offset][len(q.Text[:q.Offset])-40:]) || !strings.HasPrefix(q.Text[q.Offset:], p.Suffix) {
		t.Error("prompt does not end with the text before the cursor / start the suffix after it")
	}
	if got := p.Parts[len(p.Parts)-2].Kind; got != PartPrefix {
		t.Errorf("second last part is %s, want prefix", got)
	}
}

func TestRestartRereadsOnlyChanged(t *testing.T) {
	root := copyRepo(t)
	c := testConfig(t)

	first := openWait(t, root, c, Options{})
	first.Close()
	built := first.Stats()
	if built.TotalChunks != built.Chunks || built.TotalBytes != built.Bytes || built.Chunks == 0 {
		t.Errorf("first pass: %+v, want totals equal to what it wrote", built)
	}
	// Bolt (scorch's root file) allocates one more 64 KiB step the first
	// time it is written again; after that a no-op refresh stays the same.
	limit := built.IndexBytes + 64<<10
	for range 3 {
		x := openWait(t, root, c, Options{})
		x.Close()
		st := x.Stats()
		if st.Indexed != 0 || st.Files != 5 || st.Chunks != 0 {
			t.Errorf("unchanged restart: %+v, want nothing re-indexed", st)
		}
		if st.TotalChunks != built.TotalChunks || st.TotalBytes != built.TotalBytes {
			t.Errorf("unchanged restart: totals %d chunks %d bytes, want %d and %d", st.TotalChunks, st.TotalBytes, built.TotalChunks, built.TotalBytes)
		}
		if st.IndexBytes > limit {
			t.Errorf("an unchanged restart grew the index from %d to %d bytes", limit, st.IndexBytes)
		}
		limit = st.IndexBytes
	}

	writeTree(t, root, map[string]string{"models/user.go": "package models\n\ntype Account struct{ Balance int }\n"})
	if err := os.Remove(filepath.Join(root, "util/report.py")); err != nil {
		t.Fatal(err)
	}
	x := openWait(t, root, c, Options{})
	defer x.Close()
	if st := x.Stats(); st.Indexed != 1 || st.Files != 4 {
		t.Errorf("after an edit and a delete: %+v, want 1 re-indexed of 4", st)
	}
	p, _ := x.Assemble(context.Background(), Query{Path: filepath.Join(root, "main.go"), Language: "go",
		Text: "package main\n\nvar a Account\nvar b = a.Balance", Offset: 39, Budget: 300})
	if !strings.Contains(p.Prefix, "Balance int") {
		t.Errorf("edited file not retrieved:\n%s", p.Prefix)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	root := copyRepo(t)
	c := testConfig(t)
	openWait(t, root, c, Options{}).Close()
	meta := filepath.Join(c.IndexDir, "index.bleve", "index_meta.json")
	if err := os.WriteFile(meta, []byte("{half"), 0o600); err != nil {
		t.Fatal(err)
	}
	x := openWait(t, root, c, Options{})
	defer x.Close()
	if st := x.Stats(); st.Files != 5 || st.Indexed != 5 {
		t.Errorf("after corruption: %+v, want a full rebuild", st)
	}
}

func TestSecondProcessWaitsForTheLock(t *testing.T) {
	lockPoll = 20 * time.Millisecond
	root := copyRepo(t)
	c := testConfig(t)
	first := openWait(t, root, c, Options{})
	second, err := Open(context.Background(), root, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	time.Sleep(100 * time.Millisecond)
	if second.Stats().Writer {
		t.Fatal("two writers on one index")
	}
	q := cursor(t, root, "api/handler.go", "u, err := h.Store.")
	if p, err := second.Assemble(context.Background(), q); err != nil || len(p.Parts) != 2 {
		t.Errorf("waiting process: %v, %d parts; want the in-file prompt", err, len(p.Parts))
	}
	first.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := second.Wait(ctx); err != nil || !second.Stats().Writer {
		t.Fatalf("second process did not take over: %v", err)
	}
}

func TestUpdateAndWatch(t *testing.T) {
	debounce, editPause = 20*time.Millisecond, 20*time.Millisecond
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{Watch: true})
	defer x.Close()
	query := func(ident string) bool {
		text := "package main\n\nfunc f() {\n\t" + ident
		p, _ := x.Assemble(context.Background(), Query{Path: filepath.Join(root, "main.go"), Language: "go",
			Text: text, Offset: len(text), Budget: 300})
		return strings.Contains(p.Prefix, "func "+ident+"(")
	}
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Errorf("%s: not seen within 5s", what)
	}
	// An unsaved edit in the editor.
	x.Update(filepath.Join(root, "store/store.go"), "package store\n\nfunc RefundOrder(id int64) error { return nil }\n")
	eventually("edited buffer", func() bool { return query("RefundOrder") })
	// A file created outside the editor, in a new directory.
	writeTree(t, root, map[string]string{"billing/invoice.go": "package billing\n\nfunc IssueInvoice(total int64) string { return \"\" }\n"})
	eventually("new file on disk", func() bool { return query("IssueInvoice") })
	// Deleted outside the editor.
	if err := os.RemoveAll(filepath.Join(root, "billing")); err != nil {
		t.Fatal(err)
	}
	eventually("deleted directory", func() bool { return !query("IssueInvoice") })
	// Secrets never enter, even through the editor.
	x.Update(filepath.Join(root, "config/.env"), "func LeakedSecret(")
	time.Sleep(100 * time.Millisecond)
	if query("LeakedSecret") {
		t.Error("a secret file was indexed")
	}
}

// Typing that never pauses for editPause is still indexed every
// editMaxWait; a pause indexes the latest text.
func TestUpdateMaxWait(t *testing.T) {
	oldPause, oldMax := editPause, editMaxWait
	editPause, editMaxWait = 400*time.Millisecond, 150*time.Millisecond
	t.Cleanup(func() { editPause, editMaxWait = oldPause, oldMax })
	root := copyRepo(t)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	query := func(ident string) bool {
		text := "package main\n\nfunc f() {\n\t" + ident
		p, _ := x.Assemble(context.Background(), Query{Path: filepath.Join(root, "main.go"), Language: "go",
			Text: text, Offset: len(text), Budget: 300})
		return strings.Contains(p.Prefix, "func "+ident+"(")
	}
	path := filepath.Join(root, "store/store.go")
	const keys = 40 // typing every 20 ms, never pausing for 400 ms
	for i := range keys {
		x.Update(path, fmt.Sprintf("package store\n\nfunc RefundOrder%d(id int64) error { return nil }\n", i))
		time.Sleep(20 * time.Millisecond)
	}
	// Still typing (no pause yet): some version is indexed already.
	seen := false
	for i := 0; i < keys && !seen; i++ {
		seen = query(fmt.Sprintf("RefundOrder%d", i))
	}
	if !seen {
		t.Fatal("continuous typing for 800 ms: nothing indexed (editMaxWait 150 ms)")
	}
	x.Update(path, "package store\n\nfunc RefundFinal(id int64) error { return nil }\n")
	for deadline := time.Now().Add(5 * time.Second); !query("RefundFinal"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the text after the last edit was not indexed within 5 s")
		}
	}
}

package retrieval

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// The merger's pre-merge check waits while a pass holds the index's merges
// and goes on once it releases them; other indexes' merges are not held.
func TestHoldMerges(t *testing.T) {
	open := func(name string) (bleve.Index, *scorch.Scorch) {
		m, err := newMapping()
		if err != nil {
			t.Fatal(err)
		}
		bi, err := bleve.NewUsing(filepath.Join(t.TempDir(), name), m, scorch.Name, scorch.Name, scorchConfig())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { bi.Close() })
		ai, err := bi.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		return bi, ai.(*scorch.Scorch)
	}
	check := scorch.RegistryEventCallbacks[mergeHoldCallback]
	merged := func(sc *scorch.Scorch) chan bool {
		done := make(chan bool, 1)
		go func() { done <- check(scorch.Event{Kind: scorch.EventKindPreMergeCheck, Scorch: sc}) }()
		return done
	}
	_, free := open("free")
	bi, sc := open("held")
	release := holdMerges(bi)
	if ok := <-merged(free); !ok {
		t.Fatal("an index without a pass: merge refused")
	}
	done := merged(sc)
	select {
	case <-done:
		t.Fatal("merge went on while the pass holds merges")
	case <-time.After(200 * time.Millisecond):
	}
	release()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("merge refused after release")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("merge still held after release")
	}
}

// After a burst of edits, Settle returns once the merger has planned at
// the root the edits left and the persister has written it.
func TestSettle(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 4 {
		files[fmt.Sprintf("f%d.go", i)] = fmt.Sprintf("package p\n\nfunc f%d() int { return %d }\n", i, i)
	}
	writeTree(t, root, files)
	x := openWait(t, root, testConfig(t), Options{})
	defer x.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 40 {
		src := fmt.Sprintf("package p\n\nfunc f%d() int { return %d }\n", i%4, i)
		if err := x.UpdateNow(ctx, filepath.Join(root, fmt.Sprintf("f%d.go", i%4)), src); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	ai, err := x.bi.Load().Advanced()
	if err != nil {
		t.Fatal(err)
	}
	m := ai.(*scorch.Scorch).StatsMap()
	if m["LastMergedEpoch"] != m["CurRootEpoch"] || m["LastPersistedEpoch"] != m["CurRootEpoch"] {
		t.Fatalf("settled with root %v, merged %v, persisted %v", m["CurRootEpoch"], m["LastMergedEpoch"], m["LastPersistedEpoch"])
	}
	if n, _ := m["TotBatches"].(uint64); n < 40 {
		t.Fatalf("%d batches: the edits were not written one by one", n)
	}
}

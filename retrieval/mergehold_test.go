package retrieval

import (
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

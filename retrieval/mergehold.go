package retrieval

import (
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// While a pass writes, scorch merges the segments of its batches into ever
// larger ones as they come, and the pass ends with a merge into one segment
// anyway (compact): on a cold index most of that merging is redone. Scorch
// asks its event callback before each merge (EventKindPreMergeCheck); the
// one registered here holds the merger of an index whose pass is running,
// so the segments pile up and are merged once. mergeHoldMax bounds a hold
// in case a pass runs long: then the merger runs and is held again.

const (
	mergeHoldCallback = "ghostline.holdMerges"
	mergeHoldMax      = 10 * time.Second
)

// heldMerges maps the *scorch.Scorch of an index whose pass runs to a
// channel closed when it ends.
var heldMerges sync.Map

func init() {
	scorch.RegistryEventCallbacks[mergeHoldCallback] = func(e scorch.Event) bool {
		if e.Kind != scorch.EventKindPreMergeCheck {
			return true
		}
		if held, ok := heldMerges.Load(e.Scorch); ok {
			t := time.NewTimer(mergeHoldMax)
			defer t.Stop()
			select {
			case <-held.(chan struct{}):
			case <-t.C:
			}
		}
		return true
	}
}

// holdMerges holds bi's merges until release is called.
func holdMerges(bi bleve.Index) (release func()) {
	ai, err := bi.Advanced()
	sc, ok := ai.(*scorch.Scorch)
	if err != nil || !ok {
		return func() {}
	}
	ch := make(chan struct{})
	heldMerges.Store(sc, ch)
	return func() {
		heldMerges.Delete(sc)
		close(ch)
	}
}

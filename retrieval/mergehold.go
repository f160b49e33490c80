package retrieval

import (
	"context"
	"sync"
	"sync/atomic"
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

// scorchOf is bi's scorch index, or nil for another kind of index.
func scorchOf(bi bleve.Index) *scorch.Scorch {
	ai, err := bi.Advanced()
	if err != nil {
		return nil
	}
	sc, _ := ai.(*scorch.Scorch)
	return sc
}

// holdMerges holds bi's merges until release is called.
func holdMerges(bi bleve.Index) (release func()) {
	sc := scorchOf(bi)
	if sc == nil {
		return func() {}
	}
	ch := make(chan struct{})
	heldMerges.Store(sc, ch)
	return func() {
		heldMerges.Delete(sc)
		close(ch)
	}
}

// settlePoll is how often Settle reads the merger's progress.
const settlePoll = 10 * time.Millisecond

// Settle blocks until the merges and persists that the index's writes so
// far set off are done: scorch's merger has planned at the current root
// and found nothing left, and the persister has written it. A burst of
// edits leaves merges behind that compete with the next searches for the
// CPU; the retrieval benchmark times Assemble apart from them.
func (x *Index) Settle(ctx context.Context) error {
	h := x.bi.Load()
	if h == nil {
		return nil
	}
	sc := scorchOf(h.Index)
	if sc == nil {
		return nil
	}
	// The counters themselves: StatsMap would also list and measure the
	// index's files on disk at every poll.
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return nil
	}
	t := time.NewTicker(settlePoll)
	defer t.Stop()
	for {
		root := atomic.LoadUint64(&st.CurRootEpoch)
		if atomic.LoadUint64(&st.LastMergedEpoch) == root && atomic.LoadUint64(&st.LastPersistedEpoch) == root {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

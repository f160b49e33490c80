package retrieval

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/ghostline/ghostline/internal/ctxtime"
)

// background: this process indexes behind an editor (Background).
var background atomic.Bool

// Background makes indexing in this process work behind the user's typing
// rather than beside it: bleve analyses documents on half the CPUs
// (GOMAXPROCS/2, at least one; its default is four workers, which on a
// two-core laptop is both cores), and on a machine with two CPUs or fewer
// the first indexing pass rests, after each batch, half as long as the
// batch took. It must be called before any index is opened; `ghostline
// serve` calls it, one-shot commands that wait for the index do not.
func Background() {
	if background.Swap(true) {
		return
	}
	bleve.Config.SetAnalysisQueueSize(max(1, runtime.GOMAXPROCS(0)/2))
}

// yieldCPU rests after a batch that kept the indexer busy for busy, when
// indexing works in the background of a small machine.
func yieldCPU(ctx context.Context, busy time.Duration) error {
	if !background.Load() || runtime.GOMAXPROCS(0) > 2 {
		return ctx.Err()
	}
	return ctxtime.Sleep(ctx, busy/2)
}

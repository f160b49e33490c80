package engine

import (
	"context"
	"sync/atomic"

	"github.com/ghostline/ghostline/model"
)

// switchable is a Backend whose implementation can be replaced while
// requests are in flight (a settings change from the editor).
type switchable struct{ b atomic.Pointer[model.Backend] }

func (s *switchable) set(b model.Backend) { s.b.Store(&b) }

func (s *switchable) Name() string { return (*s.b.Load()).Name() }

func (s *switchable) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	return (*s.b.Load()).Complete(ctx, req)
}

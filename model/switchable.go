package model

import (
	"context"
	"sync/atomic"
)

// Switchable is a Backend whose implementation can be replaced while
// requests are in flight (a settings change from the editor). Set it
// before the first call.
type Switchable struct{ b atomic.Pointer[Backend] }

// Set makes b answer the requests from now on.
func (s *Switchable) Set(b Backend) { s.b.Store(&b) }

// Name implements Backend.
func (s *Switchable) Name() string { return (*s.b.Load()).Name() }

// Complete implements Backend.
func (s *Switchable) Complete(ctx context.Context, req Request) (Result, error) {
	return (*s.b.Load()).Complete(ctx, req)
}

// PromptWindow implements Windowed for the backend in use.
func (s *Switchable) PromptWindow(ctx context.Context) int {
	return PromptWindow(ctx, *s.b.Load())
}

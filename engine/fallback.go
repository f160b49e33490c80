package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ghostline/ghostline/model"
)

// fallback asks a model server first and, when the server is unreachable or
// lacks the model, the built-in model. After a failure the server is left
// alone for retryAfter, so a dead server costs one connection attempt per
// interval, not one per keystroke. The user is told once per outage.
type fallback struct {
	primary, backup model.Backend
	retryAfter      time.Duration
	now             func() time.Time

	mu        sync.Mutex
	downUntil time.Time
	told      bool // the user has been told about the current outage
}

func newFallback(primary, backup model.Backend) *fallback {
	return &fallback{primary: primary, backup: backup, retryAfter: 30 * time.Second, now: time.Now}
}

func (f *fallback) Name() string {
	f.mu.Lock()
	down := f.now().Before(f.downUntil)
	f.mu.Unlock()
	if down {
		return f.backup.Name()
	}
	return f.primary.Name()
}

func (f *fallback) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	f.mu.Lock()
	down := f.now().Before(f.downUntil)
	f.mu.Unlock()
	if !down {
		res, err := f.primary.Complete(ctx, req)
		if err == nil || !isOutage(err) {
			f.mu.Lock()
			if err == nil {
				f.told = false // back up: a later outage is news again
			}
			f.mu.Unlock()
			return res, err
		}
		notice := f.failed(err)
		res, berr := f.backup.Complete(ctx, req)
		res.Notice = notice
		return res, berr
	}
	return f.backup.Complete(ctx, req)
}

// isOutage reports whether err means the server cannot answer at all (as
// opposed to one bad answer, which is the caller's to see).
func isOutage(err error) bool {
	return errors.Is(err, model.ErrUnavailable) || errors.Is(err, model.ErrModelNotFound)
}

// failed starts an outage of retryAfter and returns the notice for the user,
// or "" when they were already told of this outage.
func (f *fallback) failed(err error) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downUntil = f.now().Add(f.retryAfter)
	if f.told {
		return ""
	}
	f.told = true
	return fmt.Sprintf("%v; using the built-in model until it answers (run `ghostline doctor` for help)", err)
}

// checker is a server that can be asked whether it is usable.
type checker interface {
	Check(ctx context.Context) error
}

// probe checks the server ahead of the first request and returns the notice
// for the user when it is not usable.
func (f *fallback) probe(ctx context.Context, c checker) string {
	if err := c.Check(ctx); err != nil && (isOutage(err) || errors.Is(err, model.ErrTimeout)) {
		return f.failed(err)
	}
	return ""
}

package model

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Fallback asks a model server first and, when the server is unreachable or
// lacks the model, a backup (the built-in model). After a failure the
// server is left alone for retryAfter, so a dead server costs one
// connection attempt per interval, not one per keystroke. The user is told
// once per outage, through Result.Notice.
type Fallback struct {
	primary    Server
	backup     Backend
	retryAfter time.Duration
	now        func() time.Time

	mu        sync.Mutex
	downUntil time.Time
	told      bool // the user has been told about the current outage
}

// NewFallback returns a Fallback from primary to backup.
func NewFallback(primary Server, backup Backend) *Fallback {
	return &Fallback{primary: primary, backup: backup, retryAfter: 30 * time.Second, now: time.Now}
}

// Name implements Backend: the model that would answer now.
func (f *Fallback) Name() string {
	f.mu.Lock()
	down := f.now().Before(f.downUntil)
	f.mu.Unlock()
	if down {
		return f.backup.Name()
	}
	return f.primary.Name()
}

// Complete implements Backend.
func (f *Fallback) Complete(ctx context.Context, req Request) (Result, error) {
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
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrModelNotFound)
}

// failed starts an outage of retryAfter and returns the notice for the user,
// or "" when they were already told of this outage.
func (f *Fallback) failed(err error) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downUntil = f.now().Add(f.retryAfter)
	if f.told {
		return ""
	}
	f.told = true
	notice := fmt.Sprintf("%v; using the built-in model until it answers", err)
	if fix := FixOf(err); fix != "" {
		notice += " (to fix: " + fix + ")"
	}
	return notice
}

// Probe checks the server ahead of the first request and returns the
// notice for the user when it is not usable.
func (f *Fallback) Probe(ctx context.Context) string {
	if err := f.primary.Check(ctx); err != nil && (isOutage(err) || errors.Is(err, ErrTimeout)) {
		return f.failed(err)
	}
	return ""
}

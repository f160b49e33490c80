package model

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Fallback asks a model server first and, while the server is down, a
// backup (the built-in model). The server is down when it is unreachable,
// lacks the model, or timed out timeoutsDown times in a row (a server that
// accepts connections but never answers, or trickles a byte a second). A
// request that fails so is answered by the backup at once. While the
// server is down, requests go to the backup only, and every retryAfter a
// probe (a one-token completion, in the background, so nobody waits for
// it) asks the server again; when it answers, requests go to it again.
// The user is told once per outage, and when it ends, through
// Result.Notice.
type Fallback struct {
	primary    Server
	backup     Backend
	retryAfter time.Duration
	now        func() time.Time

	mu        sync.Mutex
	down      bool
	nextProbe time.Time // while down
	probing   bool      // a probe is in flight
	timeouts  int       // in a row
	told      bool      // the user has been told about the current outage
	recovered string    // notice that the outage ended, for the next answer
	onDown    func()    // called, in its own goroutine, when an outage starts
}

// timeoutsDown is how many timeouts in a row mean the server is down: one
// may be a long prompt, two are a pattern.
const timeoutsDown = 2

// NewFallback returns a Fallback from primary to backup.
func NewFallback(primary Server, backup Backend) *Fallback {
	return &Fallback{primary: primary, backup: backup, retryAfter: 30 * time.Second, now: time.Now}
}

// Name implements Backend: the model that would answer now.
func (f *Fallback) Name() string {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return f.backup.Name()
	}
	return f.primary.Name()
}

// PromptWindow implements Windowed: the server's while it is up.
func (f *Fallback) PromptWindow(ctx context.Context) int {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return PromptWindow(ctx, f.backup)
	}
	return PromptWindow(ctx, f.primary)
}

// Complete implements Backend.
func (f *Fallback) Complete(ctx context.Context, req Request) (Result, error) {
	f.mu.Lock()
	down, notice := f.down, f.recovered
	f.recovered = ""
	if down && !f.probing && !f.now().Before(f.nextProbe) {
		f.probing = true
		go f.probe()
	}
	f.mu.Unlock()
	if down {
		return f.backup.Complete(ctx, req)
	}
	res, err := f.primary.Complete(ctx, req)
	switch {
	case err == nil:
		f.mu.Lock()
		f.timeouts, f.told = 0, false // a later outage is news again
		f.mu.Unlock()
		if res.Notice == "" {
			res.Notice = notice
		}
		return res, nil
	case isOutage(err):
		notice = f.failed(err)
	case errors.Is(err, ErrTimeout) && ctx.Err() == nil:
		notice = f.timedOut(err)
	default:
		return res, err // one bad answer: the caller's to see
	}
	res, berr := f.backup.Complete(ctx, req)
	res.Notice = notice
	return res, berr
}

// OnDown has fn called, in its own goroutine, whenever an outage starts
// (the engine has the built-in model learn the repository only then).
func (f *Fallback) OnDown(fn func()) {
	f.mu.Lock()
	f.onDown = fn
	f.mu.Unlock()
}

// probe asks the server for one token, as a request would, and ends the
// outage if it answers.
func (f *Fallback) probe() {
	_, err := f.primary.Complete(context.Background(), Request{Prefix: "x", MaxTokens: 1})
	f.mu.Lock()
	defer f.mu.Unlock()
	f.probing = false
	if err != nil {
		f.nextProbe = f.now().Add(f.retryAfter)
		return
	}
	f.down, f.timeouts, f.told = false, 0, false
	f.recovered = fmt.Sprintf("%s answers again; using it", f.primary.Name())
}

// isOutage reports whether err means the server cannot answer at all (as
// opposed to one bad answer, which is the caller's to see).
func isOutage(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrModelNotFound)
}

// timedOut counts a timeout; the second in a row starts an outage.
func (f *Fallback) timedOut(err error) string {
	f.mu.Lock()
	f.timeouts++
	n := f.timeouts
	f.mu.Unlock()
	if n < timeoutsDown {
		return ""
	}
	return f.failed(fmt.Errorf("%w (%d times in a row)", err, n))
}

// failed starts an outage and returns the notice for the user, or "" when
// they were already told of this outage.
func (f *Fallback) failed(err error) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.down && f.onDown != nil {
		go f.onDown()
	}
	f.down = true
	f.nextProbe = f.now().Add(f.retryAfter)
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

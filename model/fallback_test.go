package model

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// scripted is a server whose answers and health the test sets. Safe for
// concurrent use: the fallback probes from a goroutine.
type scripted struct {
	name     string
	mu       sync.Mutex
	err      error // Complete's
	checkErr error // Check's
	calls    int
}

func (s *scripted) Name() string                { return s.name }
func (s *scripted) Endpoint() string            { return "http://scripted" }
func (s *scripted) Check(context.Context) error { return s.checkErr }
func (s *scripted) Complete(ctx context.Context, req Request) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.err != nil {
		return Result{}, s.err
	}
	return Result{Text: s.name, Model: s.name}, nil
}

func (s *scripted) set(err error) { s.mu.Lock(); s.err = err; s.mu.Unlock() }

func (s *scripted) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.calls }

// waitCalls waits until s has been asked n times (a background probe).
func waitCalls(t *testing.T, s *scripted, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); s.count() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s asked %d times, want %d", s.name, s.count(), n)
		}
	}
}

func TestFallback(t *testing.T) {
	primary := &scripted{name: "server"}
	backup := &scripted{name: "builtin"}
	f := NewFallback(primary, backup)
	var clockMu sync.Mutex
	clock := time.Unix(0, 0)
	f.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock }
	advance := func() { clockMu.Lock(); clock = clock.Add(time.Minute); clockMu.Unlock() }
	ctx := context.Background()

	if r, err := f.Complete(ctx, Request{}); err != nil || r.Text != "server" {
		t.Fatalf("healthy server: got %q, %v", r.Text, err)
	}

	primary.set(fmt.Errorf("dial: %w", ErrUnavailable))
	r, err := f.Complete(ctx, Request{})
	if err != nil || r.Text != "builtin" || r.Notice == "" {
		t.Fatalf("server down: got %q notice %q, %v; want builtin with a notice", r.Text, r.Notice, err)
	}
	if f.Name() != "builtin" {
		t.Errorf("Name during outage = %q", f.Name())
	}
	calls := primary.count()
	r, _ = f.Complete(ctx, Request{})
	if primary.count() != calls || r.Notice != "" || r.Text != "builtin" {
		t.Errorf("within retry interval: server called %d more times, notice %q; want 0 and none", primary.count()-calls, r.Notice)
	}

	// After the interval a probe goes out in the background; the request
	// itself is answered by the built-in model without waiting for it.
	advance()
	if r, _ = f.Complete(ctx, Request{}); r.Text != "builtin" || r.Notice != "" {
		t.Errorf("after interval, server still down: %q notice %q", r.Text, r.Notice)
	}
	waitCalls(t, primary, calls+1)
	if f.Name() != "builtin" {
		t.Errorf("a failed probe ended the outage")
	}

	// The server is back: the next probe switches back, with one notice.
	primary.set(nil)
	advance()
	f.Complete(ctx, Request{})
	for deadline := time.Now().Add(5 * time.Second); f.Name() != "server"; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server answered a probe but is not used again")
		}
	}
	if r, _ = f.Complete(ctx, Request{}); r.Text != "server" || r.Notice == "" {
		t.Errorf("after recovery: %q notice %q, want the server with a notice", r.Text, r.Notice)
	}

	// Timeouts: the first is answered by the built-in model, silently; the
	// second in a row is an outage.
	primary.set(fmt.Errorf("slow: %w", ErrTimeout))
	if r, _ = f.Complete(ctx, Request{}); r.Text != "builtin" || r.Notice != "" || f.Name() != "server" {
		t.Errorf("one timeout: %q notice %q, using %s", r.Text, r.Notice, f.Name())
	}
	if r, _ = f.Complete(ctx, Request{}); r.Text != "builtin" || r.Notice == "" || f.Name() != "builtin" {
		t.Errorf("two timeouts: %q notice %q, using %s; want the built-in model, with a notice", r.Text, r.Notice, f.Name())
	}

	primary.set(fmt.Errorf("boom: %w", ErrBadResponse))
	f2 := NewFallback(primary, backup)
	if _, err := f2.Complete(ctx, Request{}); err == nil {
		t.Error("a bad response is the server's answer, not an outage: want the error, not a fallback")
	}
}

func TestFallbackProbe(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		err        error
		wantNotice bool
	}{
		{"healthy", nil, false},
		{"down", fmt.Errorf("dial: %w", ErrUnavailable), true},
		{"no model", fmt.Errorf("pull it: %w", ErrModelNotFound), true},
		{"slow", fmt.Errorf("no answer: %w", ErrTimeout), true},
		{"garbage", fmt.Errorf("odd: %w", ErrBadResponse), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			primary := &scripted{name: "server", checkErr: tt.err}
			f := NewFallback(primary, &scripted{name: "builtin"})
			notice := f.Probe(ctx)
			if (notice != "") != tt.wantNotice {
				t.Fatalf("probe notice %q, want notice: %v", notice, tt.wantNotice)
			}
			r, _ := f.Complete(ctx, Request{})
			if tt.wantNotice {
				if primary.count() != 0 || r.Text != "builtin" || r.Notice != "" {
					t.Errorf("after a failed probe: server called %d times, answer %q, notice %q; want the built-in model, no second notice", primary.count(), r.Text, r.Notice)
				}
			} else if r.Text != "server" {
				t.Errorf("after probe %v: answer from %q, want the server", tt.err, r.Text)
			}
		})
	}
}

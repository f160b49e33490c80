package model

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// scripted is a server whose answers and health the test sets.
type scripted struct {
	name     string
	err      error // Complete's
	checkErr error // Check's
	calls    int
}

func (s *scripted) Name() string                { return s.name }
func (s *scripted) Endpoint() string            { return "http://scripted" }
func (s *scripted) Check(context.Context) error { return s.checkErr }
func (s *scripted) Complete(ctx context.Context, req Request) (Result, error) {
	s.calls++
	if s.err != nil {
		return Result{}, s.err
	}
	return Result{Text: s.name, Model: s.name}, nil
}

func TestFallback(t *testing.T) {
	primary := &scripted{name: "server"}
	backup := &scripted{name: "builtin"}
	f := NewFallback(primary, backup)
	clock := time.Unix(0, 0)
	f.now = func() time.Time { return clock }
	ctx := context.Background()

	if r, err := f.Complete(ctx, Request{}); err != nil || r.Text != "server" {
		t.Fatalf("healthy server: got %q, %v", r.Text, err)
	}

	primary.err = fmt.Errorf("dial: %w", ErrUnavailable)
	r, err := f.Complete(ctx, Request{})
	if err != nil || r.Text != "builtin" || r.Notice == "" {
		t.Fatalf("server down: got %q notice %q, %v; want builtin with a notice", r.Text, r.Notice, err)
	}
	if f.Name() != "builtin" {
		t.Errorf("Name during outage = %q", f.Name())
	}
	calls := primary.calls
	r, _ = f.Complete(ctx, Request{})
	if primary.calls != calls || r.Notice != "" {
		t.Errorf("within retry interval: server called %d more times, notice %q; want 0 and none", primary.calls-calls, r.Notice)
	}

	clock = clock.Add(time.Minute)
	r, _ = f.Complete(ctx, Request{})
	if primary.calls != calls+1 || r.Notice != "" {
		t.Errorf("after interval: want one retry and no repeated notice, got %d calls, notice %q", primary.calls-calls, r.Notice)
	}

	primary.err = fmt.Errorf("boom: %w", ErrBadResponse)
	clock = clock.Add(time.Minute)
	if _, err := f.Complete(ctx, Request{}); err == nil {
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
				if primary.calls != 0 || r.Text != "builtin" || r.Notice != "" {
					t.Errorf("after a failed probe: server called %d times, answer %q, notice %q; want the built-in model, no second notice", primary.calls, r.Text, r.Notice)
				}
			} else if r.Text != "server" {
				t.Errorf("after probe %v: answer from %q, want the server", tt.err, r.Text)
			}
		})
	}
}

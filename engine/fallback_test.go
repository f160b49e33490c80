package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ghostline/ghostline/model"
)

type scripted struct {
	name  string
	err   error
	calls int
}

func (s *scripted) Name() string { return s.name }
func (s *scripted) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	s.calls++
	if s.err != nil {
		return model.Result{}, s.err
	}
	return model.Result{Text: s.name, Model: s.name}, nil
}

func TestFallback(t *testing.T) {
	primary := &scripted{name: "server"}
	backup := &scripted{name: "builtin"}
	f := newFallback(primary, backup)
	clock := time.Unix(0, 0)
	f.now = func() time.Time { return clock }
	ctx := context.Background()

	if r, err := f.Complete(ctx, model.Request{}); err != nil || r.Text != "server" {
		t.Fatalf("healthy server: got %q, %v", r.Text, err)
	}

	primary.err = fmt.Errorf("dial: %w", model.ErrUnavailable)
	r, err := f.Complete(ctx, model.Request{})
	if err != nil || r.Text != "builtin" || r.Notice == "" {
		t.Fatalf("server down: got %q notice %q, %v; want builtin with a notice", r.Text, r.Notice, err)
	}
	if f.Name() != "builtin" {
		t.Errorf("Name during outage = %q", f.Name())
	}
	calls := primary.calls
	r, _ = f.Complete(ctx, model.Request{})
	if primary.calls != calls || r.Notice != "" {
		t.Errorf("within retry interval: server called %d more times, notice %q; want 0 and none", primary.calls-calls, r.Notice)
	}

	clock = clock.Add(time.Minute)
	r, _ = f.Complete(ctx, model.Request{})
	if primary.calls != calls+1 || r.Notice != "" {
		t.Errorf("after interval: want one retry and no repeated notice, got %d calls, notice %q", primary.calls-calls, r.Notice)
	}

	primary.err = fmt.Errorf("boom: %w", model.ErrBadResponse)
	clock = clock.Add(time.Minute)
	if _, err := f.Complete(ctx, model.Request{}); err == nil {
		t.Error("a bad response is the server's answer, not an outage: want the error, not a fallback")
	}
}

type checkFunc func(context.Context) error

func (c checkFunc) Check(ctx context.Context) error { return c(ctx) }

func TestFallbackProbe(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		err        error
		wantNotice bool
	}{
		{"healthy", nil, false},
		{"down", fmt.Errorf("dial: %w", model.ErrUnavailable), true},
		{"no model", fmt.Errorf("pull it: %w", model.ErrModelNotFound), true},
		{"slow", fmt.Errorf("no answer: %w", model.ErrTimeout), true},
		{"garbage", fmt.Errorf("odd: %w", model.ErrBadResponse), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			primary := &scripted{name: "server"}
			f := newFallback(primary, &scripted{name: "builtin"})
			notice := f.probe(ctx, checkFunc(func(context.Context) error { return tt.err }))
			if (notice != "") != tt.wantNotice {
				t.Fatalf("probe notice %q, want notice: %v", notice, tt.wantNotice)
			}
			r, _ := f.Complete(ctx, model.Request{})
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

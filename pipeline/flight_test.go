package pipeline

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/retrieval"
)

// slowModel answers "Println(x)" once released; it counts its calls and
// the calls cancelled.
type slowModel struct {
	release          chan struct{}
	calls, cancelled atomic.Int32
	started          chan struct{}
}

func (m *slowModel) Name() string { return "slow" }
func (m *slowModel) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	m.calls.Add(1)
	m.started <- struct{}{}
	select {
	case <-m.release:
		return model.Result{Text: "Println(x)", Model: "slow"}, nil
	case <-ctx.Done():
		m.cancelled.Add(1)
		return model.Result{}, ctx.Err()
	}
}

// A request cancelled by the next keystroke leaves its model call running;
// the next request, typed through it, is answered from it; a request that
// is not cancels it and starts its own.
func TestTypedThroughRequestKeepsTheCall(t *testing.T) {
	m := &slowModel{release: make(chan struct{}), started: make(chan struct{}, 4)}
	p, _ := newTest(m, nil)
	const before, after = "package p\n\nfunc f() {\n\tfmt.", "\n}\n"
	ask := func(ctx context.Context, typed string) chan Result {
		out := make(chan Result, 1)
		go func() {
			text := before + typed + after
			out <- p.Complete(ctx, Request{Path: "/r/a.go", Language: "go", Text: text, Offset: len(before + typed)})
		}()
		return out
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := ask(ctx, "")
	<-m.started
	cancel() // the next keystroke
	if r := <-first; r.Outcome != OutcomeCancelled {
		t.Fatalf("first request: %s, want cancelled", r.Outcome)
	}
	second := ask(context.Background(), "Pr")
	time.Sleep(20 * time.Millisecond) // it waits for the first call
	close(m.release)
	r := <-second
	if r.Outcome != OutcomeShown || r.Suggestion != "intln(x)" {
		t.Errorf("typed-through request: %s %q, want shown \"intln(x)\"", r.Outcome, r.Suggestion)
	}
	if n := m.calls.Load(); n != 1 {
		t.Errorf("%d model calls, want 1", n)
	}
	// Typed something the answer does not start with: a call of its own.
	if r := <-ask(context.Background(), "Sp"); r.Outcome != OutcomeShown || m.calls.Load() != 2 {
		t.Errorf("diverging request: %s after %d calls, want shown after 2", r.Outcome, m.calls.Load())
	}
}

// A request elsewhere cancels the call in flight.
func TestOtherRequestCancelsTheCall(t *testing.T) {
	m := &slowModel{release: make(chan struct{}), started: make(chan struct{}, 4)}
	p, _ := newTest(m, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go p.Complete(ctx, Request{Path: "/r/a.go", Text: doc, Offset: cursor})
	<-m.started
	cancel()
	done := make(chan Result, 1)
	go func() {
		done <- p.Complete(context.Background(), Request{Path: "/r/a.go", Text: doc, Offset: cursor - 3})
	}()
	<-m.started
	for deadline := time.Now().Add(2 * time.Second); m.cancelled.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if m.cancelled.Load() != 1 {
		t.Error("the call of the moved cursor was not cancelled")
	}
	close(m.release)
	if r := <-done; r.Outcome != OutcomeShown {
		t.Errorf("second request: %s", r.Outcome)
	}
}

// windowModel knows its prompt window.
type windowModel struct {
	fakeModel
	window int
}

func (m *windowModel) PromptWindow(context.Context) int { return m.window }

// A prompt never exceeds the model's window, whatever the budget.
func TestPromptWithinModelWindow(t *testing.T) {
	m := &windowModel{fakeModel: fakeModel{text: "x"}, window: 200}
	p, _ := newTest(m, nil)
	text := strings.Repeat("x := compute(1, 2, 3)\n", 500)
	r := p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: text, Offset: len(text) / 2})
	if r.Prompt.Tokens > 200 || r.Prompt.Tokens < 100 {
		t.Errorf("prompt of %d tokens for a window of 200", r.Prompt.Tokens)
	}
	if got := retrieval.EstimateTokens(m.got.Prefix + m.got.Suffix); got > 200 {
		t.Errorf("model sent %d tokens", got)
	}
}

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/retrieval"
	"github.com/ghostline/ghostline/telemetry"
)

type fakeModel struct {
	text  string
	err   error
	calls int
	got   model.Request
}

func (f *fakeModel) Name() string { return "fake" }
func (f *fakeModel) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	f.calls++
	f.got = req
	if f.err != nil {
		return model.Result{}, f.err
	}
	return model.Result{Text: f.text, Model: "fake"}, ctx.Err()
}

// gate shows or hides by fixed verdicts.
type gate struct{ before, after bool }

func (g gate) Before(c ranker.Context) ranker.Decision {
	return ranker.Decision{Show: g.before, Held: !g.before, Prob: 0.1, Threshold: 0.2}
}
func (g gate) After(c ranker.Context, s ranker.Suggestion) ranker.Decision {
	return ranker.Decision{Show: g.after, Held: !g.after, Prob: 0.15, Threshold: 0.2}
}

type recorder struct {
	mu     sync.Mutex
	events []telemetry.Event
}

func (r *recorder) Record(e telemetry.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) kinds() []telemetry.Kind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ks []telemetry.Kind
	for _, e := range r.events {
		ks = append(ks, e.Kind)
	}
	return ks
}

func newTest(m model.Backend, g Gate) (*Pipeline, *recorder) {
	rec := &recorder{}
	return New(Options{Model: m, Gate: g, Recorder: rec}, config.Defaults()), rec
}

const doc = "package p\n\nfunc add(a, b int) int {\n\treturn \n}\n"

var cursor = len("package p\n\nfunc add(a, b int) int {\n\treturn ")

func TestOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		model     *fakeModel
		gate      Gate
		invoked   bool
		want      Outcome
		wantCalls int
		wantKinds []telemetry.Kind
	}{
		{"shown", &fakeModel{text: "a + b"}, gate{true, true}, false, OutcomeShown, 1,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindGenerated, telemetry.KindShown}},
		{"no gate shows all", &fakeModel{text: "a + b"}, nil, false, OutcomeShown, 1,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindGenerated, telemetry.KindShown}},
		{"gate 1 skips generation", &fakeModel{text: "a + b"}, gate{false, true}, false, OutcomeSkipped, 0,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindSkipped}},
		{"gate 2 hides", &fakeModel{text: "a + b"}, gate{true, false}, false, OutcomeHidden, 1,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindGenerated, telemetry.KindHidden}},
		{"invoked is never hidden", &fakeModel{text: "a + b"}, gate{false, false}, true, OutcomeShown, 1,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindGenerated, telemetry.KindShown}},
		{"whitespace only is empty", &fakeModel{text: "  \n\t"}, nil, false, OutcomeEmpty, 1,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindGenerated}},
		{"model error", &fakeModel{err: fmt.Errorf("x: %w", model.ErrBadResponse)}, nil, false, OutcomeError, 1,
			[]telemetry.Kind{telemetry.KindRequested, telemetry.KindError}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, rec := newTest(tt.model, tt.gate)
			res := p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor, Invoked: tt.invoked})
			if res.Outcome != tt.want {
				t.Fatalf("outcome = %s (err %v), want %s", res.Outcome, res.Err, tt.want)
			}
			if tt.model.calls != tt.wantCalls {
				t.Errorf("model calls = %d, want %d", tt.model.calls, tt.wantCalls)
			}
			if (res.Suggestion != "") != (tt.want == OutcomeShown) {
				t.Errorf("suggestion %q with outcome %s", res.Suggestion, res.Outcome)
			}
			if got := rec.kinds(); fmt.Sprint(got) != fmt.Sprint(tt.wantKinds) {
				t.Errorf("events = %v, want %v", got, tt.wantKinds)
			}
			if tt.want == OutcomeError && !errors.Is(res.Err, model.ErrBadResponse) {
				t.Errorf("err = %v, want the model's error", res.Err)
			}
			last := stageNames(res.Timings)
			if len(last) == 0 || last[len(last)-1] != telemetry.StageTotal {
				t.Errorf("timings %v do not end with total", last)
			}
		})
	}
}

func stageNames(ts []Timing) []telemetry.Stage {
	var s []telemetry.Stage
	for _, t := range ts {
		s = append(s, t.Stage)
	}
	return s
}

func TestPromptReachesModel(t *testing.T) {
	m := &fakeModel{text: "a + b"}
	p, _ := newTest(m, nil)
	p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor})
	if m.got.Prefix != doc[:cursor] || m.got.Suffix != doc[cursor:] || m.got.Language != "go" {
		t.Errorf("model saw prefix %q suffix %q lang %q", m.got.Prefix, m.got.Suffix, m.got.Language)
	}
	if m.got.SingleLine {
		t.Error("cursor at line end must allow multi-line")
	}
	mid := len("package p\n\nfunc ")
	p.Complete(context.Background(), Request{Path: "/r/a.go", Text: doc, Offset: mid})
	if !m.got.SingleLine {
		t.Error("cursor in the middle of a line must ask for a single line")
	}
}

func TestFeedback(t *testing.T) {
	m := &fakeModel{text: "a + b"}
	p, rec := newTest(m, nil)
	s := p.Settings()
	s.Telemetry.UnseenMs = 0
	p.SetSettings(s)
	ctx := context.Background()
	req := Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor}

	res := p.Complete(ctx, req)
	if err := p.Accepted(res.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := p.Accepted(res.ID, time.Now()); !errors.Is(err, ErrUnknownSuggestion) {
		t.Errorf("second accept: err = %v, want ErrUnknownSuggestion", err)
	}

	res = p.Complete(ctx, req)
	if err := p.PartiallyAccepted(res.ID, 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	p.Complete(ctx, req) // supersedes: the partially accepted one is rejected
	// The next request supersedes that one's suggestion in turn.

	res = p.Complete(ctx, req)
	if err := p.Rejected(res.ID, time.Now()); err != nil {
		t.Fatal(err)
	}

	var got []telemetry.Kind
	var partial telemetry.Event
	for _, e := range rec.events {
		switch e.Kind {
		case telemetry.KindAccepted, telemetry.KindPartial, telemetry.KindRejected, telemetry.KindUnseen:
			got = append(got, e.Kind)
		}
		if e.Kind == telemetry.KindPartial {
			partial = e
		}
		if e.ID == "" || e.SuggestionID == "" || e.Time.IsZero() {
			t.Errorf("event %s lacks id, suggestion id or time", e.Kind)
		}
	}
	want := []telemetry.Kind{telemetry.KindAccepted, telemetry.KindPartial, telemetry.KindRejected, telemetry.KindRejected, telemetry.KindRejected}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("decisions = %v, want %v", got, want)
	}
	if partial.AcceptedChars != 3 {
		t.Errorf("partial accepted chars = %d, want 3", partial.AcceptedChars)
	}
	c := ranker.Context{Now: time.Now()}
	p.history.Fill(&c)
	if c.LastDecision != 0 || c.LastRejected != "a + b" {
		t.Errorf("history: last decision %d, last rejected %q", c.LastDecision, c.LastRejected)
	}
}

func TestUnseenWhenSupersededQuickly(t *testing.T) {
	p, rec := newTest(&fakeModel{text: "a + b"}, nil) // default unseen threshold: 250 ms
	req := Request{Path: "/r/a.go", Text: doc, Offset: cursor}
	p.Complete(context.Background(), req)
	p.Complete(context.Background(), req)
	kinds := rec.kinds()
	found := false
	for _, k := range kinds {
		found = found || k == telemetry.KindUnseen
		if k == telemetry.KindRejected {
			t.Errorf("a suggestion superseded at once must count as unseen, got rejected: %v", kinds)
		}
	}
	if !found {
		t.Errorf("no unseen event in %v", kinds)
	}
}

func TestTextOnlyWhenOptedIn(t *testing.T) {
	for _, optIn := range []bool{false, true} {
		p, rec := newTest(&fakeModel{text: "a + b"}, nil)
		s := p.Settings()
		s.Telemetry.StoreText = optIn
		p.SetSettings(s)
		p.Complete(context.Background(), Request{Path: "/r/a.go", Text: doc, Offset: cursor})
		for _, e := range rec.events {
			if e.Kind != telemetry.KindShown {
				continue
			}
			if e.SuggestionHash == "" || e.PromptHash == "" {
				t.Error("hashes must always be set")
			}
			if (e.SuggestionText != "") != optIn || (e.PromptText != "") != optIn {
				t.Errorf("storeText=%v but text stored=%v", optIn, e.SuggestionText != "")
			}
		}
	}
}

func TestCancelledAndBadOffset(t *testing.T) {
	p, rec := newTest(&fakeModel{text: "a + b"}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := p.Complete(ctx, Request{Path: "/r/a.go", Text: doc, Offset: cursor})
	if res.Outcome != OutcomeCancelled || res.Suggestion != "" {
		t.Errorf("cancelled request: outcome %s, suggestion %q", res.Outcome, res.Suggestion)
	}
	for _, e := range rec.events {
		if e.Kind == telemetry.KindShown {
			t.Error("a cancelled request must not be logged as shown")
		}
	}
	res = p.Complete(context.Background(), Request{Text: doc, Offset: len(doc) + 5})
	if res.Outcome != OutcomeError || res.Err == nil {
		t.Errorf("offset past the end: outcome %s, err %v", res.Outcome, res.Err)
	}
}

// TestHeldBack: a suggestion the predictor would have skipped or hidden but
// that is shown anyway (manual trigger, or ranker.explore) says so in its
// shown event and in the decision that follows, with the backend that made it.
func TestHeldBack(t *testing.T) {
	tests := []struct {
		name    string
		gate    gate
		invoked bool
		explore float64
		want    telemetry.Kind
	}{
		{"invoked, gate 1 would skip", gate{false, false}, true, 0, telemetry.KindSkipped},
		{"invoked, gate 2 would hide", gate{true, false}, true, 0, telemetry.KindHidden},
		{"explored, gate 1 would skip", gate{false, true}, false, 1, telemetry.KindSkipped},
		{"explored, gate 2 would hide", gate{true, false}, false, 1, telemetry.KindHidden},
		{"invoked, shown anyway", gate{true, true}, true, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, rec := newTest(&backendModel{fakeModel{text: "a + b"}}, tt.gate)
			s := p.Settings()
			s.Ranker.Explore, s.Telemetry.UnseenMs = tt.explore, 0
			p.SetSettings(s)
			res := p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor, Invoked: tt.invoked})
			if res.Outcome != OutcomeShown {
				t.Fatalf("outcome %s, want shown", res.Outcome)
			}
			if err := p.Rejected(res.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, e := range rec.events {
				if e.Kind != telemetry.KindShown && e.Kind != telemetry.KindRejected {
					continue
				}
				if e.HeldBack != tt.want || e.Backend != "ollama" || e.Model != "fake" {
					t.Errorf("%s event: held back %q backend %q model %q, want %q ollama fake", e.Kind, e.HeldBack, e.Backend, e.Model, tt.want)
				}
			}
		})
	}
	// Exploration off: held back means skipped, as before.
	p, _ := newTest(&fakeModel{text: "a + b"}, gate{false, true})
	if res := p.Complete(context.Background(), Request{Path: "/r/a.go", Text: doc, Offset: cursor}); res.Outcome != OutcomeSkipped {
		t.Errorf("explore 0: outcome %s, want skipped", res.Outcome)
	}
}

type backendModel struct{ fakeModel }

func (b *backendModel) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	r, err := b.fakeModel.Complete(ctx, req)
	r.Backend = "ollama"
	return r, err
}

// An answer that retypes the closer after the cursor replaces it; what the
// document gains is what the telemetry counts.
func TestReplaceRange(t *testing.T) {
	p, rec := newTest(&fakeModel{text: "key)"}, nil)
	text := "package a\n\nfunc f() {\n\tg()\n}\n"
	off := strings.Index(text, "g(") + 2
	res := p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: text, Offset: off})
	if res.Outcome != OutcomeShown || res.Suggestion != "key)" || res.Replace != 1 {
		t.Fatalf("result %q replacing %d (%s), want \"key)\" replacing 1", res.Suggestion, res.Replace, res.Outcome)
	}
	if err := p.Accepted(res.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.events {
		if e.Kind == telemetry.KindAccepted && e.AcceptedChars != 3 {
			t.Errorf("accepted chars = %d, want 3 (\"key\": the \")\" was there)", e.AcceptedChars)
		}
	}
}

// fixedPrompt is a retriever that returns one prompt.
type fixedPrompt retrieval.Prompt

func (f fixedPrompt) Assemble(context.Context, retrieval.Query) (retrieval.Prompt, error) {
	return retrieval.Prompt(f), nil
}

// The model learns which head of the prefix is retrieved context, part
// by part, and the members resolution found.
func TestRetrievedPartsReachModel(t *testing.T) {
	parts := []retrieval.Part{
		{Kind: retrieval.PartDecl, Path: "b.go", Text: "// b.go\nfunc sub(a, b int) int\n"},
		{Kind: retrieval.PartSnippet, Path: "c.go", Text: "// c.go\n/* cut\n"},
		{Kind: retrieval.PartPrefix, Path: "/r/a.go", Text: doc[:cursor]},
		{Kind: retrieval.PartSuffix, Path: "/r/a.go", Text: doc[cursor:]},
	}
	pr := retrieval.Prompt{Prefix: parts[0].Text + parts[1].Text + doc[:cursor], Suffix: doc[cursor:], Parts: parts, Members: []string{"X"}}
	m := &fakeModel{text: "a + b"}
	p := New(Options{Model: m, Retriever: fixedPrompt(pr)}, config.Defaults())
	p.Complete(context.Background(), Request{Path: "/r/a.go", Language: "go", Text: doc, Offset: cursor})
	if want := []string{parts[0].Text, parts[1].Text}; !slices.Equal(m.got.Context, want) || m.got.Prefix != pr.Prefix {
		t.Errorf("model saw context %q and prefix %q; want %q and %q", m.got.Context, m.got.Prefix, want, pr.Prefix)
	}
	if !slices.Equal(m.got.Members, pr.Members) {
		t.Errorf("model saw members %q, want %q", m.got.Members, pr.Members)
	}
}

// A prompt that cuts the file inside a docstring tells the model where its
// text of the file begins.
func TestPromptFileState(t *testing.T) {
	text := "\"\"\"Shelves.\n\nMore.\n\"\"\"\nimport io\nx = io."
	cut := strings.Index(text, "More")
	parts := []retrieval.Part{
		{Kind: retrieval.PartPrefix, Path: "/r/a.py", Text: text[cut:]},
		{Kind: retrieval.PartSuffix, Path: "/r/a.py"},
	}
	m := &fakeModel{text: "open()"}
	for _, tt := range []struct {
		prefix string
		want   lang.Class
	}{{text[cut:], lang.String}, {text, lang.Code}} {
		parts[0].Text = tt.prefix
		p := New(Options{Model: m, Retriever: fixedPrompt(retrieval.Prompt{Prefix: tt.prefix, Parts: parts})}, config.Defaults())
		p.Complete(context.Background(), Request{Path: "/r/a.py", Language: "python", Text: text, Offset: len(text)})
		if got := m.got.FileState.Class(); got != tt.want {
			t.Errorf("prompt from %q: file state %v, want %v", tt.prefix[:8], got, tt.want)
		}
	}
}

package pipeline

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/postprocess"
	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/retrieval"
	"github.com/ghostline/ghostline/secrets"
	"github.com/ghostline/ghostline/telemetry"
)

// Retriever assembles a prompt for a cursor.
type Retriever interface {
	Assemble(ctx context.Context, q retrieval.Query) (retrieval.Prompt, error)
}

// Indexer learns about edits to open documents (re-indexing, model caches).
type Indexer interface {
	Update(path, text string)
}

// Gate is the acceptance predictor.
type Gate interface {
	Before(c ranker.Context) ranker.Decision
	After(c ranker.Context, s ranker.Suggestion) ranker.Decision
}

// Recorder stores telemetry events. Record must not block.
type Recorder interface {
	Record(e telemetry.Event)
}

// SurvivalTracker measures how much accepted text is still in the document later.
type SurvivalTracker interface {
	Accepted(e telemetry.Event, path string, offset int, text string)
	Document(path, text string, at time.Time)
}

// Options are the stages and identities a Pipeline is built from; a nil
// stage is skipped.
type Options struct {
	Model     model.Backend   // required
	Retriever Retriever       // nil: in-file prompt only
	Indexers  []Indexer       // told about every edit
	Gate      Gate            // nil: show everything
	Recorder  Recorder        // nil: no telemetry
	Survival  SurvivalTracker // nil: no survival tracking

	// SessionID, UserID and Repo are written on every event.
	SessionID, UserID, Repo string
}

// Pipeline is safe for concurrent use. Its stages are fixed by New;
// settings change through SetSettings.
type Pipeline struct {
	model     model.Backend
	retriever Retriever
	indexers  []Indexer
	gate      Gate
	recorder  Recorder
	survival  SurvivalTracker
	history   *ranker.History

	sessionID, userID, repo string

	settings atomic.Pointer[config.Settings]
	flights  flights // the model call in flight per document

	mu      sync.Mutex
	pending map[string]*pending // by path: the suggestion on screen
	byID    map[string]*pending // shown, undecided suggestions
	last    Explanation
}

type pending struct {
	id, path, text string
	replace        int // bytes after the cursor the text replaced
	offset         int
	shownAt        time.Time
	base           telemetry.Event
}

// Request is one completion request.
type Request struct {
	Path     string // absolute path of the document
	Language string
	Text     string // whole document
	Offset   int    // byte offset of the cursor in Text
	Invoked  bool   // manual trigger: the predictor never hides it
}

// Outcome says how a request ended.
type Outcome string

const (
	OutcomeShown     Outcome = "shown"
	OutcomeSkipped   Outcome = "skipped"   // gate 1: not worth generating
	OutcomeHidden    Outcome = "hidden"    // gate 2: not worth showing
	OutcomeEmpty     Outcome = "empty"     // nothing left after post-processing
	OutcomeError     Outcome = "error"     // Err says why
	OutcomeCancelled Outcome = "cancelled" // ctx ended first
)

// Timing is one stage's duration.
type Timing struct {
	Stage telemetry.Stage
	D     time.Duration
}

// Result of one request. Suggestion is empty unless Outcome is shown.
type Result struct {
	ID         string
	Suggestion string // text to insert at the cursor
	Outcome    Outcome
	Model      string
	Backend    string // model.Result.Backend
	Decision   ranker.Decision
	Prompt     retrieval.Prompt
	Timings    []Timing
	Notice     string // show the user once (e.g. fell back to the built-in model)
	Err        error

	// Replace is how many bytes after the cursor, on its line, Suggestion
	// replaces (closers the editor inserted, text it retypes).
	Replace int
}

// Explanation is the last decision, for `ghostline/explain`.
type Explanation struct {
	ID       string
	Outcome  Outcome
	Stage    telemetry.Stage // StageGate1 or StageGate2
	Decision ranker.Decision
	Time     time.Time
}

// New returns a Pipeline of the stages in o with the given settings.
func New(o Options, s config.Settings) *Pipeline {
	p := &Pipeline{
		model: o.Model, retriever: o.Retriever, indexers: o.Indexers, gate: o.Gate, recorder: o.Recorder, survival: o.Survival,
		sessionID: o.SessionID, userID: o.UserID, repo: o.Repo,
		history: &ranker.History{}, pending: map[string]*pending{}, byID: map[string]*pending{},
	}
	p.settings.Store(&s)
	return p
}

// Settings returns the settings in force.
func (p *Pipeline) Settings() config.Settings { return *p.settings.Load() }

// SetSettings replaces the settings for later requests. It returns the
// dotted names of the changed settings that apply only after a restart:
// config.RestartOnly ones, and retrieval or telemetry turned on when the
// pipeline was built without them.
func (p *Pipeline) SetSettings(s config.Settings) (restart []string) {
	for _, name := range config.Changed(p.Settings(), s) {
		if config.RestartOnly(name) || name == "retrieval.enabled" && s.Retrieval.Enabled && p.retriever == nil ||
			name == "telemetry.enabled" && s.Telemetry.Enabled && p.recorder == nil {
			restart = append(restart, name)
		}
	}
	p.settings.Store(&s)
	return restart
}

// Complete runs one request through every stage.
func (p *Pipeline) Complete(ctx context.Context, req Request) Result {
	start := time.Now()
	s := p.Settings()
	res := Result{ID: newID()}
	p.supersede(req.Path, start)
	if req.Offset < 0 || req.Offset > len(req.Text) {
		res.Outcome, res.Err = OutcomeError, fmt.Errorf("offset %d outside document of %d bytes", req.Offset, len(req.Text))
		return res
	}
	rules, err := secrets.For(s.Secrets)
	if err != nil {
		res.Notice = "ignoring " + err.Error()
	}
	if why := rules.Refuse(req.Path, req.Text, req.Offset); why != "" {
		// No request to any model, no event: nothing of the file goes anywhere.
		res.Outcome, res.Notice = OutcomeSkipped, why
		return res
	}
	base := p.event(res.ID, req)
	stage := func(name telemetry.Stage, t0 time.Time) {
		res.Timings = append(res.Timings, Timing{name, time.Since(t0)})
	}
	finish := func(kind telemetry.Kind) Result {
		res.Timings = append(res.Timings, Timing{telemetry.StageTotal, time.Since(start)})
		e := base
		e.Kind = kind
		e.Time = time.Now().UTC()
		e.LatencyMs = latencies(res.Timings)
		e.Model, e.Backend = res.Model, res.Backend
		e.Prob, e.Threshold, e.Features = res.Decision.Prob, res.Decision.Threshold, res.Decision.Features()
		e.PromptChars = len(res.Prompt.Prefix) + len(res.Prompt.Suffix)
		if res.Err != nil {
			e.Error = res.Err.Error()
		}
		p.record(e)
		return res
	}
	// fail ends a request whose retrieval or model stage failed.
	fail := func(err error) Result {
		if ctx.Err() != nil {
			res.Outcome, res.Err = OutcomeCancelled, ctx.Err()
			return res
		}
		res.Outcome, res.Err = OutcomeError, err
		return finish(telemetry.KindError)
	}
	p.record(withKind(base, telemetry.KindRequested))

	rc := ranker.Context{Language: req.Language, Prefix: req.Text[:req.Offset], Suffix: req.Text[req.Offset:], Invoked: req.Invoked, Now: start}
	p.history.Fill(&rc)
	gated := p.gate != nil && s.Ranker.Enabled
	// One draw per request: an explored request is shown whatever the gates say.
	exploring := gated && explore(s.Ranker.Explore)
	if gated {
		t0 := time.Now()
		res.Decision = p.gate.Before(rc)
		stage(telemetry.StageGate1, t0)
		if !res.Decision.Show && !req.Invoked && !exploring {
			res.Outcome = OutcomeSkipped
			p.explain(res, telemetry.StageGate1)
			return finish(telemetry.KindSkipped)
		}
		if res.Decision.Held {
			base.HeldBack = telemetry.KindSkipped
		}
	}

	t0 := time.Now()
	prompt, err := p.prompt(ctx, req, s)
	fileState := promptFileState(req, prompt)
	prompt = redact(rules, prompt)
	stage(telemetry.StageRetrieval, t0)
	res.Prompt = prompt
	if err != nil {
		return fail(err)
	}

	t0 = time.Now()
	singleLine := !s.Completion.MultiLine || !postprocess.MultiLine(req.Language, req.Text[req.Offset:])
	mr, err := p.flights.generate(ctx, p.model, req, model.Request{
		Prefix: prompt.Prefix, Suffix: prompt.Suffix, Language: req.Language, Path: req.Path,
		MaxTokens: s.Model.MaxTokens, Stop: s.Model.Stop, SingleLine: singleLine, Temperature: s.Model.Temperature,
		Members: prompt.Members, Context: contextTexts(prompt), FileState: fileState,
	})
	stage(telemetry.StageModel, t0)
	res.Model, res.Backend = mr.Model, mr.Backend
	if mr.Notice != "" {
		res.Notice = mr.Notice
	}
	if err != nil {
		return fail(err)
	}

	t0 = time.Now()
	pp := postprocess.Process(postprocess.Input{
		Raw: mr.Text, Prefix: req.Text[:req.Offset], Suffix: req.Text[req.Offset:],
		Language: req.Language, Path: req.Path, SingleLine: singleLine,
	})
	text := pp.Text
	stage(telemetry.StagePostprocess, t0)
	if text == "" {
		// Nothing worth inserting: this request's one generated event ends it.
		res.Outcome = OutcomeEmpty
		base.SuggestionChars, base.SuggestionLines = 0, 1
		return finish(telemetry.KindGenerated)
	}
	gen := base
	gen.SuggestionChars = len(mr.Text)
	gen.Model, gen.Backend = mr.Model, mr.Backend
	p.record(withKind(gen, telemetry.KindGenerated))
	base.SuggestionChars = len(text)
	base.SuggestionLines = strings.Count(text, "\n") + 1
	p.hashText(&base, prompt.Prefix+prompt.Suffix, text, s)

	if gated {
		t0 = time.Now()
		res.Decision = p.gate.After(rc, ranker.Suggestion{
			Text: text, Confidence: mr.Confidence, HasConfidence: mr.HasConfidence, Backend: mr.Backend, Model: mr.Model, Tokens: mr.Tokens, Prompt: prompt.Prefix,
		})
		stage(telemetry.StageGate2, t0)
		if !res.Decision.Show && !req.Invoked && !exploring {
			res.Outcome = OutcomeHidden
			p.explain(res, telemetry.StageGate2)
			return finish(telemetry.KindHidden)
		}
		if res.Decision.Held && base.HeldBack == "" {
			base.HeldBack = telemetry.KindHidden
		}
	}
	if ctx.Err() != nil {
		res.Outcome, res.Err = OutcomeCancelled, ctx.Err()
		return res
	}
	res.Suggestion, res.Replace, res.Outcome = text, pp.Replace, OutcomeShown
	p.explain(res, telemetry.StageGate2)
	out := finish(telemetry.KindShown)
	shown := base
	shown.Model, shown.Backend, shown.Prob, shown.Threshold, shown.Features = res.Model, res.Backend, res.Decision.Prob, res.Decision.Threshold, res.Decision.Features()
	p.show(&pending{id: res.ID, path: req.Path, text: text, replace: pp.Replace, offset: req.Offset, shownAt: time.Now(), base: shown})
	return out
}

// contextTexts lists the retrieved parts that prompt.Prefix begins with.
func contextTexts(prompt retrieval.Prompt) []string {
	var out []string
	for _, p := range prompt.Parts {
		if p.Kind == retrieval.PartPrefix || p.Kind == retrieval.PartSuffix {
			break
		}
		out = append(out, p.Text)
	}
	return out
}

// promptFileState is the lexer state where the prompt's text of the
// current file begins: the prompt may cut the file inside a docstring or
// comment, and a model that reads the prompt as code would take what
// follows for prose. Only the document's head before that cut is scanned.
func promptFileState(req Request, prompt retrieval.Prompt) lang.State {
	for _, pt := range prompt.Parts {
		if pt.Kind != retrieval.PartPrefix {
			continue
		}
		before := req.Text[:req.Offset]
		if start := len(before) - len(pt.Text); start > 0 && strings.HasSuffix(before, pt.Text) {
			language := req.Language
			if language == "" {
				language = lang.Of(req.Path)
			}
			return lang.Get(language).Scan(before[:start], lang.State{}, nil)
		}
		break
	}
	return lang.State{}
}

// explore reports whether a suggestion the predictor holds back is shown
// anyway, with probability rate (ranker.explore).
func explore(rate float64) bool {
	return rate > 0 && mrand.Float64() < rate
}

func (p *Pipeline) prompt(ctx context.Context, req Request, s config.Settings) (retrieval.Prompt, error) {
	q := PromptQuery(ctx, p.model, req, s)
	if p.retriever != nil && s.Retrieval.Enabled {
		return p.retriever.Assemble(ctx, q)
	}
	return retrieval.InFile(q), nil
}

// PromptQuery is the query a prompt for req is assembled from: in the
// layout of the model s names (model.LayoutFor), within the prompt window
// of m (nil: unknown) when it is smaller than the budget. `ghostline
// context` assembles from it too, so it prints what the model is sent.
func PromptQuery(ctx context.Context, m model.Backend, req Request, s config.Settings) retrieval.Query {
	budget := s.Retrieval.ContextTokens
	if budget <= 0 {
		budget = retrieval.DefaultBudget
	}
	if m != nil {
		if w := model.PromptWindow(ctx, m); w > 0 {
			budget = min(budget, max(w-fimTokens, minBudget))
		}
	}
	return retrieval.Query{Path: req.Path, Language: req.Language, Text: req.Text, Offset: req.Offset, Budget: budget,
		Share: s.Retrieval.ContextShare, SuffixTokens: model.LayoutFor(s.Model).SuffixTokens}
}

const (
	// fimTokens is room for a FIM prompt's special tokens.
	fimTokens = 16
	// minBudget is the least prompt budget, however small the window.
	minBudget = 64
)

// Accepted records that suggestion id was accepted in full.
func (p *Pipeline) Accepted(id string, at time.Time) error {
	pd, err := p.decide(id)
	if err != nil {
		return err
	}
	p.history.Decided(at, true, pd.text)
	e := withKind(pd.base, telemetry.KindAccepted)
	e.Time = at.UTC()
	// What the document gained: the closers the text replaced were there.
	e.AcceptedChars, e.AcceptedWords, e.AcceptedLines = len(pd.text)-pd.replace, len(strings.Fields(pd.text)), strings.Count(pd.text, "\n")+1
	p.record(e)
	if p.survival != nil && p.Settings().Telemetry.Enabled {
		p.survival.Accepted(e, pd.path, pd.offset, pd.text)
	}
	return nil
}

// PartiallyAccepted records that the first chars bytes of suggestion id were
// accepted (next word / next line). The suggestion stays pending: the rest
// may still be accepted or rejected.
func (p *Pipeline) PartiallyAccepted(id string, chars int, at time.Time) error {
	p.mu.Lock()
	pd, ok := p.byID[id]
	p.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownSuggestion, id)
	}
	chars = min(max(chars, 0), len(pd.text))
	part := pd.text[:chars]
	e := withKind(pd.base, telemetry.KindPartial)
	e.Time = at.UTC()
	// The closers the text replaces were in the document already.
	e.AcceptedChars, e.AcceptedWords, e.AcceptedLines = min(chars, len(pd.text)-pd.replace), len(strings.Fields(part)), strings.Count(part, "\n")
	p.record(e)
	return nil
}

// Rejected records an explicit dismissal of suggestion id.
func (p *Pipeline) Rejected(id string, at time.Time) error {
	pd, err := p.decide(id)
	if err != nil {
		return err
	}
	p.reject(pd, at)
	return nil
}

// ErrUnknownSuggestion: feedback for an id that is not pending (already
// decided, superseded, or never shown).
var ErrUnknownSuggestion = errors.New("unknown or already decided suggestion")

func (p *Pipeline) decide(id string) (*pending, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pd, ok := p.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownSuggestion, id)
	}
	delete(p.byID, id)
	if p.pending[pd.path] == pd {
		delete(p.pending, pd.path)
	}
	return pd, nil
}

// reject logs pd as rejected, or as unseen when it was on screen too briefly to read.
func (p *Pipeline) reject(pd *pending, at time.Time) {
	kind := telemetry.KindRejected
	if at.Sub(pd.shownAt) < time.Duration(p.Settings().Telemetry.UnseenMs)*time.Millisecond {
		kind = telemetry.KindUnseen
	} else {
		p.history.Decided(at, false, pd.text)
	}
	e := withKind(pd.base, kind)
	e.Time = at.UTC()
	p.record(e)
}

// supersede rejects the suggestion pending on path: a new request for the
// same document means the user typed past it.
func (p *Pipeline) supersede(path string, at time.Time) {
	p.mu.Lock()
	pd := p.pending[path]
	if pd != nil {
		delete(p.pending, path)
		delete(p.byID, pd.id)
	}
	p.mu.Unlock()
	if pd != nil {
		p.reject(pd, at)
	}
}

// maxPending bounds the undecided suggestions kept (one per open document in practice).
const maxPending = 1024

func (p *Pipeline) show(pd *pending) {
	p.history.Shown(pd.shownAt)
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.byID) >= maxPending {
		for id, old := range p.byID { // drop an arbitrary stale one
			delete(p.byID, id)
			delete(p.pending, old.path)
			break
		}
	}
	p.pending[pd.path] = pd
	p.byID[pd.id] = pd
}

// Edited tells the pipeline that path now has text after an edit that
// inserted or deleted chars characters: it feeds typing speed, survival
// tracking and incremental indexing.
func (p *Pipeline) Edited(path, text string, chars int, at time.Time) {
	p.history.Keystroke(at, chars)
	if p.survival != nil {
		p.survival.Document(path, text, at)
	}
	for _, ix := range p.indexers {
		ix.Update(path, text)
	}
}

// Explain returns the last gate decision.
func (p *Pipeline) Explain() Explanation {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

func (p *Pipeline) explain(res Result, stage telemetry.Stage) {
	p.mu.Lock()
	p.last = Explanation{ID: res.ID, Outcome: res.Outcome, Stage: stage, Decision: res.Decision, Time: time.Now()}
	p.mu.Unlock()
}

func (p *Pipeline) event(id string, req Request) telemetry.Event {
	return telemetry.Event{
		SuggestionID: id, SessionID: p.sessionID, UserID: p.userID, Repo: p.repo,
		Language: req.Language, Model: p.model.Name(), Invoked: req.Invoked,
	}
}

func (p *Pipeline) hashText(e *telemetry.Event, prompt, text string, s config.Settings) {
	e.PromptHash, e.SuggestionHash = hash(prompt), hash(text)
	if s.Telemetry.StoreText {
		e.PromptText, e.SuggestionText = prompt, text
	}
}

func (p *Pipeline) record(e telemetry.Event) {
	if p.recorder == nil || !p.Settings().Telemetry.Enabled {
		return
	}
	e.ID = newID()
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	p.recorder.Record(e)
}

func withKind(e telemetry.Event, k telemetry.Kind) telemetry.Event {
	e.Kind = k
	return e
}

func latencies(ts []Timing) map[telemetry.Stage]float64 {
	m := make(map[telemetry.Stage]float64, len(ts))
	for _, t := range ts {
		m[t.Stage] = telemetry.Ms(t.D)
	}
	return m
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/builtin"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/retrieval"
	"github.com/ghostline/ghostline/secrets"
)

// probeTimeout bounds the start-up check of the model server.
const probeTimeout = 5 * time.Second

// Reporter receives what the engine wants the user to see: background
// indexing progress and one-off messages.
type Reporter interface {
	Progress(title string, done, total int)
	Message(text string)
}

// Engine is a completion pipeline for one repository with the resources
// behind it; it implements what the LSP server needs of it (lsp.Core).
// Close releases them.
type Engine struct {
	pipe    *pipeline.Pipeline
	root    string
	builtin *builtin.Model
	backend *model.Switchable
	gate    *ranker.Gate
	report  Reporter

	index *retrieval.Index // nil when it could not be opened
	// mfile is the built-in model's snapshot, set once the model follows
	// the repository (only a provider that may answer from it needs that);
	// nil without an index.
	mfile    atomic.Pointer[modelFile]
	indexDir string
	// needBuiltin is closed once the built-in model may answer (provider
	// builtin, or auto with the server down): only then does it learn the
	// repository (its tables are half a session's memory). learnt is
	// closed once it has (or never will, the engine closing first); probed
	// once the start-up check of an auto provider's server ended.
	needBuiltin, learnt, probed chan struct{}
	needOnce, probeOnce         sync.Once
	ctx                         context.Context // bounds background work
	cancel                      context.CancelFunc
	wg                          sync.WaitGroup
	closers                     []func() error
}

// Open builds the engine for the repository at root and starts indexing it in
// the background; it returns at once. ctx bounds the background work too.
func Open(ctx context.Context, root string, s config.Settings, r Reporter) (*Engine, error) {
	ctx, cancel := context.WithCancel(ctx)
	e := &Engine{root: root, report: r, ctx: ctx, cancel: cancel,
		needBuiltin: make(chan struct{}), learnt: make(chan struct{}), probed: make(chan struct{})}
	e.builtin = builtin.New(builtin.Options{})
	e.backend = &model.Switchable{}
	if err := e.useModel(s.Model); err != nil {
		cancel()
		return nil, err
	}
	o := pipeline.Options{Model: e.backend, Repo: filepath.Base(root)}

	rules, err := secrets.For(s.Secrets)
	if err != nil {
		r.Message("ignoring " + err.Error())
	}
	if err := e.openIndex(&o, s.Retrieval, s.Model.Provider, rules); err != nil {
		// Completion still works from the current file alone.
		slog.Warn("repository index unavailable; prompts use the current file only", "err", err)
		r.Message(fmt.Sprintf("repository index unavailable (%v); suggestions use the current file only", err))
	}
	if e.index == nil {
		close(e.learnt)
		o.Indexers = append(o.Indexers, learner{e.builtin, rules})
	} else {
		e.wg.Add(1)
		go e.learnWhenNeeded()
	}

	gate, err := ranker.LoadGate("", s.Ranker)
	if err != nil {
		slog.Warn("acceptance predictor unavailable; showing every suggestion", "err", err)
	} else {
		e.gate = gate
		o.Gate = gate
	}
	if s.Telemetry.Enabled {
		e.openTelemetry(&o, s.Telemetry, s.Ranker)
	}
	e.pipe = pipeline.New(o, s)
	return e, nil
}

// openIndex opens the repository index unless retrieval is off (then the
// repository is not read at all; turning it on later needs a restart),
// and makes it o's retriever.
func (e *Engine) openIndex(o *pipeline.Options, c config.Retrieval, provider string, rules *secrets.Rules) error {
	if !c.Enabled {
		return nil
	}
	dir, err := retrieval.Dir(e.root, c)
	if err != nil {
		return err
	}
	// The index feeds the built-in model every file it reads, so the
	// repository is read once for both; with the model restored from its
	// snapshot, only the files changed since. A model server never falls
	// back to the built-in model when chosen explicitly, and auto does only
	// while the server is down: until then the model learns nothing (its
	// tables are half the memory of a session).
	e.indexDir = dir
	if provider == "builtin" {
		e.mfile.Store(openModelFile(e.builtin, filepath.Join(dir, modelFileName)))
	}
	idx, err := retrieval.Open(e.ctx, e.root, c, retrieval.Options{
		Progress: e.report, OnFile: e.learnFile, OnRemove: e.forgetFile, Known: e.knownFile, Watch: true, Secrets: rules,
	})
	if err != nil {
		return err
	}
	e.index = idx
	o.Retriever = idx
	// The index re-reads an edited file and hands it to OnFile, so it
	// alone is told about edits.
	o.Indexers = append(o.Indexers, idx)
	e.closers = append(e.closers, idx.Close)
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if idx.Wait(e.ctx) == nil {
			if mf := e.mfile.Load(); mf != nil {
				if err := mf.save(); err != nil {
					slog.Warn("built-in model not saved; the next start relearns it", "err", err)
				}
			}
			// A first pass that read files allocated far more than it
			// keeps; one that found nothing changed did not (and a warm
			// `complete` would spend a tenth of its time returning it).
			if idx.Stats().Indexed > 0 {
				debug.FreeOSMemory()
			}
		}
	}()
	return nil
}

// useModel points the engine at the backend the settings name.
func (e *Engine) useModel(c config.Model) error {
	b, err := e.backendFor(c)
	if err != nil {
		return err
	}
	e.backend.Set(b)
	if f, ok := b.(*model.Fallback); ok {
		f.OnDown(e.useBuiltin)
		e.probe(f)
	} else {
		e.probeOnce.Do(func() { close(e.probed) })
	}
	if c.Provider == "builtin" {
		e.useBuiltin()
	}
	return nil
}

// probe asks an auto provider's server once, in the background, so the
// user hears about a missing server now rather than at the first
// suggestion (and the built-in model starts learning at once).
func (e *Engine) probe(f *model.Fallback) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer e.probeOnce.Do(func() { close(e.probed) })
		ctx, cancel := context.WithTimeout(e.ctx, probeTimeout)
		defer cancel()
		if notice := f.Probe(ctx); notice != "" {
			e.report.Message(notice)
		}
	}()
}

// backendFor builds the backend c names. "auto" (the default) asks a model
// server and falls back to the built-in model while none answers.
func (e *Engine) backendFor(c config.Model) (model.Backend, error) {
	if c.Provider == "builtin" {
		return e.builtin, nil
	}
	srv, err := model.Open(c)
	if err != nil {
		return nil, err
	}
	if c.Provider != "" && c.Provider != "auto" {
		return srv, nil
	}
	return model.NewFallback(srv, e.builtin), nil
}

// SetSettings applies changed settings: the model backend is swapped when
// its settings changed; everything else takes effect on the next request,
// but for the settings it returns, which apply after a restart
// (Pipeline.SetSettings).
func (e *Engine) SetSettings(s config.Settings) []string {
	old := e.pipe.Settings()
	if !equalModel(old.Model, s.Model) {
		if err := e.useModel(s.Model); err != nil {
			e.report.Message(fmt.Sprintf("model settings not applied: %v", err))
			s.Model = old.Model
		}
	}
	if e.gate != nil {
		e.gate.SetConfig(s.Ranker)
	}
	return e.pipe.SetSettings(s)
}

// Settings returns the settings in force.
func (e *Engine) Settings() config.Settings { return e.pipe.Settings() }

// Complete runs one completion request.
func (e *Engine) Complete(ctx context.Context, req pipeline.Request) pipeline.Result {
	return e.pipe.Complete(ctx, req)
}

// Accepted records that suggestion id was accepted in full.
func (e *Engine) Accepted(id string, at time.Time) error { return e.pipe.Accepted(id, at) }

// PartiallyAccepted records that the first chars bytes of suggestion id
// were accepted.
func (e *Engine) PartiallyAccepted(id string, chars int, at time.Time) error {
	return e.pipe.PartiallyAccepted(id, chars, at)
}

// Rejected records an explicit dismissal of suggestion id.
func (e *Engine) Rejected(id string, at time.Time) error { return e.pipe.Rejected(id, at) }

// Edited tells the pipeline about an edit of an open document.
func (e *Engine) Edited(path, text string, chars int, at time.Time) {
	e.pipe.Edited(path, text, chars, at)
}

// UpdateNow applies a document's text at once, index and built-in model
// both (the demo; an editor's edits go through Edited, debounced).
func (e *Engine) UpdateNow(ctx context.Context, path, text string) error {
	if e.index == nil {
		e.builtin.Learn(path, []byte(text))
		return nil
	}
	return e.index.UpdateNow(ctx, path, text)
}

// Explain returns the last gate decision.
func (e *Engine) Explain() pipeline.Explanation { return e.pipe.Explain() }

// ModelFile says whether the built-in model was restored from its snapshot
// and how many files it had to (re)learn; ok is false without an index.
func (e *Engine) ModelFile() (ModelFile, bool) {
	mf := e.mfile.Load()
	if mf == nil {
		return ModelFile{}, false
	}
	return mf.stats(), true
}

// ModelName is the model in use, for status displays.
func (e *Engine) ModelName() string { return e.backend.Name() }

// WaitReady blocks until the first indexing pass is done and, when the
// built-in model is to answer (after the start-up check of an auto
// provider's server), it learnt the repository: for the command line,
// which answers once rather than while the user types.
func (e *Engine) WaitReady(ctx context.Context) error {
	if e.index == nil {
		return nil
	}
	if err := e.index.Wait(ctx); err != nil {
		return err
	}
	select {
	case <-e.probed:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-e.needBuiltin:
	default:
		return nil
	}
	select {
	case <-e.learnt:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops background work and releases resources.
func (e *Engine) Close() error {
	e.cancel()
	e.wg.Wait()
	var errs []error
	if mf := e.mfile.Load(); mf != nil {
		// What the model learnt from edits since the first pass.
		if err := mf.save(); err != nil {
			slog.Warn("built-in model not saved; the next start relearns it", "err", err)
		}
	}
	for i := len(e.closers) - 1; i >= 0; i-- {
		errs = append(errs, e.closers[i]())
	}
	return errors.Join(errs...)
}

// learner feeds edits of open documents to the built-in model when there is
// no index to do it, as the index would: secrets left out.
type learner struct {
	m     *builtin.Model
	rules *secrets.Rules
}

func (l learner) Update(path, text string) {
	if l.rules.Path(path) {
		return
	}
	text, _ = l.rules.Redact(text)
	l.m.Learn(path, []byte(text))
}

func equalModel(a, b config.Model) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// useBuiltin says the built-in model may answer from now on.
func (e *Engine) useBuiltin() { e.needOnce.Do(func() { close(e.needBuiltin) }) }

// learnWhenNeeded makes the built-in model follow the repository once it
// may answer, and feeds it the indexed files the first pass did not
// (those read before the model was needed).
func (e *Engine) learnWhenNeeded() {
	defer e.wg.Done()
	defer close(e.learnt)
	select {
	case <-e.needBuiltin:
	case <-e.ctx.Done():
		return
	}
	mf := e.mfile.Load()
	if mf == nil {
		mf = openModelFile(e.builtin, filepath.Join(e.indexDir, modelFileName))
		e.mfile.Store(mf)
	}
	if e.index.Wait(e.ctx) != nil {
		return
	}
	if err := e.index.Feed(e.ctx, mf.known, mf.learn); err != nil {
		slog.Warn("built-in model: learning the repository", "err", err)
		return
	}
	if err := mf.save(); err != nil {
		slog.Warn("built-in model not saved; the next start relearns it", "err", err)
	}
}

// learnFile, forgetFile and knownFile are the index's OnFile, OnRemove and
// Known: they reach the built-in model while it follows the repository.
func (e *Engine) learnFile(path string, src []byte) {
	if mf := e.mfile.Load(); mf != nil {
		mf.learn(path, src)
	}
}

func (e *Engine) forgetFile(path string) {
	if mf := e.mfile.Load(); mf != nil {
		mf.forget(path)
	}
}

// knownFile says an unchanged file need not be read for a model that does
// not follow the repository.
func (e *Engine) knownFile(path, hash string) bool {
	mf := e.mfile.Load()
	return mf == nil || mf.known(path, hash)
}

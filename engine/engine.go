package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/builtin"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/ranker"
)

// Reporter receives what the engine wants the user to see: background
// indexing progress and one-off messages.
type Reporter interface {
	Progress(title string, done, total int)
	Message(text string)
}

// Engine is a completion pipeline for one repository with the resources
// behind it. Close releases them.
type Engine struct {
	*pipeline.Pipeline
	root    string
	builtin *builtin.Model
	backend *switchable
	gate    *ranker.Gate
	report  Reporter

	ready   chan struct{} // closed when the first indexing pass is done
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closers []func() error
}

// Open builds the engine for the repository at root and starts indexing it in
// the background; it returns at once. ctx bounds the background work too.
func Open(ctx context.Context, root string, s config.Settings, r Reporter) (*Engine, error) {
	ctx, cancel := context.WithCancel(ctx)
	e := &Engine{root: root, report: r, ready: make(chan struct{}), cancel: cancel}
	e.builtin = builtin.New(builtin.Options{})
	e.backend = &switchable{}
	if err := e.useModel(s.Model); err != nil {
		cancel()
		return nil, err
	}
	e.Pipeline = pipeline.New(e.backend, s)
	e.Repo = filepath.Base(root)
	e.Indexers = append(e.Indexers, learner{e.builtin})

	gate, err := ranker.LoadGate("", s.Ranker)
	if err != nil {
		slog.Warn("acceptance predictor unavailable; showing every suggestion", "err", err)
	} else {
		e.gate = gate
		e.Gate = gate
	}

	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(e.ready)
		e.index(ctx)
	}()
	return e, nil
}

// useModel points the engine at the backend the settings name.
func (e *Engine) useModel(c config.Model) error {
	b, err := e.backendFor(c)
	if err != nil {
		return err
	}
	e.backend.set(b)
	return nil
}

func (e *Engine) backendFor(c config.Model) (model.Backend, error) {
	switch c.Provider {
	case "builtin":
		return e.builtin, nil
	case "", "auto":
		return e.builtin, nil
	default:
		return nil, fmt.Errorf("model.provider %q: want auto, ollama, openai, llamacpp or builtin", c.Provider)
	}
}

// SetSettings applies changed settings: the model backend is swapped when
// its settings changed; everything else takes effect on the next request.
func (e *Engine) SetSettings(s config.Settings) {
	old := e.Settings()
	if !equalModel(old.Model, s.Model) {
		if err := e.useModel(s.Model); err != nil {
			e.report.Message(fmt.Sprintf("model settings not applied: %v", err))
			s.Model = old.Model
		}
	}
	if e.gate != nil {
		e.gate.SetConfig(s.Ranker)
	}
	e.Pipeline.SetSettings(s)
}

// ModelName is the model in use, for status displays.
func (e *Engine) ModelName() string { return e.backend.Name() }

// WaitReady blocks until the first indexing pass is done (for the command
// line, which answers once rather than while the user types).
func (e *Engine) WaitReady(ctx context.Context) error {
	select {
	case <-e.ready:
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
	for i := len(e.closers) - 1; i >= 0; i-- {
		errs = append(errs, e.closers[i]())
	}
	return errors.Join(errs...)
}

// index trains the built-in model on the repository.
func (e *Engine) index(ctx context.Context) {
	var files []string
	_ = filepath.WalkDir(e.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || ctx.Err() != nil {
			return filepath.SkipDir
		}
		if d.IsDir() {
			if n := d.Name(); n != "." && (n[0] == '.' || n == "node_modules" || n == "vendor") && path != e.root {
				return filepath.SkipDir
			}
			return nil
		}
		if builtin.LanguageOf(path) != "" {
			files = append(files, path)
		}
		return nil
	})
	for i, f := range files {
		if ctx.Err() != nil {
			return
		}
		if src, err := os.ReadFile(f); err == nil && len(src) <= 1<<20 {
			rel, _ := filepath.Rel(e.root, f)
			e.builtin.Learn(filepath.ToSlash(rel), src)
		}
		if i%200 == 0 || i == len(files)-1 {
			e.report.Progress("ghostline: learning the repository", i+1, len(files))
		}
	}
}

// learner feeds edits of open documents to the built-in model.
type learner struct{ m *builtin.Model }

func (l learner) Update(path, text string) { l.m.Learn(path, []byte(text)) }

func equalModel(a, b config.Model) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

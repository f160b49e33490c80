package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/ranker"
	"github.com/ghostline/ghostline/ranker/offline"
	"github.com/ghostline/ghostline/telemetry"
	"github.com/ghostline/ghostline/telemetry/upload"
)

// Automatic retraining of the user's acceptance predictor: every
// retrainEvery, when at least retrainStep decisions came in since the model
// file was written.
const (
	retrainEvery = 30 * time.Minute
	retrainStep  = 50
)

// openTelemetry starts the event log. Events are queued from the first
// request on; the database is opened (and checked, which reads the whole
// file) in the background, so a large log never delays the first
// suggestion. A database that cannot be opened costs the events, never a
// completion. The recorder and ids go into o.
func (e *Engine) openTelemetry(o *pipeline.Options, c config.Telemetry, rc config.Ranker) {
	lazy := &lazyStore{ready: make(chan struct{})}
	rec := telemetry.NewRecorder(lazy, telemetry.RecorderOptions{Notify: e.report.Message})
	surv := telemetry.NewSurvival(rec, telemetry.SurvivalOptions{})
	o.Recorder, o.Survival, o.SessionID = rec, surv, telemetry.NewSessionID()
	e.closers = append(e.closers, func() error {
		surv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := rec.Close(ctx)
		return errors.Join(err, lazy.close())
	})

	path, err := telemetry.DefaultPath(c)
	if err == nil {
		// The user id must be on every event, so it is read now (a small file).
		o.UserID, err = telemetry.LocalUserID(filepath.Dir(path))
	}
	if err != nil {
		lazy.fail(err)
		e.telemetryUnavailable(err)
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		// Not cancelled by Close: a session that ends before the check is
		// done still gets the events it queued written at close.
		st, err := telemetry.Open(context.WithoutCancel(e.ctx), path, telemetry.StoreOptions{})
		if err != nil {
			lazy.fail(err)
			e.telemetryUnavailable(err)
			return
		}
		lazy.set(st)
		if e.ctx.Err() != nil {
			return // closing: nothing more to start
		}
		if n := st.Notice(); n != "" {
			e.report.Message(n)
		}
		if c.RetentionDays > 0 {
			if _, err := st.Purge(e.ctx, time.Now().AddDate(0, 0, -c.RetentionDays)); err != nil {
				slog.Warn("telemetry: purge", "err", err)
			}
		}
		e.startUpload(st, c)
		if rc.Enabled && e.gate != nil {
			e.retrain(st)
		}
	}()
}

func (e *Engine) telemetryUnavailable(err error) {
	slog.Warn("telemetry unavailable; serving without it", "err", err)
	e.report.Message(fmt.Sprintf("telemetry unavailable (%v); completions work as usual", err))
}

// startUpload runs the team uploader when the user configured a collector.
func (e *Engine) startUpload(st *telemetry.Store, c config.Telemetry) {
	opt, ok, err := upload.FromSettings(c)
	if err == nil && ok {
		var u *upload.Uploader
		if u, err = upload.New(e.ctx, st, opt); err == nil {
			e.wg.Add(1)
			go func() {
				defer e.wg.Done()
				u.Run(e.ctx)
			}()
		}
	}
	if err != nil {
		e.report.Message(fmt.Sprintf("team upload off: %v", err))
	}
}

// retrain fits the user's own predictor from their decisions whenever
// enough new ones came in, until the engine closes. The gate picks up the
// rewritten file by itself.
func (e *Engine) retrain(st *telemetry.Store) {
	t := time.NewTicker(retrainEvery)
	defer t.Stop()
	for {
		if err := retrainOnce(e.ctx, st, e.gate); err != nil {
			slog.Warn("ranker: retraining on your decisions failed", "err", err)
		}
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// retrainOnce trains and writes the user's model when the log holds at
// least retrainStep decisions more than the current model was trained on.
func retrainOnce(ctx context.Context, st offline.Exporter, g *ranker.Gate) error {
	ds, err := offline.ReadFrom(ctx, st)
	if errors.Is(err, offline.ErrNoRecords) {
		return nil
	}
	if err != nil {
		return err
	}
	have := 0
	if m := g.UserModel(); m != nil {
		have = m.Decisions
	}
	if len(ds.Examples) < max(offline.MinExamples, have+retrainStep) {
		return nil
	}
	m, err := offline.Train(ds, offline.TrainOptions{Source: "telemetry (automatic)"})
	if errors.Is(err, offline.ErrTooFewDecisions) {
		return nil // e.g. only rejections so far
	}
	if err != nil {
		return err
	}
	if err := m.WriteFile(g.Path()); err != nil {
		return err
	}
	g.Reload()
	slog.Info("ranker: retrained on your decisions", "decisions", m.Decisions, "path", g.Path())
	return nil
}

// lazyStore is the recorder's writer until the database is open: batches
// wait for it (the recorder queues, and drops when full, meanwhile), then
// go to it, or fail with why it could not be opened.
type lazyStore struct {
	ready chan struct{}
	once  sync.Once
	st    *telemetry.Store
	err   error
}

func (l *lazyStore) set(st *telemetry.Store) {
	l.once.Do(func() { l.st = st; close(l.ready) })
}

func (l *lazyStore) fail(err error) {
	l.once.Do(func() { l.err = err; close(l.ready) })
}

func (l *lazyStore) Insert(ctx context.Context, evs []telemetry.Event) error {
	select {
	case <-l.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	if l.err != nil {
		return l.err
	}
	return l.st.Insert(ctx, evs)
}

// close closes the store once the recorder has drained into it.
func (l *lazyStore) close() error {
	l.fail(os.ErrClosed) // a store still opening is not waited for
	if l.st == nil {
		return nil
	}
	return l.st.Close()
}

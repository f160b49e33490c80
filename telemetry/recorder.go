package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Writer stores batches of events; *Store is one.
type Writer interface {
	Insert(ctx context.Context, events []Event) error
}

// RecorderOptions configure a Recorder; zero values take the defaults.
type RecorderOptions struct {
	QueueSize int           // events waiting to be written; default 4096
	BatchSize int           // write as soon as this many wait; default 256
	Interval  time.Duration // else write at least this often; default 500 ms
	// MaxRetained bounds the events kept for another try while writes fail
	// (a locked database, a full disk); older ones are given up, counted.
	// Default QueueSize.
	MaxRetained int
	// Notify, if set, is told once per recorder when events cannot be
	// stored, in words for the user (a log line alone goes unseen).
	Notify func(msg string)
}

// Recorder takes events on the request path and writes them in batches
// from its own goroutine (accepts, partial accepts and rejects at once). Record never blocks: when the queue is full the
// event is dropped and counted. A failed write is retried at the next
// interval, so a database locked for a while loses nothing. The backlog is
// written oldest first in batches of at most BatchSize, halved after each
// failure (down to one event), so that after a full disk what fits is
// stored as soon as there is room, rather than a backlog that no longer fits
// in one transaction failing for ever.
type Recorder struct {
	w        Writer
	opt      RecorderOptions
	ch       chan Event
	kick     chan struct{} // a batch is waiting
	flushReq chan chan error
	stop     chan struct{}
	done     chan struct{}
	ctx      context.Context // cancelled when Close gives up waiting
	cancel   context.CancelFunc

	mu     sync.RWMutex // held for reading while sending, so Close never strands an event
	closed bool

	dropped, failed, writeErrors atomic.Int64
	warnedDrop                   atomic.Bool

	notified atomic.Bool

	// Owned by the writer goroutine.
	buf     []Event
	batch   int // events per write now: BatchSize, less after failures
	failing bool
}

// NewRecorder starts a recorder writing to w; Close stops it.
func NewRecorder(w Writer, opt RecorderOptions) *Recorder {
	if opt.QueueSize <= 0 {
		opt.QueueSize = 4096
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 256
	}
	if opt.Interval <= 0 {
		opt.Interval = 500 * time.Millisecond
	}
	if opt.MaxRetained <= 0 {
		opt.MaxRetained = opt.QueueSize
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Recorder{
		w: w, opt: opt, ch: make(chan Event, opt.QueueSize), kick: make(chan struct{}, 1), flushReq: make(chan chan error),
		stop: make(chan struct{}), done: make(chan struct{}), ctx: ctx, cancel: cancel,
	}
	r.batch = opt.BatchSize
	go r.run()
	return r
}

// Record queues e for writing; it never blocks. The writer is woken once
// per batch, not per event: waking a goroutine costs microseconds.
func (r *Recorder) Record(e Event) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.closed {
		select {
		case r.ch <- e:
			// The user's decisions are the events worth most (the
			// predictor learns from them) and come a few a second: they
			// are written at once, not with the next batch, so that a
			// crash loses almost none of them.
			if len(r.ch) >= r.opt.BatchSize || decision(e.Kind) {
				select {
				case r.kick <- struct{}{}:
				default:
				}
			}
			return
		default:
		}
	}
	r.dropped.Add(1)
	if r.warnedDrop.CompareAndSwap(false, true) {
		slog.Warn("telemetry: event queue full or closed; dropping events (counted)", "queue", r.opt.QueueSize)
	}
}

// decision reports whether k is the user's verdict on a suggestion.
func decision(k Kind) bool {
	return k == KindAccepted || k == KindPartial || k == KindRejected
}

// Dropped is the number of events dropped because the queue was full (or
// the recorder closed).
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Failed is the number of events given up after writes kept failing.
func (r *Recorder) Failed() int64 { return r.failed.Load() }

// WriteErrors is the number of failed writes.
func (r *Recorder) WriteErrors() int64 { return r.writeErrors.Load() }

// errClosed: Flush after Close.
var errClosed = errors.New("telemetry recorder closed")

// Flush writes every event recorded before the call and returns the
// write's error (the events stay queued for another try).
func (r *Recorder) Flush(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case r.flushReq <- reply:
	case <-r.done:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops taking events, writes those queued and stops the writer. If
// ctx ends first, the write in progress is abandoned.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	close(r.stop)
	select {
	case <-r.done:
	case <-ctx.Done():
		r.cancel()
		return fmt.Errorf("telemetry: closing: %w", ctx.Err())
	}
	r.cancel()
	if n := len(r.buf); n > 0 {
		return fmt.Errorf("telemetry: %d events not stored (%d writes failed)", n, r.writeErrors.Load())
	}
	return nil
}

func (r *Recorder) run() {
	defer close(r.done)
	t := time.NewTicker(r.opt.Interval)
	defer t.Stop()
	for {
		select {
		case <-r.kick:
			// While writes fail, retry on the ticker only.
			r.drain()
			if !r.failing {
				r.write()
			}
		case <-t.C:
			r.drain()
			r.write()
		case reply := <-r.flushReq:
			r.drain()
			reply <- r.write()
		case <-r.stop:
			r.drain()
			if r.write() != nil {
				r.failed.Add(int64(len(r.buf)))
			}
			return
		}
	}
}

// add buffers e. When too many wait for retry, the oldest batch is given
// up (a batch at a time, so a long outage costs no copying per event).
func (r *Recorder) add(e Event) {
	if len(r.buf) >= r.opt.MaxRetained {
		n := min(r.opt.BatchSize, len(r.buf))
		r.buf = append(r.buf[:0], r.buf[n:]...)
		r.failed.Add(int64(n))
	}
	r.buf = append(r.buf, e)
}

// drain moves every queued event into the buffer.
func (r *Recorder) drain() {
	for {
		select {
		case e := <-r.ch:
			r.add(e)
		default:
			return
		}
	}
}

// write stores the buffer, oldest first, in batches; on failure it keeps
// what is left for the next try, halves the batch, logs the first failure
// of a run of them and tells the user once.
func (r *Recorder) write() error {
	stored := 0
	defer func() {
		// Drop what was stored: copy the rest down, so the buffer's
		// capacity is reused rather than its head leaked.
		if stored > 0 {
			r.buf = append(r.buf[:0], r.buf[stored:]...)
		}
	}()
	for stored < len(r.buf) {
		n := min(r.batch, len(r.buf)-stored)
		if err := r.w.Insert(r.ctx, r.buf[stored:stored+n]); err != nil {
			r.writeErrors.Add(1)
			r.batch = max(1, n/2)
			if !r.failing {
				slog.Warn("telemetry: cannot store events; will retry", "err", err, "waiting", len(r.buf)-stored)
				r.notify(err)
			}
			r.failing = true
			return err
		}
		stored += n
		if r.failing {
			slog.Info("telemetry: storing events again")
			r.failing = false
		}
		r.batch = min(r.opt.BatchSize, 2*r.batch)
	}
	return nil
}

// notify tells the user, once, that events are not being stored.
func (r *Recorder) notify(err error) {
	if r.opt.Notify != nil && r.notified.CompareAndSwap(false, true) {
		r.opt.Notify(fmt.Sprintf("telemetry: cannot store events (%v); up to %d are kept and stored once there is room, older ones dropped (counted); completions are not affected", err, r.opt.MaxRetained))
	}
}

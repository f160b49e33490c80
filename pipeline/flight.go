package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ghostline/ghostline/model"
)

// A model call outlives the request that started it: when the user types
// on, the editor cancels that request and sends another, and a local
// model server has already done most of the call's work (it evaluated the
// prompt). So the call runs on, and a later request for the same document
// that is the first one typed through — the same text after the cursor,
// the text before it grown by what was typed — waits for it and answers
// with what is left of its text once the typed characters are taken off,
// when the text starts with them, unless a request already answered from
// it (then the editor's own cache of what it showed takes over). Any other
// request cancels it and starts its own.

// flight is one document's model call.
type flight struct {
	before, after string // the document before and after the cursor
	singleLine    bool
	cancel        context.CancelFunc
	done          chan struct{}
	res           model.Result // set before done closes
	err           error
	panicked      any // the call's panic, raised again in the requests that wait for it
	// delivered: a request has answered from the call; from then on the
	// editor's cache of what it was shown answers typed-through requests
	// (or, rejected or turned off, does not).
	delivered bool
}

// flights holds the last model call per document. Safe for concurrent use.
type flights struct {
	mu  sync.Mutex
	all map[string]*flight // by document path
}

// maxFlights bounds the documents whose last call is kept.
const maxFlights = 64

// generate answers req (whose model request is mr) from the document's
// call in flight when req types through it, else from a new call.
func (fs *flights) generate(ctx context.Context, m model.Backend, req Request, mr model.Request) (model.Result, error) {
	if err := ctx.Err(); err != nil {
		return model.Result{}, err
	}
	before, after := req.Text[:req.Offset], req.Text[req.Offset:]
	fs.mu.Lock()
	f := fs.all[req.Path]
	reuse := f != nil && !f.delivered && f.singleLine == mr.SingleLine && f.after == after && strings.HasPrefix(before, f.before)
	fs.mu.Unlock()
	if reuse {
		if err := f.wait(ctx, false); err != nil {
			return model.Result{}, err
		}
		typed := before[len(f.before):]
		switch {
		case f.err == nil && len(f.res.Text) > len(typed) && strings.HasPrefix(f.res.Text, typed):
			fs.deliver(f)
			res := f.res
			res.Text = res.Text[len(typed):]
			return res, nil
		case f.panicked == nil && errors.Is(f.err, context.Canceled):
			// A newer request replaced the call: this one is stale.
			return model.Result{}, f.err
		}
	}
	f = fs.start(m, req.Path, before, after, mr, context.WithoutCancel(ctx))
	if err := f.wait(ctx, true); err != nil {
		return model.Result{}, err
	}
	fs.deliver(f)
	return f.res, f.err
}

func (fs *flights) deliver(f *flight) {
	fs.mu.Lock()
	f.delivered = true
	fs.mu.Unlock()
}

// start runs a model call for path, cancelling the one it replaces.
func (fs *flights) start(m model.Backend, path, before, after string, mr model.Request, ctx context.Context) *flight {
	ctx, cancel := context.WithCancel(ctx)
	f := &flight{before: before, after: after, singleLine: mr.SingleLine, cancel: cancel, done: make(chan struct{})}
	fs.mu.Lock()
	if old := fs.all[path]; old != nil {
		old.cancel()
	}
	if fs.all == nil || len(fs.all) >= maxFlights && fs.all[path] == nil {
		for _, old := range fs.all {
			old.cancel()
		}
		fs.all = map[string]*flight{}
	}
	fs.all[path] = f
	fs.mu.Unlock()
	go func() {
		defer close(f.done)
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				f.panicked, f.err = r, fmt.Errorf("model call panicked: %v", r)
			}
		}()
		f.res, f.err = m.Complete(ctx, mr)
	}()
	return f
}

// wait waits for f, or for ctx to end. A panic of the call is raised
// again when raise is set (the request that started it).
func (f *flight) wait(ctx context.Context, raise bool) error {
	select {
	case <-f.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if raise && f.panicked != nil {
		panic(f.panicked)
	}
	return ctx.Err()
}

package lsp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/internal/ctxtime"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/telemetry"
)

// inlineCompletion takes the document as it is now, in the read loop, and
// answers in a goroutine.
func (s *Server) inlineCompletion(conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	var p InlineCompletionParams
	if err := decode(req, &p); err != nil {
		s.reply(conn, req.ID, nil, err)
		return
	}
	d := s.docs.get(p.TextDocument.URI)
	if d == nil {
		s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: fmt.Sprintf("document %s is not open (didOpen first)", p.TextDocument.URI)})
		return
	}
	if s.tooLarge(d) {
		// Answered at once: the document is text only (store.open), and
		// converting a position would index it.
		slog.Debug("lsp: document too large to complete", "uri", d.uri, "bytes", len(d.text), "max", s.maxFileBytes())
		s.reply(conn, req.ID, InlineCompletionList{Items: []InlineCompletionItem{}}, nil)
		return
	}
	enc := s.encoding()
	off := d.Offset(p.Position, enc)
	sess := s.sessionNow()
	auto := p.Context.TriggerKind != TriggerInvoked
	var wait time.Duration
	if auto {
		wait = s.pace.delay(sess.Settings().Completion, endsToken(d.Text(), off))
	}
	s.async(conn, req, d.uri, func(ctx context.Context) (any, error) {
		return s.complete(ctx, conn, sess, d, off, enc, auto, wait)
	})
}

// complete answers one inline completion request: from the typed-through
// cache if it can, else, after the debounce wait for automatic requests,
// from the pipeline.
func (s *Server) complete(ctx context.Context, conn *jsonrpc2.Conn, sess *Session, d *document, off int, enc Encoding, auto bool, wait time.Duration) (any, error) {
	cfg := sess.Settings().Completion
	none := InlineCompletionList{Items: []InlineCompletionItem{}}
	if !cfg.Enabled {
		return none, nil
	}
	pos := d.Position(off, enc)
	if sug, rest, ok := s.cache.lookup(d.uri, d.text, off); ok {
		s.items.sent(sug.id, d.uri, sug.text, len(sug.text)-len(rest))
		return itemList(rest, sug.id, pos, d.Position(off+sug.replace, enc)), nil
	}
	if auto {
		if err := ctxtime.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		s.pace.started()
	}
	res := sess.Complete(ctx, pipeline.Request{Path: d.path, Language: d.language, Text: d.text, Offset: off, Invoked: !auto})
	s.observe(conn, res)
	switch res.Outcome {
	case pipeline.OutcomeCancelled:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	case pipeline.OutcomeShown:
		s.cache.add(d.uri, &suggestion{id: res.ID, prefix: d.text[:off], suffix: d.text[off:], text: res.Suggestion, replace: res.Replace})
		s.items.sent(res.ID, d.uri, res.Suggestion, 0)
		return itemList(res.Suggestion, res.ID, pos, d.Position(off+res.Replace, enc)), nil
	}
	return none, nil
}

// itemList is one item that replaces the text between start and end (the
// cursor, or what follows it on its line) with text.
func itemList(text, id string, start, end protocol.Position) InlineCompletionList {
	return InlineCompletionList{Items: []InlineCompletionItem{{
		InsertText: text,
		Range:      &protocol.Range{Start: start, End: end},
		Command:    &protocol.Command{Title: "Accept ghostline suggestion", Command: CommandAccept, Arguments: []any{id}},
	}}}
}

// observe updates the status figures and tells the user about failures and
// notices, once each.
func (s *Server) observe(conn *jsonrpc2.Conn, res pipeline.Result) {
	s.mu.Lock()
	for _, t := range res.Timings {
		if t.Stage == telemetry.StageTotal {
			s.stats.LastLatencyMs = telemetry.Ms(t.D)
		}
	}
	switch res.Outcome {
	case pipeline.OutcomeShown:
		s.stats.Shown++
	case pipeline.OutcomeHidden, pipeline.OutcomeSkipped:
		s.stats.Hidden++
	}
	s.mu.Unlock()
	slog.Debug("lsp: completion", "outcome", res.Outcome, "model", res.Model, "pAccept", res.Decision.Prob, "chars", len(res.Suggestion))

	switch res.Outcome {
	case pipeline.OutcomeError:
		if msg, tell := s.notes.failed(res.Err); tell {
			s.showMessage(conn, protocol.MessageTypeWarning, msg)
		}
		slog.Debug("lsp: completion failed", "err", res.Err)
	case pipeline.OutcomeShown, pipeline.OutcomeEmpty, pipeline.OutcomeHidden:
		s.notes.succeeded() // the model answered
	}
	if res.Notice != "" && s.notes.notice(res.Notice) {
		s.showMessage(conn, protocol.MessageTypeInfo, "ghostline: "+res.Notice)
	}
}

// notifier decides which failures the user hears about: one message per
// kind of failure, not one per keystroke, until the model answers again.
// Safe for concurrent use.
type notifier struct {
	mu      sync.Mutex
	class   string // kind of the failure last told; "" while healthy
	last    string // its message, for ghostline/status
	notices map[string]bool
}

// failed returns the message for err and whether to show it.
func (n *notifier) failed(err error) (string, bool) {
	class, msg := explainError(err)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.last = msg
	if class == n.class {
		return msg, false
	}
	n.class = class
	return msg, true
}

func (n *notifier) succeeded() {
	n.mu.Lock()
	n.class, n.last = "", ""
	n.mu.Unlock()
}

// notice reports whether text has not been shown before.
func (n *notifier) notice(text string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.notices[text] {
		return false
	}
	if n.notices == nil {
		n.notices = map[string]bool{}
	}
	n.notices[text] = true
	return true
}

func (n *notifier) lastError() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.last
}

// advised is an error that names its kind and says what to do about it,
// as the model backends' errors do.
type advised interface {
	error
	Class() string
	Fix() string
}

// explainError returns the kind of a pipeline error (for telling the user
// once per kind) and the message to show.
func explainError(err error) (class, msg string) {
	var a advised
	if errors.As(err, &a) {
		return a.Class(), fmt.Sprintf("ghostline: %v. To fix: %s (`ghostline doctor` checks the setup).", err, a.Fix())
	}
	return "other", fmt.Sprintf("ghostline: completion failed: %v", err)
}

// items remembers what the editor was last sent for each suggestion, so a
// partial accept, counted in the editor's units of what it displays, maps to
// bytes of the whole suggestion. Safe for concurrent use.
type items struct {
	lru *lru.Cache[string, sentItem]
}

type sentItem struct {
	uri  string // the document it was shown in
	text string // the whole suggestion
	from int    // bytes of it already typed when last sent
}

// maxItems bounds the suggestions remembered (a few per open document).
const maxItems = 1024

func newItems() *items {
	c, _ := lru.New[string, sentItem](maxItems)
	return &items{lru: c}
}

func (it *items) sent(id, uri, text string, from int) { it.lru.Add(id, sentItem{uri, text, from}) }

// uri returns the document suggestion id was shown in, or "".
func (it *items) uri(id string) string {
	e, _ := it.lru.Peek(id)
	return e.uri
}

func (it *items) forget(id string) { it.lru.Remove(id) }

// acceptedBytes converts n accepted units of what was last sent for id
// into the number of bytes of the whole suggestion now accepted.
func (it *items) acceptedBytes(id string, n int, enc Encoding) (int, bool) {
	e, ok := it.lru.Get(id)
	if !ok {
		return 0, false
	}
	return e.from + unitsToBytes(e.text[e.from:], max(n, 0), enc), true
}

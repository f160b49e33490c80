package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/pipeline"
)

// Core is what the server needs of the completion pipeline;
// *pipeline.Pipeline and *engine.Engine implement it.
type Core interface {
	Complete(ctx context.Context, req pipeline.Request) pipeline.Result
	Accepted(id string, at time.Time) error
	PartiallyAccepted(id string, chars int, at time.Time) error
	Rejected(id string, at time.Time) error
	Edited(path, text string, chars int, at time.Time)
	Explain() pipeline.Explanation
	Settings() config.Settings
	// SetSettings applies settings to later requests and returns the
	// dotted names of those that apply only after a restart.
	SetSettings(config.Settings) (restart []string)
}

// Session is the pipeline opened for one workspace.
type Session struct {
	Core
	// ModelName names the model in use, for ghostline/status; may be nil.
	ModelName func() string
	// Close releases the pipeline at shutdown; may be nil.
	Close func() error
}

// Reporter receives progress and messages from whoever opens the session
// (indexing, model loading); the server forwards them to the editor as
// $/progress and window/showMessage. Calls never block.
type Reporter interface {
	Progress(title string, done, total int)
	Message(text string)
}

// Factory opens the session for the workspace root with the settings from
// initializationOptions. The server calls it once, during initialize.
type Factory func(ctx context.Context, root string, s config.Settings, r Reporter) (*Session, error)

// ErrNoShutdown: the connection ended (exit, or end of input) without a
// shutdown request first; LSP asks for exit status 1 then.
var ErrNoShutdown = errors.New("connection ended without shutdown")

// Reasons a request's context ends, told to the client in the -32800 answer.
var (
	errSuperseded = errors.New("superseded by a newer request for the document")
	errCancelled  = errors.New("cancelled by the client")
	errShutdown   = errors.New("server shutting down")
	errChanged    = errors.New("the document changed")
	errClosed     = errors.New("the document was closed")
)

type state int

const (
	stateNew state = iota
	stateRunning
	stateShutdown
)

// Server is one LSP session over one connection. Create it with New and
// run it with Serve.
type Server struct {
	factory Factory
	version string

	ctx    context.Context // cancelled at shutdown and disconnect
	cancel context.CancelFunc

	in       *stream // the connection's; large params wait there (setAside)
	docs     *store
	pace     pacer
	cache    *cache
	items    *items
	notes    notifier
	progress *progress
	edits    chan func() // Core.Edited calls, in document order
	lanes    lanes       // documents waiting for a large message
	stop     chan struct{}
	wg       sync.WaitGroup // request goroutines

	mu       sync.Mutex
	state    state
	closing  bool // teardown began: no more request goroutines
	session  *Session
	enc      Encoding
	base     config.Settings // defaults + initializationOptions
	inflight map[jsonrpc2.ID]context.CancelCauseFunc
	latest   map[string]jsonrpc2.ID // the newest inlineCompletion per document
	stats    Status

	closeOnce sync.Once // closes the session
}

// New returns a server that opens its pipeline with factory; version is
// reported as serverInfo.version.
func New(factory Factory, version string) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		factory: factory, version: version, ctx: ctx, cancel: cancel,
		docs: newStore(), cache: newCache(config.Defaults().Completion.CacheSize), items: newItems(),
		edits: make(chan func(), 256), stop: make(chan struct{}),
		enc: UTF16, inflight: map[jsonrpc2.ID]context.CancelCauseFunc{}, latest: map[string]jsonrpc2.ID{},
	}
}

// Serve speaks LSP over rwc until exit, end of input or ctx's end. It
// returns nil after shutdown then exit, ErrNoShutdown otherwise. A Server
// serves one connection.
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	go s.applyEdits()
	s.in = newStream(rwc)
	conn := jsonrpc2.NewConn(ctx, s.in, s, jsonrpc2.SetLogger(slogLogger{}))
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	s.mu.Lock()
	clean := s.state == stateShutdown
	s.mu.Unlock()
	s.teardown(errShutdown)
	close(s.stop)
	if !clean {
		return ErrNoShutdown
	}
	return nil
}

// teardown cancels every request, waits briefly for them, and closes the
// session once.
func (s *Server) teardown(cause error) {
	s.mu.Lock()
	s.closing = true
	for _, cancel := range s.inflight {
		cancel(cause)
	}
	s.mu.Unlock()
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		slog.Warn("lsp: requests still running at shutdown")
	}
	// Once, and a second teardown (exit racing shutdown) waits for the first.
	s.closeOnce.Do(func() {
		s.mu.Lock()
		sess, prog := s.session, s.progress
		s.mu.Unlock()
		if prog != nil {
			prog.close()
		}
		if sess != nil && sess.Close != nil {
			if err := sess.Close(); err != nil {
				slog.Warn("lsp: close session", "err", err)
			}
		}
	})
}

// Handle implements jsonrpc2.Handler. It runs in the connection's read loop:
// notifications are applied here, in order; requests that may wait are
// handed to goroutines. A large document message, and what follows it on
// its document, is handled in that document's lane instead.
func (s *Server) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	if raw := s.in.takeAside(req.Params); raw != nil {
		req.Params = &raw
	}
	if uri := s.lane(req); uri != "" {
		s.lanes.add(uri, func() { s.handle(conn, req) })
		return
	}
	s.handle(conn, req)
}

func (s *Server) handle(conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("lsp: panic in handler", "method", req.Method, "panic", r, "stack", string(debug.Stack()))
			if !req.Notif {
				s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: fmt.Sprintf("internal error in %s: %v", req.Method, r)})
			}
		}
	}()
	if req.Notif {
		s.notification(conn, req)
		return
	}
	s.request(conn, req)
}

func (s *Server) request(conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	switch {
	case req.Method == protocol.MethodInitialize && st == stateNew:
		res, err := s.initialize(conn, req)
		s.reply(conn, req.ID, res, err)
		return
	case req.Method == protocol.MethodInitialize:
		s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: "initialize was already received"})
		return
	case st == stateNew:
		s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: CodeServerNotInitialized, Message: fmt.Sprintf("%s before initialize", req.Method)})
		return
	case st == stateShutdown:
		s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: fmt.Sprintf("%s after shutdown", req.Method)})
		return
	}
	switch req.Method {
	case protocol.MethodShutdown:
		s.shutdown(conn, req)
	case MethodInlineCompletion:
		s.inlineCompletion(conn, req)
	case protocol.MethodWorkspaceExecuteCommand:
		// In the read loop, like didPartialAccept and didReject: feedback
		// must be applied in order with the document notifications around
		// it, or an edit right after an accept supersedes the suggestion
		// first. Accepted only records an event; it does not wait.
		res, err := s.executeCommand(req)
		s.reply(conn, req.ID, res, err)
	case MethodExplain:
		s.async(conn, req, "", func(ctx context.Context) (any, error) { return s.explain(), nil })
	case MethodStatus:
		s.async(conn, req, "", func(ctx context.Context) (any, error) { return s.status(), nil })
	default:
		s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not found: " + req.Method})
	}
}

func (s *Server) notification(conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	switch req.Method {
	case protocol.MethodExit:
		conn.Close()
		return
	case protocol.MethodCancelRequest:
		s.cancelRequest(req)
		return
	}
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	if st != stateRunning {
		slog.Debug("lsp: dropping notification outside a running session", "method", req.Method)
		return
	}
	var err error
	switch req.Method {
	case protocol.MethodInitialized:
		s.mu.Lock()
		prog := s.progress
		s.mu.Unlock()
		prog.start()
	case protocol.MethodTextDocumentDidOpen:
		err = s.didOpen(req)
	case protocol.MethodTextDocumentDidChange:
		err = s.didChange(req)
	case protocol.MethodTextDocumentDidClose:
		err = s.didClose(req)
	case protocol.MethodTextDocumentDidSave:
		// Nothing to do: the text is already known from didChange.
	case protocol.MethodWorkspaceDidChangeConfiguration:
		err = s.didChangeConfiguration(conn, req)
	case MethodPartialAccept:
		err = s.didPartialAccept(req)
	case MethodReject:
		err = s.didReject(req)
	default:
		if !strings.HasPrefix(req.Method, "$/") {
			slog.Debug("lsp: ignoring unknown notification", "method", req.Method)
		}
	}
	if err != nil {
		slog.Warn("lsp: notification failed", "method", req.Method, "err", err)
	}
}

// async runs fn in a goroutine with a context that $/cancelRequest and
// shutdown cancel, and replies with its result. A non-empty uri makes it
// the newest request for that document, cancelling the previous one.
func (s *Server) async(conn *jsonrpc2.Conn, req *jsonrpc2.Request, uri string, fn func(ctx context.Context) (any, error)) {
	ctx, cancel := context.WithCancelCause(s.ctx)
	s.mu.Lock()
	if s.closing { // a request from a lane, after teardown's wait began
		s.mu.Unlock()
		cancel(nil)
		s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: CodeRequestCancelled, Message: "request cancelled: " + errShutdown.Error()})
		return
	}
	s.inflight[req.ID] = cancel
	s.wg.Add(1)
	s.mu.Unlock()
	if uri != "" {
		s.cancelLatest(uri, errSuperseded)
		s.mu.Lock()
		s.latest[uri] = req.ID
		s.mu.Unlock()
	}
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.inflight, req.ID)
			if uri != "" && s.latest[uri] == req.ID {
				delete(s.latest, uri)
			}
			s.mu.Unlock()
			cancel(nil)
		}()
		defer func() {
			if r := recover(); r != nil {
				slog.Error("lsp: panic in request", "method", req.Method, "panic", r, "stack", string(debug.Stack()))
				s.replyErr(conn, req.ID, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: fmt.Sprintf("internal error in %s: %v", req.Method, r)})
			}
		}()
		res, err := fn(ctx)
		if err == nil && ctx.Err() != nil && res == nil {
			err = ctx.Err()
		}
		if errors.Is(err, context.Canceled) {
			err = &jsonrpc2.Error{Code: CodeRequestCancelled, Message: "request cancelled: " + context.Cause(ctx).Error()}
		}
		s.reply(conn, req.ID, res, err)
	}()
}

// cancelLatest cancels the newest inlineCompletion request for uri, if one
// is running.
func (s *Server) cancelLatest(uri string, cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.latest[uri]; ok {
		if cancel := s.inflight[id]; cancel != nil {
			cancel(cause)
		}
	}
}

func (s *Server) cancelRequest(req *jsonrpc2.Request) {
	var p cancelParams
	if err := decode(req, &p); err != nil {
		slog.Warn("lsp: bad $/cancelRequest", "err", err)
		return
	}
	var id jsonrpc2.ID
	if err := json.Unmarshal(p.ID, &id); err != nil {
		slog.Warn("lsp: bad $/cancelRequest id", "id", string(p.ID), "err", err)
		return
	}
	s.mu.Lock()
	cancel := s.inflight[id]
	s.mu.Unlock()
	if cancel != nil {
		cancel(errCancelled)
	}
}

func (s *Server) shutdown(conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	// Wait for requests and close the session off the read loop, which must
	// stay free to read the responses a closing session may still wait for.
	go func() {
		s.teardown(errShutdown)
		s.reply(conn, req.ID, nil, nil)
	}()
}

func (s *Server) reply(conn *jsonrpc2.Conn, id jsonrpc2.ID, res any, err error) {
	if err != nil {
		var rpcErr *jsonrpc2.Error
		if !errors.As(err, &rpcErr) {
			rpcErr = &jsonrpc2.Error{Code: CodeRequestFailed, Message: err.Error()}
		}
		s.replyErr(conn, id, rpcErr)
		return
	}
	if err := conn.Reply(context.Background(), id, res); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		slog.Warn("lsp: reply", "id", id, "err", err)
	}
}

func (s *Server) replyErr(conn *jsonrpc2.Conn, id jsonrpc2.ID, e *jsonrpc2.Error) {
	if err := conn.ReplyWithError(context.Background(), id, e); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		slog.Warn("lsp: reply", "id", id, "err", err)
	}
}

// decode unmarshals req's params into v, as an InvalidParams error.
func decode(req *jsonrpc2.Request, v any) error {
	if req.Params == nil {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: req.Method + ": missing params"}
	}
	unmarshal := json.Unmarshal
	if len(*req.Params) >= bigParams {
		unmarshal = unmarshalLarge
	}
	if err := unmarshal(*req.Params, v); err != nil {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: fmt.Sprintf("%s: invalid params: %v", req.Method, err)}
	}
	return nil
}

// session returns the open session, or nil before initialize.
func (s *Server) sessionNow() *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session
}

// applyEdits tells the pipeline about edits, in order, off the read loop:
// indexers may take their time.
func (s *Server) applyEdits() {
	for {
		select {
		case f := <-s.edits:
			f()
		case <-s.stop:
			return
		}
	}
}

func (s *Server) edited(d *document, chars int, at time.Time) {
	if s.tooLarge(d) {
		return
	}
	sess := s.sessionNow()
	select {
	case s.edits <- func() { sess.Edited(d.path, d.text, chars, at) }:
	case <-s.stop:
	}
}

func (s *Server) notify(conn *jsonrpc2.Conn, method string, params any) {
	if err := conn.Notify(context.Background(), method, params); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		slog.Warn("lsp: notify", "method", method, "err", err)
	}
}

func (s *Server) showMessage(conn *jsonrpc2.Conn, t protocol.MessageType, msg string) {
	s.notify(conn, protocol.ServerWindowShowMessage, protocol.ShowMessageParams{Type: t, Message: msg})
}

// workspaceRoot picks the root folder from initialize's params: the first
// workspace folder, else rootUri, else rootPath, else the working directory.
func workspaceRoot(p *initializeParams) string {
	switch {
	case len(p.WorkspaceFolders) > 0:
		return uriPath(p.WorkspaceFolders[0].URI)
	case p.RootURI != nil && *p.RootURI != "":
		return uriPath(*p.RootURI)
	case p.RootPath != nil && *p.RootPath != "":
		return *p.RootPath
	}
	wd, _ := os.Getwd()
	return wd
}

// slogLogger routes jsonrpc2's log lines to slog (never stdout).
type slogLogger struct{}

func (slogLogger) Printf(format string, v ...any) {
	slog.Warn(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

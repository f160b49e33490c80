package lsp

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/pipeline"
)

func (s *Server) initialize(conn *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	var p initializeParams
	if err := decode(req, &p); err != nil {
		return nil, err
	}
	enc := UTF16
	if slices.Contains(p.Capabilities.General.PositionEncodings, UTF8) {
		enc = UTF8
	}
	settings, err := config.Defaults().Merge(p.InitializationOptions)
	if err != nil {
		// Still start, with defaults: a typo in one setting must not cost
		// the user completion altogether. (showMessage is allowed before the
		// initialize response.)
		s.showMessage(conn, protocol.MessageTypeWarning, fmt.Sprintf("ghostline: ignoring initializationOptions: %v", err))
	}
	root := workspaceRoot(&p)
	prog := newProgress(conn, p.Capabilities.Window.WorkDoneProgress)
	s.mu.Lock()
	s.progress = prog
	s.mu.Unlock()
	sess, err := s.factory(s.ctx, root, settings, prog)
	if err != nil {
		return nil, &jsonrpc2.Error{Code: CodeRequestFailed, Message: fmt.Sprintf("ghostline: open workspace %s: %v", root, err)}
	}
	s.cache.resize(settings.Completion.CacheSize)
	s.mu.Lock()
	s.session, s.enc, s.base, s.state = sess, enc, settings, stateRunning
	s.mu.Unlock()
	slog.Info("lsp: initialized", "root", root, "positionEncoding", enc)

	change := protocol.TextDocumentSyncKindIncremental
	openClose := true
	version := s.version
	return initializeResult{
		Capabilities: serverCapabilities{
			ServerCapabilities: protocol.ServerCapabilities{
				TextDocumentSync:       protocol.TextDocumentSyncOptions{OpenClose: &openClose, Change: &change},
				ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: []string{CommandAccept}},
			},
			PositionEncoding:         enc,
			InlineCompletionProvider: true,
		},
		ServerInfo: &protocol.InitializeResultServerInfo{Name: "ghostline", Version: &version},
	}, nil
}

func (s *Server) didOpen(req *jsonrpc2.Request) error {
	var p protocol.DidOpenTextDocumentParams
	if err := decode(req, &p); err != nil {
		return err
	}
	d := s.docs.open(p.TextDocument, s.maxFileBytes())
	s.edited(d, 0, time.Now())
	return nil
}

// tooLarge: a document over completion.maxFileBytes is kept as text only
// (its edits must still apply; store.open), never completed in and never
// handed to the pipeline, whose indexers and survival tracking would keep
// copies of it.
func (s *Server) tooLarge(d *document) bool {
	max := s.maxFileBytes()
	return max > 0 && len(d.text) > max
}

func (s *Server) maxFileBytes() int { return s.sessionNow().Settings().Completion.MaxFileBytes }

func (s *Server) didChange(req *jsonrpc2.Request) error {
	var p protocol.DidChangeTextDocumentParams
	if err := decode(req, &p); err != nil {
		return err
	}
	now := time.Now()
	d, chars, err := s.docs.change(&p, s.encoding(), s.maxFileBytes())
	if err != nil {
		return err
	}
	// An answer for the text before this edit would be stale.
	s.cancelLatest(d.uri, errChanged)
	s.pace.edited(d.uri, now)
	s.edited(d, chars, now)
	return nil
}

func (s *Server) didClose(req *jsonrpc2.Request) error {
	var p protocol.DidCloseTextDocumentParams
	if err := decode(req, &p); err != nil {
		return err
	}
	if d := s.docs.get(p.TextDocument.URI); d != nil && s.tooLarge(d) {
		// Decoding it left several copies behind; return them to the
		// system now rather than whenever the runtime gets round to it.
		defer func() { go debug.FreeOSMemory() }()
	}
	s.docs.close(p.TextDocument.URI)
	s.cache.drop(p.TextDocument.URI)
	s.cancelLatest(p.TextDocument.URI, errClosed)
	return nil
}

// didChangeConfiguration layers the settings sent over initializationOptions
// and the defaults: clients send their whole configuration each time, so a
// setting the user removed returns to its default. The settings may be plain
// or wrapped in {"ghostline": ...}.
func (s *Server) didChangeConfiguration(conn *jsonrpc2.Conn, req *jsonrpc2.Request) error {
	var p didChangeConfigurationParams
	if err := decode(req, &p); err != nil {
		return err
	}
	if len(p.Settings) == 0 || string(p.Settings) == "null" {
		return nil // pull-model clients send null; nothing to apply
	}
	s.mu.Lock()
	base := s.base
	s.mu.Unlock()
	merged, err := base.Merge(p.Settings)
	if err != nil {
		s.showMessage(conn, protocol.MessageTypeWarning, fmt.Sprintf("ghostline: ignoring settings: %v", err))
		return err
	}
	sess := s.sessionNow()
	changed := config.Changed(sess.Settings(), merged)
	restart := sess.SetSettings(merged)
	s.cache.resize(merged.Completion.CacheSize)
	slog.Info("lsp: settings changed", "changed", changed, "afterRestart", restart)
	if len(restart) > 0 {
		s.showMessage(conn, protocol.MessageTypeInfo, "ghostline: these settings apply after a restart: "+strings.Join(restart, ", "))
	}
	return nil
}

func (s *Server) executeCommand(req *jsonrpc2.Request) (any, error) {
	var p protocol.ExecuteCommandParams
	if err := decode(req, &p); err != nil {
		return nil, err
	}
	if p.Command != CommandAccept {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: fmt.Sprintf("unknown command %q (known: %s)", p.Command, CommandAccept)}
	}
	id, ok := "", len(p.Arguments) == 1
	if ok {
		id, ok = p.Arguments[0].(string)
	}
	if !ok {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: CommandAccept + " takes one argument, the suggestion id"}
	}
	s.cache.forget(id)
	s.items.forget(id)
	if err := s.sessionNow().Accepted(id, time.Now()); err != nil {
		if errors.Is(err, pipeline.ErrUnknownSuggestion) {
			// Already decided (e.g. superseded): nothing the user can act on.
			slog.Debug("lsp: accept", "err", err)
			return nil, nil
		}
		return nil, err
	}
	return nil, nil
}

func (s *Server) didPartialAccept(req *jsonrpc2.Request) error {
	var p PartialAcceptParams
	if err := decode(req, &p); err != nil {
		return err
	}
	chars, ok := s.items.acceptedBytes(p.ID, p.AcceptedLength, s.encoding())
	if !ok {
		return fmt.Errorf("partial accept of unknown suggestion %q", p.ID)
	}
	return s.sessionNow().PartiallyAccepted(p.ID, chars, time.Now())
}

func (s *Server) didReject(req *jsonrpc2.Request) error {
	var p RejectParams
	if err := decode(req, &p); err != nil {
		return err
	}
	s.cache.forget(p.ID)
	s.items.forget(p.ID)
	err := s.sessionNow().Rejected(p.ID, time.Now())
	if errors.Is(err, pipeline.ErrUnknownSuggestion) {
		return nil // already superseded, and logged as such
	}
	return err
}

func (s *Server) explain() Explanation {
	e := s.sessionNow().Explain()
	ex := Explanation{
		ID: e.ID, Outcome: string(e.Outcome), Stage: string(e.Stage),
		Probability: e.Decision.Prob, Threshold: e.Decision.Threshold, Features: e.Decision.Features(),
		Reason: e.Decision.Reason, Time: e.Time,
	}
	ex.Lines = ex.lines(5)
	return ex
}

func (s *Server) status() Status {
	sess := s.sessionNow()
	s.mu.Lock()
	st := s.stats
	st.Ready = s.state == stateRunning
	s.mu.Unlock()
	st.Enabled = sess.Settings().Completion.Enabled
	if sess.ModelName != nil {
		st.Model = sess.ModelName()
	}
	st.Error = s.notes.lastError()
	s.mu.Lock()
	prog := s.progress
	s.mu.Unlock()
	st.Indexing = prog.snapshot()
	st.Summary, st.Lines = st.summary(), st.lines()
	return st
}

func (s *Server) encoding() Encoding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enc
}

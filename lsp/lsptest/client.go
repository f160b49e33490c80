package lsptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/internal/syncbuf"
	"github.com/ghostline/ghostline/lsp"
)

// Client is a connection to one language server.
type Client struct {
	conn   *jsonrpc2.Conn
	stream *rawStream
	nextID atomic.Uint64

	cmd     *exec.Cmd
	waited  chan struct{} // closed when the process has exited
	waitErr error
	stderr  *syncbuf.Buffer

	mu       sync.Mutex
	received []Message
	changed  chan struct{} // closed and replaced on every new message
}

// Message is something the server sent on its own: a notification, a
// request, or a response that answers none of our requests.
type Message struct {
	Method string          // empty for a stray response
	Params json.RawMessage // notification or request params
	Error  *jsonrpc2.Error // a stray response's error
	Time   time.Time
}

// Options configure Start.
type Options struct {
	Args   []string  // after the binary, e.g. {"serve"}
	Env    []string  // added to the test's environment
	Dir    string    // working directory
	Stderr io.Writer // also receives the server's stderr; it is kept for Stderr() anyway
}

// Start runs bin with o.Args and connects to its stdin and stdout.
func Start(ctx context.Context, bin string, o Options) (*Client, error) {
	cmd := exec.Command(bin, o.Args...)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Dir = o.Dir
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	if o.Stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, o.Stderr)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	c := Connect(ctx, pipeRWC{out, in})
	c.cmd, c.stderr, c.waited = cmd, stderr, make(chan struct{})
	go func() {
		c.waitErr = cmd.Wait()
		close(c.waited)
	}()
	return c, nil
}

// Connect speaks LSP over rwc (a pipe to an in-process server, a TCP connection).
func Connect(ctx context.Context, rwc io.ReadWriteCloser) *Client {
	c := &Client{changed: make(chan struct{}), stream: newRawStream(rwc)}
	c.conn = jsonrpc2.NewConn(ctx, c.stream, jsonrpc2.HandlerWithError(c.handle),
		jsonrpc2.SetLogger(discard{}),
		jsonrpc2.OnRecv(func(req *jsonrpc2.Request, resp *jsonrpc2.Response) {
			if req == nil && resp != nil {
				c.record(Message{Error: resp.Error})
			}
		}))
	return c
}

// handle records what the server sends; the server's requests get null.
func (c *Client) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	m := Message{Method: req.Method}
	if req.Params != nil {
		m.Params = append(json.RawMessage(nil), *req.Params...)
	}
	c.record(m)
	if req.Method == "workspace/configuration" {
		var p struct{ Items []json.RawMessage }
		_ = json.Unmarshal(m.Params, &p)
		return make([]any, len(p.Items)), nil
	}
	return nil, nil
}

func (c *Client) record(m Message) {
	m.Time = time.Now()
	c.mu.Lock()
	c.received = append(c.received, m)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// Received returns what the server sent on its own with this method ("" for
// stray responses), in order.
func (c *Client) Received(method string) []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Message
	for _, m := range c.received {
		if m.Method == method {
			out = append(out, m)
		}
	}
	return out
}

// ShowMessages returns the window/showMessage notifications so far.
func (c *Client) ShowMessages() []protocol.ShowMessageParams {
	var out []protocol.ShowMessageParams
	for _, m := range c.Received(protocol.ServerWindowShowMessage) {
		var p protocol.ShowMessageParams
		if json.Unmarshal(m.Params, &p) == nil {
			out = append(out, p)
		}
	}
	return out
}

// WaitFor waits until n messages with method ("" for stray responses) have
// arrived and returns them.
func (c *Client) WaitFor(ctx context.Context, method string, n int) ([]Message, error) {
	for {
		c.mu.Lock()
		ch := c.changed
		c.mu.Unlock()
		if got := c.Received(method); len(got) >= n {
			return got, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return c.Received(method), fmt.Errorf("waiting for %d %q messages: %w", n, method, ctx.Err())
		}
	}
}

// Call sends a request and waits for its answer.
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	return c.Go(ctx, method, params).Wait(ctx, result)
}

// Pending is a request sent and not yet answered.
type Pending struct {
	ID     jsonrpc2.ID
	waiter jsonrpc2.Waiter
	err    error
}

// Go sends a request without waiting for the answer.
func (c *Client) Go(ctx context.Context, method string, params any) *Pending {
	id := jsonrpc2.ID{Num: c.nextID.Add(1)}
	w, err := c.conn.DispatchCall(ctx, method, params, jsonrpc2.PickID(id))
	return &Pending{ID: id, waiter: w, err: err}
}

// Wait waits for the answer. A JSON-RPC error answer is a *jsonrpc2.Error.
func (p *Pending) Wait(ctx context.Context, result any) error {
	if p.err != nil {
		return p.err
	}
	return p.waiter.Wait(ctx, result)
}

// Cancel sends $/cancelRequest for p.
func (c *Client) Cancel(ctx context.Context, p *Pending) error {
	return c.Notify(ctx, protocol.MethodCancelRequest, map[string]any{"id": p.ID})
}

// Notify sends a notification.
func (c *Client) Notify(ctx context.Context, method string, params any) error {
	return c.conn.Notify(ctx, method, params)
}

// WriteRaw writes data to the server as it is, framed with a
// Content-Length header when frame is true: for malformed-input tests.
func (c *Client) WriteRaw(data []byte, frame bool) error {
	return c.stream.writeRaw(data, frame)
}

// InitOptions are what Initialize announces.
type InitOptions struct {
	RootURI           string
	Settings          any            // initializationOptions
	PositionEncodings []lsp.Encoding // general.positionEncodings; nil: UTF-16 only
	WorkDoneProgress  bool           // window.workDoneProgress
}

// InitializeResult is the part of the initialize answer tests look at.
type InitializeResult struct {
	Capabilities struct {
		PositionEncoding         lsp.Encoding    `json:"positionEncoding"`
		InlineCompletionProvider bool            `json:"inlineCompletionProvider"`
		TextDocumentSync         json.RawMessage `json:"textDocumentSync"`
		ExecuteCommandProvider   struct {
			Commands []string `json:"commands"`
		} `json:"executeCommandProvider"`
	} `json:"capabilities"`
	ServerInfo struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"serverInfo"`
}

// Initialize sends initialize, then initialized.
func (c *Client) Initialize(ctx context.Context, o InitOptions) (InitializeResult, error) {
	params := map[string]any{
		"processId": os.Getpid(),
		"rootUri":   nilIfEmpty(o.RootURI),
		"capabilities": map[string]any{
			"general": map[string]any{"positionEncodings": o.PositionEncodings},
			"window":  map[string]any{"workDoneProgress": o.WorkDoneProgress},
		},
		"initializationOptions": o.Settings,
	}
	var res InitializeResult
	if err := c.Call(ctx, protocol.MethodInitialize, params, &res); err != nil {
		return res, err
	}
	return res, c.Notify(ctx, protocol.MethodInitialized, struct{}{})
}

// DidOpen opens a document at version 1.
func (c *Client) DidOpen(ctx context.Context, uri, languageID, text string) error {
	return c.Notify(ctx, protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: uri, LanguageID: languageID, Version: 1, Text: text},
	})
}

// Change is one content change of didChange: Range nil replaces the document.
type Change struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

// Edit replaces the text between two positions.
func Edit(startLine, startChar, endLine, endChar uint32, text string) Change {
	return Change{Range: &protocol.Range{
		Start: protocol.Position{Line: startLine, Character: startChar},
		End:   protocol.Position{Line: endLine, Character: endChar},
	}, Text: text}
}

// Insert inserts text at a position.
func Insert(line, char uint32, text string) Change { return Edit(line, char, line, char, text) }

// DidChange sends changes, applied in order, as version.
func (c *Client) DidChange(ctx context.Context, uri string, version int32, changes ...Change) error {
	return c.Notify(ctx, protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: version},
		"contentChanges": changes,
	})
}

// DidClose closes a document.
func (c *Client) DidClose(ctx context.Context, uri string) error {
	return c.Notify(ctx, protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
}

// CompletionParams builds textDocument/inlineCompletion params.
func CompletionParams(uri string, line, char uint32, trigger int) lsp.InlineCompletionParams {
	return lsp.InlineCompletionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Position:     protocol.Position{Line: line, Character: char},
		Context:      lsp.InlineCompletionContext{TriggerKind: trigger},
	}
}

// InlineCompletion asks for a completion and waits for it.
func (c *Client) InlineCompletion(ctx context.Context, uri string, line, char uint32, trigger int) (lsp.InlineCompletionList, error) {
	var res lsp.InlineCompletionList
	err := c.Call(ctx, lsp.MethodInlineCompletion, CompletionParams(uri, line, char, trigger), &res)
	return res, err
}

// GoInlineCompletion sends a completion request without waiting.
func (c *Client) GoInlineCompletion(ctx context.Context, uri string, line, char uint32, trigger int) *Pending {
	return c.Go(ctx, lsp.MethodInlineCompletion, CompletionParams(uri, line, char, trigger))
}

// ExecuteCommand runs workspace/executeCommand.
func (c *Client) ExecuteCommand(ctx context.Context, command string, args ...any) (json.RawMessage, error) {
	var res json.RawMessage
	err := c.Call(ctx, protocol.MethodWorkspaceExecuteCommand, protocol.ExecuteCommandParams{Command: command, Arguments: args}, &res)
	return res, err
}

// Accept runs the command of a completion item.
func (c *Client) Accept(ctx context.Context, item lsp.InlineCompletionItem) error {
	if item.Command == nil {
		return errors.New("item has no command")
	}
	_, err := c.ExecuteCommand(ctx, item.Command.Command, item.Command.Arguments...)
	return err
}

// Status asks for ghostline/status.
func (c *Client) Status(ctx context.Context) (lsp.Status, error) {
	var st lsp.Status
	err := c.Call(ctx, lsp.MethodStatus, struct{}{}, &st)
	return st, err
}

// Shutdown sends shutdown and exit and, for a started process, waits for it
// to end and returns its exit error.
func (c *Client) Shutdown(ctx context.Context) error {
	if err := c.Call(ctx, protocol.MethodShutdown, nil, nil); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := c.Notify(ctx, protocol.MethodExit, nil); err != nil {
		return fmt.Errorf("exit: %w", err)
	}
	return c.Wait(ctx)
}

// Wait waits for a started process to exit (or, connected to a stream, for
// the connection to close).
func (c *Client) Wait(ctx context.Context) error {
	done := c.waited
	if done == nil {
		done = make(chan struct{})
		go func() { <-c.conn.DisconnectNotify(); close(done) }()
	}
	select {
	case <-done:
		if c.cmd != nil {
			c.conn.Close()
		}
		return c.waitErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the connection and kills a started process still running.
func (c *Client) Close() error {
	err := c.conn.Close()
	if c.cmd != nil {
		select {
		case <-c.waited:
		case <-time.After(2 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.waited
		}
	}
	if errors.Is(err, jsonrpc2.ErrClosed) {
		err = nil
	}
	return err
}

// Stderr is what a started server wrote to stderr so far.
func (c *Client) Stderr() string {
	if c.stderr == nil {
		return ""
	}
	return c.stderr.String()
}

// Pid is the started server's process id (0 when connected to a stream).
func (c *Client) Pid() int {
	if c.cmd == nil {
		return 0
	}
	return c.cmd.Process.Pid
}

// Exited reports whether a started process has exited.
func (c *Client) Exited() bool {
	if c.waited == nil {
		return false
	}
	select {
	case <-c.waited:
		return true
	default:
		return false
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type pipeRWC struct {
	io.ReadCloser
	w io.WriteCloser
}

func (p pipeRWC) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipeRWC) Close() error {
	err := p.w.Close()
	if err2 := p.ReadCloser.Close(); err == nil {
		err = err2
	}
	return err
}

type discard struct{}

func (discard) Printf(string, ...any) {}

package lsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/telemetry"
)

// fakeModel answers with answer(req), counting calls.
type fakeModel struct {
	mu     sync.Mutex
	calls  int
	last   model.Request
	answer func(ctx context.Context, req model.Request) (model.Result, error)
}

func (f *fakeModel) Name() string { return "fake" }

func (f *fakeModel) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	f.mu.Lock()
	f.calls++
	f.last = req
	answer := f.answer
	f.mu.Unlock()
	if answer == nil {
		return model.Result{Text: "Println(\"hi\")", Model: "fake"}, nil
	}
	return answer(ctx, req)
}

func (f *fakeModel) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeModel) setAnswer(a func(ctx context.Context, req model.Request) (model.Result, error)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

// recorder keeps telemetry events.
type recorder struct {
	mu     sync.Mutex
	events []telemetry.Event
}

func (r *recorder) Record(e telemetry.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) kinds(k telemetry.Kind) []telemetry.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []telemetry.Event
	for _, e := range r.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

type harness struct {
	*lsptest.Client
	model  *fakeModel
	rec    *recorder
	served chan error
	ctx    context.Context
}

type setup struct {
	settings   any
	encodings  []lsp.Encoding
	progress   bool
	onOpen     func(r lsp.Reporter)
	noInit     bool
	factoryErr error
}

// start runs a Server in process over a pipe and initializes it.
func start(t *testing.T, su setup) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	h := &harness{model: &fakeModel{}, rec: &recorder{}, served: make(chan error, 1), ctx: ctx}
	srv := lsp.New(func(ctx context.Context, root string, s config.Settings, r lsp.Reporter) (*lsp.Session, error) {
		if su.factoryErr != nil {
			return nil, su.factoryErr
		}
		p := pipeline.New(pipeline.Options{Model: h.model, Recorder: h.rec}, s)
		if su.onOpen != nil {
			su.onOpen(r)
		}
		return &lsp.Session{Core: p, ModelName: h.model.Name}, nil
	}, "test")
	a, b := net.Pipe()
	go func() { h.served <- srv.Serve(ctx, a) }()
	h.Client = lsptest.Connect(ctx, b)
	t.Cleanup(func() { h.Close() })
	if su.noInit {
		return h
	}
	settings := su.settings
	if settings == nil {
		settings = map[string]any{"completion": map[string]any{"debounceMs": 0}}
	}
	if _, err := h.Initialize(ctx, lsptest.InitOptions{RootURI: "file:///ws", Settings: settings, PositionEncodings: su.encodings, WorkDoneProgress: su.progress}); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return h
}

func rpcCode(err error) int64 {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

const (
	uri    = "file:///ws/main.go"
	source = "package main\n\nfunc main() {\n\tfmt.\n}\n"
)

func TestInitializeCapabilities(t *testing.T) {
	for _, tt := range []struct {
		offer []lsp.Encoding
		want  lsp.Encoding
	}{
		{nil, lsp.UTF16},
		{[]lsp.Encoding{lsp.UTF16}, lsp.UTF16},
		{[]lsp.Encoding{"utf-32", lsp.UTF8, lsp.UTF16}, lsp.UTF8},
	} {
		h := start(t, setup{noInit: true})
		res, err := h.Initialize(h.ctx, lsptest.InitOptions{PositionEncodings: tt.offer})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Capabilities
		if c.PositionEncoding != tt.want || !c.InlineCompletionProvider || res.ServerInfo.Name != "ghostline" {
			t.Errorf("offer %v: positionEncoding %q inline %v server %q", tt.offer, c.PositionEncoding, c.InlineCompletionProvider, res.ServerInfo.Name)
		}
		if !strings.Contains(string(c.TextDocumentSync), `"change":2`) || len(c.ExecuteCommandProvider.Commands) != 1 || c.ExecuteCommandProvider.Commands[0] != lsp.CommandAccept {
			t.Errorf("sync %s commands %v", c.TextDocumentSync, c.ExecuteCommandProvider.Commands)
		}
	}
}

func TestLifecycleErrors(t *testing.T) {
	h := start(t, setup{noInit: true})
	_, err := h.InlineCompletion(h.ctx, uri, 0, 0, lsp.TriggerInvoked)
	if rpcCode(err) != lsp.CodeServerNotInitialized {
		t.Errorf("before initialize: %v, want ServerNotInitialized", err)
	}
	if _, err := h.Initialize(h.ctx, lsptest.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Initialize(h.ctx, lsptest.InitOptions{}); rpcCode(err) != jsonrpc2.CodeInvalidRequest {
		t.Errorf("second initialize: %v", err)
	}
	if err := h.Call(h.ctx, "textDocument/hover", map[string]any{}, nil); rpcCode(err) != jsonrpc2.CodeMethodNotFound {
		t.Errorf("unknown method: %v, want MethodNotFound", err)
	}
	if _, err := h.InlineCompletion(h.ctx, "file:///not/open.go", 0, 0, lsp.TriggerInvoked); rpcCode(err) != jsonrpc2.CodeInvalidParams {
		t.Errorf("document not open: %v, want InvalidParams", err)
	}
	if err := h.Call(h.ctx, lsp.MethodInlineCompletion, []int{1, 2}, nil); rpcCode(err) != jsonrpc2.CodeInvalidParams {
		t.Errorf("params of the wrong shape: %v, want InvalidParams", err)
	}
	if err := h.Call(h.ctx, protocol.MethodShutdown, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.InlineCompletion(h.ctx, uri, 0, 0, lsp.TriggerInvoked); rpcCode(err) != jsonrpc2.CodeInvalidRequest {
		t.Errorf("after shutdown: %v, want InvalidRequest", err)
	}
	if err := h.Notify(h.ctx, protocol.MethodExit, nil); err != nil {
		t.Fatal(err)
	}
	if err := <-h.served; err != nil {
		t.Errorf("Serve after shutdown and exit: %v, want nil", err)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	h := start(t, setup{})
	_ = h.Notify(h.ctx, protocol.MethodExit, nil)
	if err := <-h.served; !errors.Is(err, lsp.ErrNoShutdown) {
		t.Errorf("Serve = %v, want ErrNoShutdown", err)
	}
}

func TestFactoryError(t *testing.T) {
	h := start(t, setup{noInit: true, factoryErr: errors.New("index locked")})
	_, err := h.Initialize(h.ctx, lsptest.InitOptions{})
	if err == nil || !strings.Contains(err.Error(), "index locked") {
		t.Errorf("initialize = %v, want the factory's error", err)
	}
}

func TestCompletion(t *testing.T) {
	h := start(t, setup{})
	if err := h.DidOpen(h.ctx, uri, "go", source); err != nil {
		t.Fatal(err)
	}
	// Type "Print" after "fmt." on line 3, in two incremental edits.
	if err := h.DidChange(h.ctx, uri, 2, lsptest.Insert(3, 5, "Pri")); err != nil {
		t.Fatal(err)
	}
	if err := h.DidChange(h.ctx, uri, 3, lsptest.Insert(3, 8, "nt")); err != nil {
		t.Fatal(err)
	}
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		return model.Result{Text: "ln(\"hello\")", Model: "fake"}, nil
	})
	list, err := h.InlineCompletion(h.ctx, uri, 3, 10, lsp.TriggerInvoked)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(h.model.last.Prefix, "\tfmt.Print") || !strings.HasPrefix(h.model.last.Suffix, "\n}") {
		t.Errorf("model saw prefix %q suffix %q", h.model.last.Prefix, h.model.last.Suffix)
	}
	if len(list.Items) != 1 {
		t.Fatalf("items = %+v", list.Items)
	}
	it := list.Items[0]
	want := protocol.Range{Start: protocol.Position{Line: 3, Character: 10}, End: protocol.Position{Line: 3, Character: 10}}
	if it.InsertText != "ln(\"hello\")" || it.Range == nil || *it.Range != want {
		t.Errorf("item = %q at %+v", it.InsertText, it.Range)
	}
	if it.Command == nil || it.Command.Command != lsp.CommandAccept || len(it.Command.Arguments) != 1 {
		t.Fatalf("command = %+v", it.Command)
	}
	if err := h.Accept(h.ctx, it); err != nil {
		t.Fatal(err)
	}
	if acc := h.rec.kinds(telemetry.KindAccepted); len(acc) != 1 || acc[0].SuggestionID != it.Command.Arguments[0] {
		t.Errorf("accepted events = %+v", acc)
	}
	// Accepting again is harmless; an unknown command is an error.
	if err := h.Accept(h.ctx, it); err != nil {
		t.Errorf("second accept: %v", err)
	}
	if _, err := h.ExecuteCommand(h.ctx, "ghostline.nope"); rpcCode(err) != jsonrpc2.CodeInvalidParams {
		t.Errorf("unknown command: %v", err)
	}
}

func TestPositionsClampedAndUTF16(t *testing.T) {
	h := start(t, setup{})
	// A surrogate pair before the cursor: UTF-16 column 8 is after "s := \"𝄞".
	text := "s := \"𝄞\"\n"
	if err := h.DidOpen(h.ctx, uri, "go", text); err != nil {
		t.Fatal(err)
	}
	list, err := h.InlineCompletion(h.ctx, uri, 0, 8, lsp.TriggerInvoked)
	if err != nil {
		t.Fatal(err)
	}
	if h.model.last.Prefix != "s := \"𝄞" {
		t.Errorf("UTF-16 column 8: prefix %q", h.model.last.Prefix)
	}
	_ = list
	for _, p := range []protocol.Position{{Line: 0, Character: 999}, {Line: 50, Character: 3}} {
		list, err := h.InlineCompletion(h.ctx, uri, p.Line, p.Character, lsp.TriggerInvoked)
		if err != nil {
			t.Fatalf("position %+v: %v", p, err)
		}
		if len(list.Items) == 1 && list.Items[0].Range.Start.Line > 1 {
			t.Errorf("position %+v: range not clamped: %+v", p, list.Items[0].Range)
		}
	}
}

func TestCancel(t *testing.T) {
	h := start(t, setup{})
	started := make(chan struct{}, 1)
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		started <- struct{}{}
		<-ctx.Done()
		return model.Result{}, ctx.Err()
	})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	p := h.GoInlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	<-started
	if err := h.Cancel(h.ctx, p); err != nil {
		t.Fatal(err)
	}
	err := p.Wait(h.ctx, nil)
	if rpcCode(err) != lsp.CodeRequestCancelled || !strings.Contains(err.Error(), "cancelled by the client") {
		t.Errorf("cancelled request: %v, want RequestCancelled", err)
	}
	if n := len(h.ShowMessages()); n != 0 {
		t.Errorf("a cancel is not an error to show: %d messages", n)
	}
}

// A newer request for the document cancels the older one; the model call
// the older one started runs on and answers the newer one, which asks at
// the same place.
func TestSupersede(t *testing.T) {
	h := start(t, setup{})
	started, release := make(chan struct{}, 1), make(chan struct{})
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		started <- struct{}{}
		<-release
		return model.Result{Text: "Println()"}, nil
	})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	old := h.GoInlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	<-started
	newer := h.GoInlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	time.Sleep(20 * time.Millisecond)
	close(release)
	var list lsp.InlineCompletionList
	if err := newer.Wait(h.ctx, &list); err != nil || len(list.Items) != 1 || h.model.Calls() != 1 {
		t.Fatalf("newer request: %v %+v after %d model calls, want one item from one call", err, list, h.model.Calls())
	}
	if err := old.Wait(h.ctx, nil); rpcCode(err) != lsp.CodeRequestCancelled || !strings.Contains(err.Error(), "superseded") {
		t.Errorf("older request: %v, want RequestCancelled (superseded)", err)
	}
}

func TestDebounce(t *testing.T) {
	h := start(t, setup{settings: map[string]any{"completion": map[string]any{"debounceMs": 150, "debounceMaxMs": 150}}})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	var pending []*lsptest.Pending
	for i := range 5 {
		_ = h.DidChange(h.ctx, uri, int32(i+2), lsptest.Insert(3, uint32(5+i), "x"))
		pending = append(pending, h.GoInlineCompletion(h.ctx, uri, 3, uint32(6+i), lsp.TriggerAutomatic))
		time.Sleep(10 * time.Millisecond)
	}
	for i, p := range pending {
		var list lsp.InlineCompletionList
		err := p.Wait(h.ctx, &list)
		if last := i == len(pending)-1; last != (err == nil) {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if n := h.model.Calls(); n != 1 {
		t.Errorf("model calls = %d, want 1 for a burst of 5 keystrokes", n)
	}
	// An invoked request is not debounced.
	t0 := time.Now()
	if _, err := h.InlineCompletion(h.ctx, uri, 3, 10, lsp.TriggerInvoked); err != nil || time.Since(t0) > 140*time.Millisecond {
		t.Errorf("invoked request: %v after %v", err, time.Since(t0))
	}
}

func TestTypedThrough(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	list, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerAutomatic)
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("%v %+v", err, list)
	}
	sug, id := list.Items[0].InsertText, list.Items[0].Command.Arguments[0]
	calls := h.model.Calls()
	ver := int32(2)
	step := func(change lsptest.Change, col uint32, want string) {
		t.Helper()
		_ = h.DidChange(h.ctx, uri, ver, change)
		ver++
		list, err := h.InlineCompletion(h.ctx, uri, 3, col, lsp.TriggerAutomatic)
		if err != nil || len(list.Items) != 1 || list.Items[0].InsertText != want || list.Items[0].Command.Arguments[0] != id {
			t.Fatalf("after typing to column %d: %v %+v, want %q (id %v)", col, err, list.Items, want, id)
		}
		if r := list.Items[0].Range; r.Start.Character != col {
			t.Errorf("range %+v, want column %d", r, col)
		}
	}
	step(lsptest.Insert(3, 5, "P"), 6, sug[1:])
	step(lsptest.Insert(3, 6, "ri"), 8, sug[3:])
	step(lsptest.Edit(3, 7, 3, 8, ""), 7, sug[2:]) // backspace
	if h.model.Calls() != calls {
		t.Errorf("model called %d times while typing through", h.model.Calls()-calls)
	}
	// Typing something else asks the model again.
	_ = h.DidChange(h.ctx, uri, ver, lsptest.Insert(3, 7, "Z"))
	if _, err := h.InlineCompletion(h.ctx, uri, 3, 8, lsp.TriggerAutomatic); err != nil || h.model.Calls() != calls+1 {
		t.Errorf("diverged: %v, calls %d", err, h.model.Calls()-calls)
	}
}

func TestErrorsShownOncePerOutage(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	down, broken := modelErr(t, closedPort(t)), modelErr(t, failingServer(t))
	fail := down
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		if fail != nil {
			return model.Result{}, fail
		}
		return model.Result{Text: "x()"}, nil
	})
	ask := func(n int) {
		for range n {
			list, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
			if err != nil {
				t.Fatal(err)
			}
			if fail != nil && len(list.Items) != 0 {
				t.Errorf("failed request returned items: %+v", list.Items)
			}
		}
	}
	ask(3)
	msgs := h.ShowMessages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Message, "model server unavailable") || !strings.Contains(msgs[0].Message, "ollama serve") {
		t.Fatalf("messages after 3 failures = %+v, want one", msgs)
	}
	st, err := h.Status(h.ctx)
	if err != nil || st.Error == "" || st.Model != "fake" || !st.Ready {
		t.Errorf("status during outage: %+v %v", st, err)
	}
	fail = broken
	ask(2)
	if n := len(h.ShowMessages()); n != 2 {
		t.Errorf("a different failure: %d messages, want 2", n)
	}
	fail = nil
	ask(1)
	_ = h.DidChange(h.ctx, uri, 2, lsptest.Insert(3, 5, "Z")) // so that the cache misses
	fail = broken
	ask(2)
	if n := len(h.ShowMessages()); n != 3 {
		t.Errorf("failure after recovery: %d messages, want 3", n)
	}
}

// modelErr is the error a real Ollama backend returns from endpoint.
func modelErr(t *testing.T, endpoint string) error {
	t.Helper()
	b, err := model.Open(config.Model{Provider: "ollama", Endpoint: endpoint, Name: "m", TimeoutMs: 2000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Complete(context.Background(), model.Request{Prefix: "x"})
	if err == nil {
		t.Fatal("the backend answered")
	}
	return err
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return "http://" + ln.Addr().String()
}

func failingServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "out of memory", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestNoticeShownOnce(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		return model.Result{Text: "x()", Notice: "using the built-in model"}, nil
	})
	for range 3 {
		if _, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := h.ShowMessages(); len(msgs) != 1 || !strings.Contains(msgs[0].Message, "built-in") {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestPanicInPipelineIsAnError(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) { panic("boom") })
	if _, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked); rpcCode(err) != jsonrpc2.CodeInternalError {
		t.Errorf("panic: %v, want InternalError", err)
	}
	h.model.setAnswer(nil)
	if list, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil || len(list.Items) != 1 {
		t.Errorf("after a panic the server still answers: %v %+v", err, list)
	}
}

func TestMalformedInput(t *testing.T) {
	h := start(t, setup{})
	for i, raw := range []struct {
		data  string
		frame bool
		code  int64
	}{
		{`{"jsonrpc":"2.0","id":1,"method":`, true, jsonrpc2.CodeParseError},
		{`[]`, true, jsonrpc2.CodeInvalidRequest},
		{`{"jsonrpc":"2.0","id":77}`, true, jsonrpc2.CodeInvalidRequest},
		{"garbage without a header\r\n\r\n", false, jsonrpc2.CodeParseError},
		{"Content-Length: lots\r\n\r\n", false, jsonrpc2.CodeParseError},
		// Content-Length counted in characters: 2 bytes short.
		{"Content-Length: 81\r\n\r\n" + `{"jsonrpc":"2.0","id":8,"method":"ghostline/status","params":{"x":"héllo wörld"}}`, false, jsonrpc2.CodeParseError},
	} {
		if err := h.WriteRaw([]byte(raw.data), raw.frame); err != nil {
			t.Fatal(err)
		}
		got, err := h.WaitFor(h.ctx, "", i+1)
		if err != nil {
			t.Fatalf("%q: %v", raw.data, err)
		}
		if e := got[i].Error; e == nil || e.Code != raw.code {
			t.Errorf("%q: answer %+v, want code %d", raw.data, e, raw.code)
		}
	}
	// Invalid UTF-8 inside a document, and the server still answers.
	if err := h.DidOpen(h.ctx, uri, "go", "x := \"\xff\xfe\"\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.InlineCompletion(h.ctx, uri, 0, 7, lsp.TriggerInvoked); err != nil {
		t.Errorf("after malformed input: %v", err)
	}
}

func TestLargeDocumentKeptNotCompleted(t *testing.T) {
	h := start(t, setup{settings: map[string]any{"completion.maxFileBytes": 1000, "completion.debounceMs": 0}})
	big := strings.Repeat("x := 1\n", 200)
	_ = h.DidOpen(h.ctx, uri, "go", big)
	list, err := h.InlineCompletion(h.ctx, uri, 3, 0, lsp.TriggerInvoked)
	if err != nil || len(list.Items) != 0 || h.model.Calls() != 0 {
		t.Errorf("large document: %v %+v, %d model calls", err, list, h.model.Calls())
	}
	// Edits still apply: cut it below the limit and it completes.
	_ = h.DidChange(h.ctx, uri, 2, lsptest.Edit(10, 0, 200, 0, ""))
	if list, err := h.InlineCompletion(h.ctx, uri, 3, 0, lsp.TriggerInvoked); err != nil || len(list.Items) != 1 {
		t.Errorf("after cutting: %v %+v", err, list)
	}
}

func TestConfiguration(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	for _, settings := range []any{
		map[string]any{"ghostline": map[string]any{"completion": map[string]any{"enabled": false}}},
		map[string]any{"completion.enabled": false},
	} {
		_ = h.Notify(h.ctx, protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": settings})
		if list, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil || len(list.Items) != 0 {
			t.Errorf("disabled by %v: %v %+v", settings, err, list)
		}
		_ = h.Notify(h.ctx, protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": map[string]any{}})
		if list, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil || len(list.Items) != 1 {
			t.Errorf("enabled again: %v %+v", err, list)
		}
	}
	_ = h.Notify(h.ctx, protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": "not an object"})
	if _, err := h.WaitFor(h.ctx, protocol.ServerWindowShowMessage, 1); err != nil {
		t.Errorf("invalid settings: no message: %v", err)
	}
}

func TestPartialAcceptAndReject(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		return model.Result{Text: "Print(\"é𝄞\") // x"}, nil
	})
	list, _ := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	id := list.Items[0].Command.Arguments[0].(string)
	// The user typed "Pr" through the suggestion: the editor shows the rest.
	_ = h.DidChange(h.ctx, uri, 2, lsptest.Insert(3, 5, "Pr"))
	list, _ = h.InlineCompletion(h.ctx, uri, 3, 7, lsp.TriggerInvoked)
	if list.Items[0].InsertText != "int(\"é𝄞\") // x" {
		t.Fatalf("rest = %q", list.Items[0].InsertText)
	}
	// Accepting `int("é𝄞` of it: 8 UTF-16 units (𝄞 is two), 10 bytes, plus the 2 typed.
	_ = h.Notify(h.ctx, lsp.MethodPartialAccept, lsp.PartialAcceptParams{ID: id, AcceptedLength: 8})
	_ = h.Notify(h.ctx, lsp.MethodReject, lsp.RejectParams{ID: id})
	if _, err := h.Status(h.ctx); err != nil { // a round trip: the notifications are handled
		t.Fatal(err)
	}
	part := h.rec.kinds(telemetry.KindPartial)
	if len(part) != 1 || part[0].AcceptedChars != len("Print(\"é𝄞") {
		t.Errorf("partial events = %+v, want %d bytes accepted", part, len("Print(\"é𝄞"))
	}
	if rej := h.rec.kinds(telemetry.KindRejected); len(rej)+len(h.rec.kinds(telemetry.KindUnseen)) != 1 {
		t.Errorf("reject not recorded: %+v", rej)
	}
	// A rejected suggestion does not come back from the cache.
	calls := h.model.Calls()
	_, _ = h.InlineCompletion(h.ctx, uri, 3, 7, lsp.TriggerInvoked)
	if h.model.Calls() != calls+1 {
		t.Error("rejected suggestion answered from the cache")
	}
}

func TestExplainAndStatus(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	list, _ := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	var ex lsp.Explanation
	if err := h.Call(h.ctx, lsp.MethodExplain, nil, &ex); err != nil {
		t.Fatal(err)
	}
	if ex.ID != list.Items[0].Command.Arguments[0] || ex.Outcome != "shown" || len(ex.Lines) == 0 || ex.Lines[0] != "Last decision: shown at gate2" {
		t.Errorf("explain = %+v", ex)
	}
	st, err := h.Status(h.ctx)
	if err != nil || st.Shown != 1 || st.Model != "fake" || !st.Enabled || st.Error != "" ||
		!strings.HasPrefix(st.Summary, "fake") || !slices.Contains(st.Lines, "shown 1, hidden by the predictor 0") {
		t.Errorf("status = %+v %v", st, err)
	}
}

func TestProgress(t *testing.T) {
	var rep lsp.Reporter
	h := start(t, setup{progress: true, onOpen: func(r lsp.Reporter) {
		rep = r
		r.Progress("Indexing", 0, 10) // before initialized: held back
	}})
	rep.Progress("Indexing", 5, 10)
	if _, err := h.WaitFor(h.ctx, "window/workDoneProgress/create", 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	rep.Progress("Indexing", 10, 10)
	var kinds []string
	for len(kinds) == 0 || kinds[len(kinds)-1] != "end" {
		got, err := h.WaitFor(h.ctx, protocol.MethodProgress, len(kinds)+1)
		if err != nil {
			t.Fatalf("progress so far %v: %v", kinds, err)
		}
		var p struct {
			Token string
			Value struct{ Kind, Title string }
		}
		_ = json.Unmarshal(got[len(kinds)].Params, &p)
		kinds = append(kinds, p.Value.Kind)
	}
	if kinds[0] != "begin" || len(kinds) > 3 {
		t.Errorf("progress kinds = %v, want begin, [report,] end", kinds)
	}
	st, _ := h.Status(h.ctx)
	if st.Indexing == nil || st.Indexing.Done != 10 {
		t.Errorf("status indexing = %+v", st.Indexing)
	}
}

func TestRequestsRunConcurrently(t *testing.T) {
	h := start(t, setup{})
	release := make(chan struct{})
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		if strings.Contains(req.Prefix, "slow") {
			select {
			case <-release:
			case <-ctx.Done():
				return model.Result{}, ctx.Err()
			}
		}
		return model.Result{Text: "x()"}, nil
	})
	_ = h.DidOpen(h.ctx, "file:///ws/slow.go", "go", "slow\n")
	_ = h.DidOpen(h.ctx, uri, "go", source)
	slow := h.GoInlineCompletion(h.ctx, "file:///ws/slow.go", 0, 4, lsp.TriggerInvoked)
	// While the slow request waits for the model, other requests are answered.
	if list, err := h.InlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked); err != nil || len(list.Items) != 1 {
		t.Errorf("other document: %v %+v", err, list)
	}
	if _, err := h.Status(h.ctx); err != nil {
		t.Error(err)
	}
	close(release)
	var list lsp.InlineCompletionList
	if err := slow.Wait(h.ctx, &list); err != nil || len(list.Items) != 1 {
		t.Errorf("slow request: %v %+v", err, list)
	}
}

func TestEditCancelsStaleRequest(t *testing.T) {
	h := start(t, setup{})
	started := make(chan struct{}, 1)
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		started <- struct{}{}
		<-ctx.Done()
		return model.Result{}, ctx.Err()
	})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	p := h.GoInlineCompletion(h.ctx, uri, 3, 5, lsp.TriggerInvoked)
	<-started
	_ = h.DidChange(h.ctx, uri, 2, lsptest.Insert(3, 5, "P"))
	if err := p.Wait(h.ctx, nil); rpcCode(err) != lsp.CodeRequestCancelled || !strings.Contains(err.Error(), "changed") {
		t.Errorf("request for the text before an edit: %v, want RequestCancelled", err)
	}
}

func TestUTF8Positions(t *testing.T) {
	h := start(t, setup{encodings: []lsp.Encoding{lsp.UTF8, lsp.UTF16}})
	_ = h.DidOpen(h.ctx, uri, "go", "s := \"é𝄞\"\n")
	// Byte column 9 is after "s := \"é" (é is two bytes).
	_ = h.DidChange(h.ctx, uri, 2, lsptest.Insert(0, 9, "x"))
	list, err := h.InlineCompletion(h.ctx, uri, 0, 13, lsp.TriggerInvoked) // after "x𝄞"
	if err != nil {
		t.Fatal(err)
	}
	if h.model.last.Prefix != "s := \"éx𝄞" {
		t.Errorf("prefix %q", h.model.last.Prefix)
	}
	if r := list.Items[0].Range; r.Start.Character != 13 {
		t.Errorf("range %+v, want byte column 13", r)
	}
}

func TestNoProgressWithoutClientSupport(t *testing.T) {
	var rep lsp.Reporter
	h := start(t, setup{onOpen: func(r lsp.Reporter) { rep = r }})
	rep.Progress("Indexing", 1, 10)
	rep.Message("index ready")
	if _, err := h.WaitFor(h.ctx, protocol.ServerWindowShowMessage, 1); err != nil {
		t.Fatal(err)
	}
	st, _ := h.Status(h.ctx)
	if st.Indexing == nil || st.Indexing.Done != 1 || len(h.Received("window/workDoneProgress/create"))+len(h.Received(protocol.MethodProgress)) != 0 {
		t.Errorf("status %+v; progress sent to a client that did not ask for it", st.Indexing)
	}
}

// An accept sent right before a whole-document change and a new request is
// applied first, like the notifications around it: the suggestion is logged
// as accepted, never as superseded.
func TestAcceptInOrderWithEdits(t *testing.T) {
	h := start(t, setup{})
	_ = h.DidOpen(h.ctx, uri, "go", source)
	h.model.setAnswer(func(ctx context.Context, req model.Request) (model.Result, error) {
		return model.Result{Text: "Println()"}, nil
	})
	acceptThenReplace(t, h, uri, source, protocol.Position{Line: 3, Character: 5}, 2, 40)
}

// acceptThenReplace asks for a suggestion at pos, accepts it and at once
// replaces the whole text and asks again, rounds times (versions from
// version on); every accept must be recorded as one.
func acceptThenReplace(t *testing.T, h *harness, uri, text string, pos protocol.Position, version int32, rounds int) {
	t.Helper()
	for i := range rounds {
		list, err := h.InlineCompletion(h.ctx, uri, pos.Line, pos.Character, lsp.TriggerInvoked)
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("round %d: %v %+v", i, err, list)
		}
		cmd := list.Items[0].Command
		accept := h.Go(h.ctx, protocol.MethodWorkspaceExecuteCommand, protocol.ExecuteCommandParams{Command: cmd.Command, Arguments: cmd.Arguments})
		text += "\n"
		_ = h.DidChange(h.ctx, uri, version+int32(i), lsptest.Change{Text: text})
		next := h.GoInlineCompletion(h.ctx, uri, pos.Line, pos.Character, lsp.TriggerInvoked)
		if err := accept.Wait(h.ctx, nil); err != nil {
			t.Fatal(err)
		}
		var l lsp.InlineCompletionList
		if err := next.Wait(h.ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(h.rec.kinds(telemetry.KindAccepted)); n != rounds {
		t.Errorf("%d of %d accepts recorded (rejected %d, unseen %d)", n, rounds, len(h.rec.kinds(telemetry.KindRejected)), len(h.rec.kinds(telemetry.KindUnseen)))
	}
}

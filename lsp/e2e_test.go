package lsp_test

// End-to-end tests: the real `ghostline serve` binary over stdio (and TCP),
// driven by lsptest, with an in-process Ollama (lsptest.Ollama) behind it.

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
)

type binary struct {
	*lsptest.Client
	ctx       context.Context
	workspace string
}

// startBinary runs `ghostline serve` in a fresh workspace with private
// cache and data directories; settings nil: no initialize.
func startBinary(t testing.TB, settings map[string]any, args ...string) *binary {
	t.Helper()
	bin := ghostline(t) // built before the clock starts: a loaded machine may take a minute to link
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	home := t.TempDir()
	ws := filepath.Join(home, "ws")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "main.go"), []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := lsptest.Start(ctx, bin, lsptest.Options{
		Args: append([]string{"serve", "--log-level", "debug"}, args...),
		Env: []string{
			"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
			"XDG_DATA_HOME=" + filepath.Join(home, "data"),
			"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
			"OLLAMA_HOST=127.0.0.1:1", // never the developer's own server
		},
		Dir: ws,
	})
	if err != nil {
		t.Fatal(err)
	}
	b := &binary{Client: c, ctx: ctx, workspace: ws}
	t.Cleanup(func() {
		_ = c.Close()
		if t.Failed() {
			t.Logf("server stderr:\n%s", c.Stderr())
		}
	})
	if settings != nil {
		if _, err := c.Initialize(ctx, lsptest.InitOptions{RootURI: "file://" + ws, Settings: settings}); err != nil {
			t.Fatalf("initialize: %v", err)
		}
	}
	return b
}

// builtinSettings use the built-in model: for tests that need no model server.
func builtinSettings() map[string]any {
	return map[string]any{
		"model":      map[string]any{"provider": "builtin"},
		"telemetry":  map[string]any{"enabled": false},
		"completion": map[string]any{"debounceMs": 0},
	}
}

func (b *binary) uri() string { return "file://" + filepath.Join(b.workspace, "main.go") }

func TestServeBadInput(t *testing.T) {
	b := startBinary(t, nil)
	uri := b.uri()
	if _, err := b.InlineCompletion(b.ctx, uri, 0, 0, lsp.TriggerInvoked); rpcCode(err) != lsp.CodeServerNotInitialized {
		t.Errorf("before initialize: %v", err)
	}
	if _, err := b.Initialize(b.ctx, lsptest.InitOptions{RootURI: "file://" + b.workspace, Settings: builtinSettings()}); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteRaw([]byte(`{"jsonrpc":"2.0","id":5,"method":"initialize",`), true); err != nil {
		t.Fatal(err)
	}
	if got, err := b.WaitFor(b.ctx, "", 1); err != nil || got[0].Error.Code != jsonrpc2.CodeParseError {
		t.Errorf("malformed JSON: %+v %v", got, err)
	}
	if err := b.Call(b.ctx, "textDocument/formatting", map[string]any{}, nil); rpcCode(err) != jsonrpc2.CodeMethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
	// Invalid UTF-8 and positions past the end.
	_ = b.DidOpen(b.ctx, uri, "go", "package main\n\nvar s = \"\xff\xfe\"\n")
	if _, err := b.InlineCompletion(b.ctx, uri, 99, 99, lsp.TriggerInvoked); err != nil {
		t.Errorf("position past the end: %v", err)
	}
	// A 20 MB document is kept, not completed, and the server stays responsive.
	big := "file://" + filepath.Join(b.workspace, "big.go")
	line := "var x = 1 // " + strings.Repeat("padding ", 10) + "\n"
	_ = b.DidOpen(b.ctx, big, "go", strings.Repeat(line, 20<<20/len(line)+1))
	list, err := b.InlineCompletion(b.ctx, big, 1000, 5, lsp.TriggerInvoked)
	if err != nil || len(list.Items) != 0 {
		t.Errorf("20 MB document: %v %+v, want no items", err, list.Items)
	}
	_ = b.DidChange(b.ctx, big, 2, lsptest.Insert(0, 0, "// edited\n"))
	if _, err := b.Status(b.ctx); err != nil {
		t.Errorf("status after a 20 MB document: %v", err)
	}
	if b.Exited() {
		t.Fatal("server exited")
	}
	// exit without shutdown: status 1.
	_ = b.Notify(b.ctx, "exit", nil)
	var exit *exec.ExitError
	if err := b.Wait(b.ctx); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit without shutdown: %v, want exit status 1", err)
	}
}

func TestServeTCP(t *testing.T) {
	bin := ghostline(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "serve", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+home, "XDG_DATA_HOME="+home)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	addrRE := regexp.MustCompile(`listening on (\S+)`)
	sc := bufio.NewScanner(stderr)
	var addr string
	for addr == "" && sc.Scan() {
		if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if addr == "" {
		t.Fatal("no listening address on stderr")
	}
	// Two clients, one session each.
	for i := range 2 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c := lsptest.Connect(ctx, conn)
		if _, err := c.Initialize(ctx, lsptest.InitOptions{RootURI: "file://" + home, Settings: builtinSettings()}); err != nil {
			t.Fatalf("client %d: initialize: %v", i, err)
		}
		_ = c.DidOpen(ctx, "file:///tcp.go", "go", source)
		if _, err := c.InlineCompletion(ctx, "file:///tcp.go", 3, 5, lsp.TriggerInvoked); err != nil {
			t.Errorf("client %d: %v", i, err)
		}
		if st, err := c.Status(ctx); err != nil || !st.Ready || st.Model != "builtin" {
			t.Errorf("client %d: status %+v %v", i, st, err)
		}
		if err := c.Shutdown(ctx); err != nil {
			t.Errorf("client %d: shutdown: %v", i, err)
		}
		c.Close()
	}
}

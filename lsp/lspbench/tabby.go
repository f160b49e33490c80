package lspbench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/ghostline/ghostline/lsp/lsptest"
)

// Tabby is an in-process server with the parts of the Tabby API that
// tabby-agent 1.5 calls (health, server settings, completions, events),
// answering completions at once with the same text as lsptest.Ollama.
type Tabby struct {
	srv   *httptest.Server
	calls atomic.Int64
}

// NewTabby starts the fake Tabby API on a loopback port.
func NewTabby() *Tabby {
	t := &Tabby{}
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	health := func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"model": "fake", "device": "cpu", "arch": "x86_64", "cpu_info": "", "cpu_count": 1,
			"cuda_devices": []string{}, "version": map[string]any{"build_date": "", "build_timestamp": "", "git_sha": "", "git_describe": "v0.11.0"}})
	}
	mux.HandleFunc("GET /v1/health", health)
	mux.HandleFunc("POST /v1/health", health)
	mux.HandleFunc("GET /v1beta/server_setting", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"disable_client_side_telemetry": true})
	})
	mux.HandleFunc("POST /v1/completions", func(w http.ResponseWriter, r *http.Request) {
		n := t.calls.Add(1)
		reply(w, map[string]any{"id": fmt.Sprintf("cmpl-%d", n), "choices": []map[string]any{{"index": 0, "text": `Println("hi")`}}})
	})
	mux.HandleFunc("POST /v1/events", func(w http.ResponseWriter, r *http.Request) {})
	t.srv = httptest.NewServer(mux)
	return t
}

// URL is the API's base URL.
func (t *Tabby) URL() string { return t.srv.URL }

// Calls is the number of completion requests so far.
func (t *Tabby) Calls() int { return int(t.calls.Load()) }

// Close stops the server.
func (t *Tabby) Close() {
	t.srv.CloseClientConnections()
	t.srv.Close()
}

// loopbackOnly is preloaded into node (NODE_OPTIONS=--require): every
// socket to a host other than loopback fails at connect, and is reported
// on stderr, so nothing the agent does reaches beyond this machine.
const loopbackOnly = `'use strict';
const net = require('net');
const loopback = (h) => h === undefined || h === null || h === '' || h === 'localhost' || h === '::1' || /^127\./.test(h);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let a = args[0];
  if (Array.isArray(a)) a = a[0];
  let host;
  if (a !== null && typeof a === 'object') host = a.path ? 'localhost' : a.host;
  else if (typeof a === 'number' || /^\d+$/.test(String(a))) host = typeof args[1] === 'string' ? args[1] : undefined;
  if (!loopback(host)) {
    process.stderr.write('loopback-only: refused a connection to ' + host + '\n');
    process.nextTick(() => this.destroy(new Error('loopback-only: refused ' + host)));
    return this;
  }
  return connect.apply(this, args);
};
`

// TabbyAgent is tabby-agent's LSP server (`node CLI --lsp --stdio`, CLI
// being dist/cli.js of the npm package tabby-agent@1.5.0) against the fake
// Tabby API, with home as HOME (its config points at the API, usage
// tracking off) and any connection beyond loopback refused. It is driven
// with textDocument/completion, as 1.5.0 has no inline completion.
func TabbyAgent(cli, home string, api *Tabby) (TypingServer, error) {
	if _, err := os.Stat(cli); err != nil {
		return TypingServer{}, fmt.Errorf("tabby-agent: %w", err)
	}
	cfg := filepath.Join(home, ".tabby-client", "agent", "config.toml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o755); err != nil {
		return TypingServer{}, err
	}
	toml := fmt.Sprintf("[server]\nendpoint = %q\ntoken = \"bench\"\n\n[anonymousUsageTracking]\ndisable = true\n\n[logs]\nlevel = \"silent\"\n", api.URL())
	preload := filepath.Join(home, "loopback-only.js")
	if err := os.WriteFile(cfg, []byte(toml), 0o644); err != nil {
		return TypingServer{}, err
	}
	if err := os.WriteFile(preload, []byte(loopbackOnly), 0o644); err != nil {
		return TypingServer{}, err
	}
	return TypingServer{
		Name: "tabby-agent",
		Bin:  "node",
		Args: []string{cli, "--lsp", "--stdio"},
		Env:  append(isolatedHome(home), "NODE_OPTIONS=--require "+preload),
		Ask: func(ctx context.Context, c *lsptest.Client, uri string, line, col uint32) *lsptest.Pending {
			return c.Go(ctx, protocol.MethodTextDocumentCompletion, protocol.CompletionParams{
				TextDocumentPositionParams: protocol.TextDocumentPositionParams{
					TextDocument: protocol.TextDocumentIdentifier{URI: uri},
					Position:     protocol.Position{Line: line, Character: col},
				},
				Context: &protocol.CompletionContext{TriggerKind: protocol.CompletionTriggerKindInvoked},
			})
		},
		BackendCalls: api.Calls,
		Refused:      refused,
	}, nil
}

// refused counts the connections beyond loopback that the preload refused,
// from the server's stderr.
func refused(stderr string) int { return strings.Count(stderr, "loopback-only: refused a connection") }

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/lsp/lsptest"
)

func TestDoctor(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	fake := lsptest.NewOllama()
	defer fake.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()

	for _, tc := range []struct {
		name, settings string
		wantErr        bool
		want           []string
	}{
		{"server works", fmt.Sprintf(`{"model":{"endpoint":%q}}`, fake.URL()), false,
			[]string{"ok   endpoint", "ok   model", "raw prompts with the qwen FIM tokens, PSM order", "ok   generate", "ok   index", "ok   telemetry", "ghostline is ready"}},
		{"no server, auto", fmt.Sprintf(`{"model":{"endpoint":%q}}`, down), false,
			[]string{"FAIL endpoint", "→ start Ollama: ollama serve", "no model server: ghostline will use its built-in model"}},
		{"no server, ollama asked for", fmt.Sprintf(`{"model":{"provider":"ollama","endpoint":%q}}`, down), true,
			[]string{"FAIL endpoint", "ollama serve"}},
		{"built-in", `{"model":{"provider":"builtin"}}`, false, []string{"built-in model", "ghostline is ready"}},
		{"invalid name", `{"model":{"name":"a;b"}}`, true, []string{"FAIL settings", "not a valid Ollama model name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			err := runDoctor(context.Background(), []string{"--settings", tc.settings}, &out)
			if (err != nil) != tc.wantErr || (err != nil && !errors.Is(err, errNotUsable)) {
				t.Errorf("error %v, want error %v", err, tc.wantErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

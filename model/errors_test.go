package model

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ghostline/ghostline/config"
)

// Every failure a real backend returns carries its class and a fix worded
// for the provider at hand: a user of llama.cpp is never told to run Ollama.
func TestErrorsCarryClassAndFix(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(f *fake) config.Model
		class    string
		sentinel error
		fix      string // in Fix()
		notFix   string // never in Fix()
	}{
		{"ollama down", func(f *fake) config.Model { return ollamaConfig(closedPort(t), "qwen2.5-coder:1.5b-base") },
			"unavailable", ErrUnavailable, "ollama serve", "llama-server"},
		{"llama.cpp down", func(f *fake) config.Model { return openAIConfig("llamacpp", closedPort(t)) },
			"unavailable", ErrUnavailable, "llama-server", "ollama"},
		{"openai down", func(f *fake) config.Model { return openAIConfig("openai", closedPort(t)) },
			"unavailable", ErrUnavailable, "model.endpoint", "ollama"},
		{"ollama model missing", func(f *fake) config.Model {
			f.set(func(c *fakeConf) { c.showCode = http.StatusNotFound })
			return ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base")
		}, "not-found", ErrModelNotFound, "ollama pull qwen2.5-coder:1.5b-base", "/v1/models"},
		{"ollama fails", func(f *fake) config.Model {
			f.set(func(c *fakeConf) { c.mode = "500" })
			return ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base")
		}, "bad-response", ErrBadResponse, "log", "ollama serve"},
		{"silent server", func(f *fake) config.Model {
			c := openAIConfig("openai", silentServer(t))
			c.TimeoutMs = 100
			return c
		}, "timeout", ErrTimeout, "model.timeoutMs", "ollama"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Open(tc.setup(newFake(t)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = b.Complete(context.Background(), Request{Prefix: "x = ", MaxTokens: 4})
			var me *Error
			if !errors.As(err, &me) || !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v (%T), want a *model.Error of class %v", err, err, tc.sentinel)
			}
			if me.Class() != tc.class || !strings.Contains(me.Fix(), tc.fix) || strings.Contains(me.Fix(), tc.notFix) {
				t.Errorf("class %q fix %q; want class %q, a fix with %q and without %q", me.Class(), me.Fix(), tc.class, tc.fix, tc.notFix)
			}
			if FixOf(err) != me.Fix() {
				t.Errorf("FixOf = %q", FixOf(err))
			}
		})
	}
}

// The caller's own cancellation is not a model failure.
func TestCancelIsNotAnError(t *testing.T) {
	b, err := Open(ollamaConfig(silentServer(t), "qwen2.5-coder:1.5b-base"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = b.Complete(ctx, Request{Prefix: "x"})
	var me *Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &me) {
		t.Errorf("err = %v, want context.Canceled alone", err)
	}
}

// A server's raw bytes never reach a message: control characters, terminal
// escapes and invalid UTF-8 are replaced, and a long body is cut.
func TestErrorMessagesSanitised(t *testing.T) {
	body := "\x1b[31mboom\x00\xff\xfe\r\n" + strings.Repeat("é", 50000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	for _, provider := range []string{"openai", "ollama"} {
		c := openAIConfig(provider, srv.URL)
		if provider == "ollama" {
			c = ollamaConfig(srv.URL, "m")
		}
		b, err := Open(c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.Complete(context.Background(), Request{Prefix: "x = ", MaxTokens: 4})
		if err == nil {
			t.Fatalf("%s: no error", provider)
		}
		msg := err.Error()
		if !utf8.ValidString(msg) || strings.ContainsFunc(msg, func(r rune) bool { return !unicode.IsPrint(r) && r != utf8.RuneError }) || utf8.RuneCountInString(msg) > 400 {
			t.Errorf("%s: message not sanitised (%d runes): %q", provider, utf8.RuneCountInString(msg), msg)
		}
		if !strings.Contains(msg, "boom") {
			t.Errorf("%s: the server's words are lost: %q", provider, msg)
		}
	}
}

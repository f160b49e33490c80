package model

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/config"
)

func TestDiagnose(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(f *fake) config.Model
		usable bool
		failed string // the check that fails
		fix    string // in its fix
	}{
		{"all good", func(f *fake) config.Model { return ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base") }, true, "", ""},
		{"raw FIM family", func(f *fake) config.Model {
			f.set(func(c *fakeConf) { c.insert = false })
			return ollamaConfig(f.URL(), "starcoder2:3b")
		}, true, "", ""},
		{"server down", func(f *fake) config.Model { return ollamaConfig(closedPort(t), "qwen2.5-coder:1.5b-base") }, false, "endpoint", "ollama serve"},
		{"model missing", func(f *fake) config.Model {
			f.set(func(c *fakeConf) { c.showCode = http.StatusNotFound })
			return ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base")
		}, false, "model", "ollama pull qwen2.5-coder:1.5b-base"},
		{"no FIM", func(f *fake) config.Model {
			f.set(func(c *fakeConf) { c.insert = false })
			return ollamaConfig(f.URL(), "llama3:8b")
		}, false, "fill-in-the-middle", "model.template"},
		{"model fails to run", func(f *fake) config.Model {
			f.set(func(c *fakeConf) { c.mode = "500" })
			return ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base")
		}, false, "generate", "log"},
		{"bad settings", func(f *fake) config.Model { return ollamaConfig(f.URL(), "bad name;") }, false, "settings", "model.*"},
		{"openai", func(f *fake) config.Model { return openAIConfig("openai", f.URL()) }, true, "", ""},
		{"llama.cpp down", func(f *fake) config.Model { return openAIConfig("llamacpp", closedPort(t)) }, false, "server", "llama-server"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			d := Diagnose(context.Background(), tc.setup(f))
			if d.Usable != tc.usable {
				t.Errorf("usable %v, want %v: %+v", d.Usable, tc.usable, d.Findings)
			}
			var failed *Finding
			for i := range d.Findings {
				if !d.Findings[i].OK {
					failed = &d.Findings[i]
					break
				}
			}
			switch {
			case tc.failed == "" && failed != nil:
				t.Errorf("unexpected failure %+v", *failed)
			case tc.failed != "" && (failed == nil || failed.Check != tc.failed || !strings.Contains(failed.Fix, tc.fix)):
				t.Errorf("want %s to fail with a fix mentioning %q; got %+v", tc.failed, tc.fix, d.Findings)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"qwen2.5-coder:1.5b-base": "qwen2.5-coder:1.5b-base",
		"x;rm -rf /":              `'x;rm -rf /'`,
		"it's":                    `'it'\''s'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

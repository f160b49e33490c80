package model

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
)

func ollamaConfig(endpoint, name string) config.Model {
	return config.Model{Provider: "ollama", Endpoint: endpoint, Name: name, MaxTokens: 64, KeepAlive: "30m", TimeoutMs: 2000, Stop: []string{"<|user_stop|>"}}
}

func openOllama(t *testing.T, c config.Model) *Ollama {
	t.Helper()
	o, err := NewOllama(c)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOllamaFIM(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeConf) { f.logprob = -0.5 })
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	res, err := o.Complete(context.Background(), Request{Prefix: "func main() {\n\t", Suffix: "\n}\n", Stop: []string{"<|req_stop|>"}, Temperature: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "fmt.Println(x)" || res.Model != "qwen2.5-coder:1.5b-base" {
		t.Errorf("result %+v", res)
	}
	if res.Tokens != 5 || res.FirstToken <= 0 {
		t.Errorf("tokens %d, first token %v", res.Tokens, res.FirstToken)
	}
	if !res.HasConfidence || res.Confidence != -0.5 {
		t.Errorf("confidence %v %v, want -0.5", res.Confidence, res.HasConfidence)
	}
	b := f.last(t)
	// A known family: the raw prompt `ghostline context` prints.
	if b["prompt"] != "<|fim_prefix|>func main() {\n\t<|fim_suffix|>\n}\n<|fim_middle|>" || b["suffix"] != "" || b["raw"] != true {
		t.Errorf("want the raw qwen prompt, got prompt %q suffix %q raw %v", b["prompt"], b["suffix"], b["raw"])
	}
	if b["keep_alive"] != "30m0s" {
		t.Errorf("keep_alive %v", b["keep_alive"])
	}
	opts := b["options"].(map[string]any)
	if opts["num_predict"] != 64.0 || opts["temperature"] != 0.2 {
		t.Errorf("options %v", opts)
	}
	// The request's, the settings', the family's and the Modelfile's stops.
	for _, s := range []string{"<|req_stop|>", "<|user_stop|>", "<|fim_pad|>", "<|file_sep|>", "<|endoftext|>", "<|custom_stop|>"} {
		if !contains(opts["stop"], s) {
			t.Errorf("stop %v lacks %q", opts["stop"], s)
		}
	}
	if contains(opts["stop"], "\n") {
		t.Error("multi-line request stops at a line end")
	}
}

func TestOllamaPromptKinds(t *testing.T) {
	for _, tc := range []struct {
		name, model, template string
		insert                bool
		prompt, suffix        string
		raw                   bool
	}{
		{"known family, suffix first", "codellama:7b-code", "", false, "<PRE> <SUF>\nb <MID> a = ", "", true},
		{"template override beats insert", "my-model:latest", "deepseek", true, "<｜fim▁begin｜>a = <｜fim▁hole｜>\nb<｜fim▁end｜>", "", true},
		{"unknown family with insert: the model's template", "my-model:latest", "", true, "a = ", "\nb", false},
		{"unknown family: prefix only", "llama3:8b", "", false, "a = ", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.set(func(f *fakeConf) { f.insert = tc.insert })
			c := ollamaConfig(f.URL(), tc.model)
			c.Template = tc.template
			o := openOllama(t, c)
			if _, err := o.Complete(context.Background(), Request{Prefix: "a = ", Suffix: "\nb"}); err != nil {
				t.Fatal(err)
			}
			b := f.last(t)
			if raw, _ := b["raw"].(bool); raw != tc.raw || b["prompt"] != tc.prompt || b["suffix"] != tc.suffix && !(b["suffix"] == nil && tc.suffix == "") {
				t.Errorf("raw %v prompt %q suffix %q, want raw %v prompt %q suffix %q", b["raw"], b["prompt"], b["suffix"], tc.raw, tc.prompt, tc.suffix)
			}
		})
	}
}

// The prompt window is the model's context length from /api/show (the
// Modelfile's num_ctx first) less the tokens it may generate (64 here).
func TestOllamaPromptWindow(t *testing.T) {
	for _, tc := range []struct{ ctxLen, numCtx, want int }{
		{0, 0, 0},
		{32768, 0, 32768 - 64},
		{32768, 2048, 2048 - 64},
	} {
		f := newFake(t)
		f.set(func(c *fakeConf) { c.ctxLen, c.numCtx = tc.ctxLen, tc.numCtx })
		o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
		var b Backend = &Switchable{}
		b.(*Switchable).Set(o)
		if got := PromptWindow(context.Background(), b); got != tc.want {
			t.Errorf("context_length %d, num_ctx %d: window %d, want %d", tc.ctxLen, tc.numCtx, got, tc.want)
		}
	}
}

func TestOllamaShowCached(t *testing.T) {
	f := newFake(t)
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	for range 3 {
		if _, err := o.Complete(context.Background(), Request{Prefix: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.showCount(); n != 1 {
		t.Errorf("/api/show called %d times, want 1", n)
	}
}

func TestOllamaHostFromEnvironment(t *testing.T) {
	f := newFake(t)
	t.Setenv("OLLAMA_HOST", f.URL())
	o := openOllama(t, ollamaConfig("", "qwen2.5-coder:1.5b-base"))
	if o.Endpoint() != f.URL() {
		t.Errorf("endpoint %s, want OLLAMA_HOST %s", o.Endpoint(), f.URL())
	}
	if _, err := o.Complete(context.Background(), Request{Prefix: "x"}); err != nil {
		t.Fatal(err)
	}
}

// A single-line request ends at the first line end and closes the stream:
// the server sees its client leave long before it would have finished.
func TestOllamaSingleLineClosesEarly(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeConf) {
		f.reply = "first line\nsecond line" + strings.Repeat(" more", 200)
		f.chunk, f.delay = 4, 5*time.Millisecond
	})
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	start := time.Now()
	res, err := o.Complete(context.Background(), Request{Prefix: "x", SingleLine: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "first line" {
		t.Errorf("text %q, want the first line", res.Text)
	}
	if !contains(f.last(t)["options"].(map[string]any)["stop"], "\n") {
		t.Error("the server was not asked to stop at the line end")
	}
	select {
	case <-f.early:
	case <-time.After(2 * time.Second):
		t.Fatal("the server never saw the stream closed early")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: the stream was read to its end", d)
	}
}

func TestOllamaStopAcrossChunks(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeConf) { f.reply, f.chunk = "return x<|file_sep|>junk", 3 })
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	res, err := o.Complete(context.Background(), Request{Prefix: "x"})
	if err != nil || res.Text != "return x" {
		t.Errorf("got %q, %v; want the text before the stop token", res.Text, err)
	}
}

func TestOllamaCancel(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeConf) { f.reply, f.delay = strings.Repeat("abc", 100), 20*time.Millisecond })
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res, err := o.Complete(ctx, Request{Prefix: "x"})
	if !errors.Is(err, context.Canceled) || res.Text != "" {
		t.Fatalf("got %q, %v; want no text and context.Canceled", res.Text, err)
	}
	select {
	case <-f.early:
	case <-time.After(2 * time.Second):
		t.Fatal("the server kept streaming after the cancel")
	}
}

// badInput is one failure of a model server and what the backend must say.
type badInput struct {
	name  string
	setup func(t *testing.T, f *fake) (endpoint string) // "" means the fake
	want  error
	text  string // in the message
}

func badInputs() []badInput {
	return []badInput{
		{"accepts and never answers", func(t *testing.T, f *fake) string { return silentServer(t) }, ErrTimeout, "timed out"},
		{"answers byte by byte", func(t *testing.T, f *fake) string {
			f.set(func(f *fakeConf) { f.reply, f.mode, f.delay = strings.Repeat("x", 200), "trickle", 5*time.Millisecond })
			return ""
		}, ErrTimeout, "timed out"},
		{"invalid JSON", func(t *testing.T, f *fake) string { f.set(func(f *fakeConf) { f.mode = "badjson" }); return "" }, ErrBadResponse, "broken"},
		{"error line mid-stream", func(t *testing.T, f *fake) string { f.set(func(f *fakeConf) { f.mode = "errline" }); return "" }, nil, ""},
		{"HTTP 500", func(t *testing.T, f *fake) string { f.set(func(f *fakeConf) { f.mode = "500" }); return "" }, ErrBadResponse, "500"},
		{"HTTP 404 not a model server", func(t *testing.T, f *fake) string { f.set(func(f *fakeConf) { f.mode = "404plain" }); return "" }, ErrBadResponse, "404"},
		{"model not found", func(t *testing.T, f *fake) string { f.set(func(f *fakeConf) { f.mode = "404model" }); return "" }, ErrModelNotFound, "not found"},
		{"100 KB completion", func(t *testing.T, f *fake) string {
			f.set(func(f *fakeConf) { f.reply, f.chunk = strings.Repeat("y", 100<<10), 512 })
			return ""
		}, ErrBadResponse, "64 KB"},
		{"stream cut before the end", func(t *testing.T, f *fake) string { f.set(func(f *fakeConf) { f.mode = "nodone" }); return "" }, ErrBadResponse, "ended"},
		{"connection refused", func(t *testing.T, f *fake) string { return closedPort(t) }, ErrUnavailable, "refused"},
	}
}

func TestOllamaBadInput(t *testing.T) {
	cases := append(badInputs(), badInput{"show: model not found", func(t *testing.T, f *fake) string {
		f.set(func(f *fakeConf) { f.showCode = 404 })
		return ""
	}, ErrModelNotFound, "not found"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			endpoint := tc.setup(t, f)
			if endpoint == "" {
				endpoint = f.URL()
			}
			c := ollamaConfig(endpoint, "qwen2.5-coder:1.5b-base")
			c.TimeoutMs = 300
			o := openOllama(t, c)
			start := time.Now()
			res, err := o.Complete(context.Background(), Request{Prefix: "x"})
			checkBad(t, tc, res, err, time.Since(start), 300*time.Millisecond)
		})
	}
}

// checkBad asserts one clear error of the right class, no text, no hang.
func checkBad(t *testing.T, tc badInput, res Result, err error, took, timeout time.Duration) {
	t.Helper()
	if took > timeout+time.Second {
		t.Errorf("took %v with a %v timeout", took, timeout)
	}
	if res.Text != "" {
		t.Errorf("text %q, want none", res.Text)
	}
	want := tc.want
	if want == nil {
		want = ErrBadResponse
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	msg := err.Error()
	t.Log(msg)
	if strings.Contains(msg, "\n") || !strings.Contains(msg, tc.text) {
		t.Errorf("message %q: want one line mentioning %q", msg, tc.text)
	}
}

func TestOllamaEmptyCompletion(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fakeConf) { f.reply = "" })
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	res, err := o.Complete(context.Background(), Request{Prefix: "x"})
	if err != nil || res.Text != "" || res.HasConfidence {
		t.Errorf("got %+v, %v; want an empty result and no error", res, err)
	}
}

func TestOllamaCheck(t *testing.T) {
	f := newFake(t)
	o := openOllama(t, ollamaConfig(f.URL(), "qwen2.5-coder:1.5b-base"))
	if err := o.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	f2 := newFake(t)
	f2.set(func(f *fakeConf) { f.showCode = 404 })
	if err := openOllama(t, ollamaConfig(f2.URL(), "nope:latest")).Check(context.Background()); !errors.Is(err, ErrModelNotFound) {
		t.Errorf("missing model: %v", err)
	}
	if err := openOllama(t, ollamaConfig(closedPort(t), "x")).Check(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("server down: %v", err)
	}
}

func TestOllamaSettingsRejected(t *testing.T) {
	for _, c := range []config.Model{
		{Name: "qwen; rm -rf /"},
		{Name: "$(touch /tmp/pwned)"},
		{Name: "a b"},
		{Name: ""},
		{Name: "ok", Endpoint: "ftp://host"},
		{Name: "ok", Endpoint: "http://"},
		{Name: "ok", Template: "gpt"},
		{Name: "ok", KeepAlive: "forever"},
	} {
		if _, err := NewOllama(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"localhost":                  "http://localhost:11434",
		"10.0.0.2:8000":              "http://10.0.0.2:8000",
		"http://gpu-box":             "http://gpu-box",
		"https://models.example/v1/": "https://models.example/v1",
		"[::1]":                      "http://[::1]:11434",
	} {
		u, err := parseEndpoint(in, "11434")
		if err != nil || u.String() != want {
			t.Errorf("%q: %v %v, want %s", in, u, err, want)
		}
	}
}

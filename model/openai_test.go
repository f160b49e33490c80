package model

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
)

const testKey = "sk-test-0123456789abcdef"

// The key is read from the environment; set once so parallel tests can share it.
func init() { os.Setenv("GHOSTLINE_TEST_KEY", testKey) }

func openAIConfig(provider, endpoint string) config.Model {
	return config.Model{Provider: provider, Endpoint: endpoint, Name: "tiny", APIKeyEnv: "GHOSTLINE_TEST_KEY", MaxTokens: 32, TimeoutMs: 2000}
}

func openOpenAI(t *testing.T, c config.Model) *OpenAI {
	t.Helper()
	b, err := Open(c)
	if err != nil {
		t.Fatal(err)
	}
	return b.(*OpenAI)
}

func TestOpenAICompletions(t *testing.T) {
	f := newFake(t)
	f.set(func(c *fakeConf) { c.logprob = -0.25 })
	o := openOpenAI(t, openAIConfig("openai", f.URL()+"/v1"))
	res, err := o.Complete(context.Background(), Request{Prefix: "def f():\n    ", Suffix: "\n", Temperature: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "fmt.Println(x)" || !res.HasConfidence || res.Confidence != -0.25 || res.Model != "tiny" {
		t.Errorf("result %+v", res)
	}
	b := f.last(t)
	if b["prompt"] != "def f():\n    " || b["suffix"] != "\n" || b["model"] != "tiny" || b["stream"] != true || b["max_tokens"] != 32.0 {
		t.Errorf("request %v", b)
	}
	if got := f.header().Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization %q", got)
	}
}

// A known family (by name or model.template) gets its raw FIM prompt, the
// string `ghostline context` prints.
func TestOpenAIKnownFamilySendsFIMPrompt(t *testing.T) {
	f := newFake(t)
	c := openAIConfig("openai", f.URL())
	c.Template = "starcoder"
	o := openOpenAI(t, c)
	if _, err := o.Complete(context.Background(), Request{Prefix: "a", Suffix: "b"}); err != nil {
		t.Fatal(err)
	}
	b := f.last(t)
	if b["prompt"] != "<fim_prefix>a<fim_suffix>b<fim_middle>" || b["suffix"] != nil {
		t.Errorf("prompt %q suffix %v", b["prompt"], b["suffix"])
	}
	if !contains(b["stop"], "<file_sep>") {
		t.Errorf("stop %v lacks the family's tokens", b["stop"])
	}
}

func TestLlamaCppInfill(t *testing.T) {
	f := newFake(t)
	o := openOpenAI(t, openAIConfig("llamacpp", f.URL()))
	res, err := o.Complete(context.Background(), Request{Prefix: "p", Suffix: "s"})
	if err != nil || res.Text != "fmt.Println(x)" || res.HasConfidence {
		t.Fatalf("got %+v, %v", res, err)
	}
	b := f.last(t)
	if b["input_prefix"] != "p" || b["input_suffix"] != "s" || b["n_predict"] != 32.0 || b["stream"] != true || b["cache_prompt"] != true {
		t.Errorf("request %v", b)
	}
}

// llama.cpp with a known family: the raw prompt on /completion, cached.
func TestLlamaCppCompletionPrompt(t *testing.T) {
	f := newFake(t)
	c := openAIConfig("llamacpp", f.URL())
	c.Name = "codellama-7b.Q4_K_M.gguf"
	o := openOpenAI(t, c)
	res, err := o.Complete(context.Background(), Request{Prefix: "p", Suffix: "s"})
	if err != nil || res.Text != "fmt.Println(x)" {
		t.Fatalf("got %+v, %v", res, err)
	}
	b := f.last(t)
	if f.path() != "/completion" || b["prompt"] != "<PRE> <SUF>s <MID> p" || b["input_prefix"] != nil || b["cache_prompt"] != true {
		t.Errorf("%s %v", f.path(), b)
	}
}

func TestOpenAIUnstreamedAnswer(t *testing.T) {
	f := newFake(t)
	f.set(func(c *fakeConf) { c.mode = "json" })
	o := openOpenAI(t, openAIConfig("openai", f.URL()))
	res, err := o.Complete(context.Background(), Request{Prefix: "p"})
	if err != nil || res.Text != "fmt.Println(x)" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestOpenAISingleLineClosesEarly(t *testing.T) {
	for _, provider := range []string{"openai", "llamacpp"} {
		t.Run(provider, func(t *testing.T) {
			f := newFake(t)
			f.set(func(c *fakeConf) {
				c.reply = "x := 1\ny := 2" + strings.Repeat(" more", 200)
				c.chunk, c.delay = 4, 5*time.Millisecond
			})
			o := openOpenAI(t, openAIConfig(provider, f.URL()))
			res, err := o.Complete(context.Background(), Request{Prefix: "p", SingleLine: true})
			if err != nil || res.Text != "x := 1" {
				t.Fatalf("got %q, %v", res.Text, err)
			}
			select {
			case <-f.early:
			case <-time.After(2 * time.Second):
				t.Fatal("the server never saw the stream closed early")
			}
		})
	}
}

func TestOpenAICancel(t *testing.T) {
	f := newFake(t)
	f.set(func(c *fakeConf) { c.reply, c.delay = strings.Repeat("abc", 100), 20*time.Millisecond })
	o := openOpenAI(t, openAIConfig("openai", f.URL()))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res, err := o.Complete(ctx, Request{Prefix: "p"})
	if !errors.Is(err, context.Canceled) || res.Text != "" {
		t.Fatalf("got %q, %v", res.Text, err)
	}
}

func TestOpenAIBadInput(t *testing.T) {
	cases := badInputs()
	for i := range cases {
		switch cases[i].name {
		case "invalid JSON":
			cases[i].text = "invalid JSON"
		case "error line mid-stream":
			cases[i].want, cases[i].text = ErrModelNotFound, "does not exist"
		}
	}
	cases = append(cases, badInput{"unauthorized, key echoed", func(t *testing.T, f *fake) string {
		f.set(func(c *fakeConf) { c.mode, c.reply = "401", testKey })
		return ""
	}, ErrBadResponse, "401"})
	for _, provider := range []string{"openai", "llamacpp"} {
		for _, tc := range cases {
			t.Run(provider+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := newFake(t)
				endpoint := tc.setup(t, f)
				if endpoint == "" {
					endpoint = f.URL()
				}
				c := openAIConfig(provider, endpoint)
				c.TimeoutMs = 300
				o := openOpenAI(t, c)
				start := time.Now()
				res, err := o.Complete(context.Background(), Request{Prefix: "x"})
				checkBad(t, tc, res, err, time.Since(start), 300*time.Millisecond)
				if strings.Contains(err.Error(), testKey) {
					t.Errorf("the API key leaked into %q", err)
				}
			})
		}
	}
}

func TestOpenAICheck(t *testing.T) {
	f := newFake(t)
	if err := openOpenAI(t, openAIConfig("openai", f.URL())).Check(context.Background()); err != nil {
		t.Errorf("listed model: %v", err)
	}
	c := openAIConfig("openai", f.URL())
	c.Name = "other"
	if err := openOpenAI(t, c).Check(context.Background()); !errors.Is(err, ErrModelNotFound) {
		t.Errorf("unlisted model: %v", err)
	}
	if err := openOpenAI(t, openAIConfig("llamacpp", f.URL())).Check(context.Background()); err != nil {
		t.Errorf("llama.cpp health: %v", err)
	}
	f.set(func(c *fakeConf) { c.mode = "500" })
	if err := openOpenAI(t, openAIConfig("llamacpp", f.URL())).Check(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("llama.cpp loading: %v", err)
	}
}

func TestOpenSettings(t *testing.T) {
	for _, c := range []config.Model{
		{Provider: "openai", Name: ""},
		{Provider: "openai", Name: "bad\nname"},
		{Provider: "builtin", Name: "x"},
		{Provider: "gpt", Name: "x"},
	} {
		if _, err := Open(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	// Names are data, not shell words: anything printable goes to an OpenAI server.
	if _, err := Open(config.Model{Provider: "openai", Name: "/models/my model;$(x)"}); err != nil {
		t.Error(err)
	}
}

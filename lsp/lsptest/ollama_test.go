package lsptest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// The fake speaks Ollama's wire format as Ollama's own client reads it.
func TestOllamaWireFormat(t *testing.T) {
	o := NewOllama()
	defer o.Close()
	u, _ := url.Parse(o.URL())
	c := api.NewClient(u, http.DefaultClient)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	show, err := c.Show(ctx, &api.ShowRequest{Model: "qwen2.5-coder:1.5b-base"})
	if err != nil || !strings.Contains(show.Template, ".Suffix") || !slices.Contains(show.Capabilities, "insert") {
		t.Fatalf("show: %v %+v", err, show)
	}

	o.SetReply(func(r GenerateRequest) string { return "é𝄞 " + r.Suffix + " STOP more" })
	var chunks []string
	done := false
	err = c.Generate(ctx, &api.GenerateRequest{Model: "m", Prompt: "p", Suffix: "s", Options: map[string]any{"stop": []string{" STOP"}}}, func(r api.GenerateResponse) error {
		chunks = append(chunks, r.Response)
		done = done || r.Done
		return nil
	})
	if err != nil || strings.Join(chunks, "") != "é𝄞 s" || len(chunks) < 3 || !done {
		t.Errorf("generate: %v, chunks %q, done %v", err, chunks, done)
	}
	if g := o.Generates(); len(g) != 1 || g[0].Suffix != "s" || g[0].Model != "m" {
		t.Errorf("recorded %+v", g)
	}

	for mode, want := range map[OllamaMode]int{OllamaHTTPError: 500, OllamaNotFound: 404} {
		o.SetMode(mode)
		err := c.Generate(ctx, &api.GenerateRequest{Model: "m", Prompt: "p"}, func(api.GenerateResponse) error { return nil })
		var se api.StatusError
		if !errors.As(err, &se) || se.StatusCode != want {
			t.Errorf("mode %d: %v, want HTTP %d", mode, err, want)
		}
	}
	o.SetMode(OllamaMalformed)
	if err := c.Generate(ctx, &api.GenerateRequest{Model: "m", Prompt: "p"}, func(api.GenerateResponse) error { return nil }); err == nil {
		t.Error("malformed stream: no error")
	}
	o.SetMode(OllamaSlow)
	o.SetDelay(time.Minute)
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	if err := c.Generate(short, &api.GenerateRequest{Model: "m", Prompt: "p"}, func(api.GenerateResponse) error { return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow: %v, want the client's deadline", err)
	}
}

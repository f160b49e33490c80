//go:build ollama

// The real-Ollama suite: `make test-ollama` (go test -tags ollama ./model/ollamatest/).
// It needs the ollama binary (scripts/install-ollama.sh). The tiny model's
// output is random text: the tests check behaviour (streams, stops,
// errors, recovery), never content.
package ollamatest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/ollamatest"
)

var srv *ollamatest.Server

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ghostline-ollama-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	srv, err = ollamatest.StartTiny(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start ollama:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "ollama serve + tiny models created in %v at %s\n", time.Since(start).Round(time.Millisecond), srv.URL())
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "server log (tail):\n%s\n", tailLog(srv.Logs()))
	}
	_ = srv.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

func tailLog(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}

func settings(name string) config.Model {
	return config.Model{Provider: "ollama", Endpoint: srv.URL(), Name: name, MaxTokens: 32, KeepAlive: "5m", TimeoutMs: 30000}
}

func open(t testing.TB, c config.Model) model.Server {
	t.Helper()
	b, err := model.Open(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func client(t testing.TB) *api.Client {
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	return api.NewClient(u, http.DefaultClient)
}

// A random-weight model samples; temperature 1 keeps it from repeating one token.
var fimReq = model.Request{Prefix: "func add(a, b int) int {\n\treturn ", Suffix: "\n}\n", Temperature: 1}

func TestStreamingGenerate(t *testing.T) {
	b := open(t, settings(ollamatest.TinyModel))
	if err := b.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := b.Complete(context.Background(), fimReq)
	if err != nil {
		t.Fatal(err)
	}
	if res.Text == "" || res.Tokens < 2 || res.FirstToken <= 0 || res.Model != ollamatest.TinyModel {
		t.Errorf("want a streamed, non-empty result; got %+v", res)
	}
	t.Logf("%d tokens, first after %v: %q", res.Tokens, res.FirstToken, res.Text)
}

// The server only accepts a suffix for a model whose template uses it; the
// backend sends suffix to the one and a raw FIM prompt to the other.
func TestFIMSuffixAndRaw(t *testing.T) {
	c := client(t)
	show, err := c.Show(context.Background(), &api.ShowRequest{Model: ollamatest.TinyModel})
	if err != nil || !slices.Contains(show.Capabilities, "insert") {
		t.Fatalf("the tiny model should have the insert capability: %v %v", show, err)
	}
	err = c.Generate(context.Background(), &api.GenerateRequest{Model: ollamatest.TinyRawModel, Prompt: "a", Suffix: "b"}, func(api.GenerateResponse) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "insert") {
		t.Fatalf("the raw model should refuse a suffix, got %v", err)
	}

	if _, err := open(t, settings(ollamatest.TinyModel)).Complete(context.Background(), fimReq); err != nil {
		t.Errorf("FIM through suffix: %v", err)
	}
	// No family in the name: the template setting names the FIM tokens.
	raw := settings(ollamatest.TinyRawModel)
	raw.Template = "qwen"
	res, err := open(t, raw).Complete(context.Background(), fimReq)
	if err != nil || res.Text == "" {
		t.Errorf("raw FIM prompt: %q, %v", res.Text, err)
	}
	// The template setting also wins over an insert-capable template.
	forced := settings(ollamatest.TinyModel)
	forced.Template = "qwen"
	if _, err := open(t, forced).Complete(context.Background(), fimReq); err != nil {
		t.Errorf("raw FIM prompt on an insert-capable model: %v", err)
	}
}

func TestSingleLineStops(t *testing.T) {
	b := open(t, settings(ollamatest.TinyModel))
	req := fimReq
	req.SingleLine, req.MaxTokens = true, 400
	stoppedEarly := 0
	for range 5 {
		res, err := b.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(res.Text, "\n") {
			t.Fatalf("single-line result spans lines: %q", res.Text)
		}
		if res.Tokens < req.MaxTokens {
			stoppedEarly++
		}
	}
	if stoppedEarly == 0 {
		t.Error("no single-line request stopped before num_predict")
	}
}

func TestCancelMidStreamLeavesServerHealthy(t *testing.T) {
	b := open(t, settings(ollamatest.TinyModel))
	req := fimReq
	req.MaxTokens = 100000 // far more than it can make before the cancel
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	start := time.Now()
	res, err := b.Complete(ctx, req)
	if !errors.Is(err, context.Canceled) || res.Text != "" {
		t.Fatalf("got %q, %v; want no text and context.Canceled", res.Text, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took effect after %v", d)
	}
	// The server is still fine: the next request on the same model answers.
	res, err = b.Complete(context.Background(), fimReq)
	if err != nil || res.Text == "" {
		t.Fatalf("after a cancel: %q, %v", res.Text, err)
	}
}

func TestKeepAlive(t *testing.T) {
	c := client(t)
	long := settings(ollamatest.TinyModel)
	long.KeepAlive = "10m"
	if _, err := open(t, long).Complete(context.Background(), fimReq); err != nil {
		t.Fatal(err)
	}
	ps, err := c.ListRunning(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ps.Models, func(m api.ProcessModelResponse) bool { return m.Name == ollamatest.TinyModel })
	if i < 0 {
		t.Fatalf("model not loaded after a request: %+v", ps.Models)
	}
	if left := time.Until(ps.Models[i].ExpiresAt); left < 9*time.Minute || left > 11*time.Minute {
		t.Errorf("model expires in %v, want about 10m", left)
	}

	zero := settings(ollamatest.TinyModel)
	zero.KeepAlive = "0s"
	if _, err := open(t, zero).Complete(context.Background(), fimReq); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ps, err := c.ListRunning(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(ps.Models, func(m api.ProcessModelResponse) bool { return m.Name == ollamatest.TinyModel }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("keep_alive 0 did not unload the model")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Loading it again: the figure the README quotes.
	start := time.Now()
	res, err := open(t, settings(ollamatest.TinyModel)).Complete(context.Background(), fimReq)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cold request (model load + %d tokens): %v", res.Tokens, time.Since(start))
}

func TestModelNotFound(t *testing.T) {
	b := open(t, settings("does-not-exist:latest"))
	start := time.Now()
	if err := b.Check(context.Background()); !errors.Is(err, model.ErrModelNotFound) {
		t.Errorf("Check: %v", err)
	}
	res, err := b.Complete(context.Background(), fimReq)
	if !errors.Is(err, model.ErrModelNotFound) || res.Text != "" {
		t.Errorf("Complete: %q, %v", res.Text, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	t.Log(err)
}

func TestServerRestartedMidSession(t *testing.T) {
	b := open(t, settings(ollamatest.TinyModel))
	if _, err := b.Complete(context.Background(), fimReq); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	_, err := b.Complete(context.Background(), fimReq)
	if !errors.Is(err, model.ErrUnavailable) {
		t.Fatalf("server down: %v, want ErrUnavailable", err)
	}
	t.Log(err)
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The same backend (its /api/show answer cached) works again.
	res, err := b.Complete(context.Background(), fimReq)
	if err != nil || res.Text == "" {
		t.Fatalf("after the restart: %q, %v", res.Text, err)
	}
}

func TestOpenAICompatible(t *testing.T) {
	c := settings(ollamatest.TinyModel)
	c.Provider, c.Endpoint = "openai", srv.URL()+"/v1"
	b := open(t, c)
	if err := b.Check(context.Background()); err != nil {
		t.Fatalf("/v1/models: %v", err)
	}
	res, err := b.Complete(context.Background(), fimReq)
	if err != nil || res.Text == "" {
		t.Fatalf("/v1/completions with suffix: %q, %v", res.Text, err)
	}
	req := fimReq
	req.SingleLine, req.MaxTokens = true, 400
	res, err = b.Complete(context.Background(), req)
	if err != nil || strings.Contains(res.Text, "\n") {
		t.Fatalf("single line through /v1: %q, %v", res.Text, err)
	}
	c.Name = "does-not-exist"
	if _, err := open(t, c).Complete(context.Background(), fimReq); !errors.Is(err, model.ErrModelNotFound) {
		t.Errorf("missing model through /v1: %v", err)
	}
}

func TestRejectedModels(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.gguf")
	if err := os.WriteFile(garbage, []byte("this is not a GGUF file at all, just text"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "tiny.gguf")
	if err := ollamatest.WriteTinyGGUF(good, 2); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, modelfile string }{
		{"not a GGUF", ollamatest.TinyModelfile(garbage, true)},
		{"broken template", fmt.Sprintf("FROM %s\nTEMPLATE \"\"\"{{ .Prompt \"\"\"\n", good)},
		{"unknown parameter", fmt.Sprintf("FROM %s\nPARAMETER no_such_thing 1\n", good)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := srv.Create(context.Background(), "rejected:latest", tc.modelfile)
			if err == nil {
				t.Fatal("ollama create accepted it")
			}
			t.Log(err)
		})
	}
	// A name with shell metacharacters is refused, and nothing runs it.
	marker := filepath.Join(dir, "pwned")
	name := "x;touch " + marker
	if err := srv.Create(context.Background(), name, ollamatest.TinyModelfile(good, true)); err == nil {
		t.Error("ollama create accepted a name with shell metacharacters")
	}
	if _, err := model.Open(settings(name)); err == nil {
		t.Error("the backend accepted a name with shell metacharacters")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a model name was run by a shell")
	}
}

// A GGUF Ollama imports but cannot load (a tensor missing): one clear
// error, no hang, and the server keeps serving other models.
func TestUnloadableModel(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.gguf")
	if err := ollamatest.WriteTinyGGUFWithout(bad, 3, "output_norm.weight"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Create(context.Background(), "unloadable:latest", ollamatest.TinyModelfile(bad, true)); err != nil {
		t.Skipf("ollama refused it at create time (fine): %v", err)
	}
	c := settings("unloadable:latest")
	c.TimeoutMs = 20000
	start := time.Now()
	res, err := open(t, c).Complete(context.Background(), fimReq)
	if err == nil || res.Text != "" {
		t.Fatalf("got %q, %v; want an error", res.Text, err)
	}
	if !errors.Is(err, model.ErrBadResponse) || strings.Contains(err.Error(), "\n") {
		t.Errorf("want one line wrapping ErrBadResponse: %v", err)
	}
	t.Logf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
	if _, err := open(t, settings(ollamatest.TinyModel)).Complete(context.Background(), fimReq); err != nil {
		t.Fatalf("the server no longer serves the good model: %v", err)
	}
}

// BenchmarkComplete is a warm single-line completion through the real
// server (tiny model: the figure is ghostline's + Ollama's overhead, not a
// real model's speed).
func BenchmarkComplete(b *testing.B) {
	be := open(b, settings(ollamatest.TinyModel))
	req := fimReq
	req.SingleLine, req.MaxTokens = true, 16
	if _, err := be.Complete(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := be.Complete(context.Background(), req); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
}

// What `ghostline doctor` reports against a real server.
func TestDiagnose(t *testing.T) {
	d := model.Diagnose(context.Background(), settings(ollamatest.TinyModel))
	if !d.Usable {
		t.Errorf("tiny model not usable: %+v", d.Findings)
	}
	for _, f := range d.Findings {
		t.Logf("%-19s %v %s", f.Check, f.OK, f.Detail)
	}
	d = model.Diagnose(context.Background(), settings(ollamatest.TinyRawModel))
	if d.Usable || d.Findings[len(d.Findings)-1].Check != "fill-in-the-middle" {
		t.Errorf("a model without FIM support passed: %+v", d.Findings)
	}
	d = model.Diagnose(context.Background(), settings("qwen2.5-coder:1.5b-base"))
	if last := d.Findings[len(d.Findings)-1]; d.Usable || last.Fix != "ollama pull qwen2.5-coder:1.5b-base" {
		t.Errorf("missing model: %+v", d.Findings)
	}
}

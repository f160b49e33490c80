package engine

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/telemetry"
)

// messages records what the engine tells the user.
type messages struct {
	mu   sync.Mutex
	msgs []string
}

func (m *messages) Progress(string, int, int) {}
func (m *messages) Message(text string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, text)
}
func (m *messages) all() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

// repo writes a small Go repository whose files share a helper, so the
// built-in model can only complete its call from the other file.
func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":   "module example.com/shop\n\ngo 1.22\n",
		"price.go": "package shop\n\n// applyDiscount lowers a price by a percentage.\nfunc applyDiscount(cents int, percent int) int {\n\treturn cents - cents*percent/100\n}\n",
		"cart.go":  "package shop\n\nfunc total(items []int) int {\n\tsum := 0\n\tfor _, c := range items {\n\t\tsum += applyDiscount(c, 10)\n\t}\n\treturn sum\n}\n",
		".env":     "SECRET_TOKEN=applyDiscountSecret\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func settings(t *testing.T, provider string) config.Settings {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	s := config.Defaults()
	s.Model.Provider = provider
	s.Model.Endpoint = "http://127.0.0.1:1" // nothing listens there
	s.Retrieval.IndexDir = t.TempDir()
	s.Telemetry.Enabled = false
	return s
}

// openReady opens an engine on root and waits for its first indexing pass;
// the engine closes with the test.
func openReady(t *testing.T, root string, s config.Settings) (*Engine, *messages, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	r := &messages{}
	e, err := Open(ctx, root, s, r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return e, r, ctx
}

func TestOpenIndexesAndCompletesFromTheRepository(t *testing.T) {
	root := repo(t)
	e, _, ctx := openReady(t, root, settings(t, "builtin"))
	if st := e.index.Stats(); st.Files != 3 {
		t.Errorf("indexed %d files, want 3 (go.mod, price.go, cart.go; never .env)", st.Files)
	}
	path := filepath.Join(root, "order.go")
	text := "package shop\n\nfunc orderTotal(c int) int {\n\treturn apply"
	res := e.Complete(ctx, pipeline.Request{Path: path, Language: "go", Text: text, Offset: len(text), Invoked: true})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Outcome != pipeline.OutcomeShown || !strings.HasPrefix(res.Suggestion, "Discount(") {
		t.Errorf("got %q (%s), want the repository's applyDiscount call", res.Suggestion, res.Outcome)
	}
	for _, p := range res.Prompt.Parts {
		if strings.Contains(p.Text, "SECRET_TOKEN") {
			t.Errorf("the prompt carries .env content from %s", p.Path)
		}
	}
	if e.ModelName() != "builtin" {
		t.Errorf("ModelName = %q", e.ModelName())
	}
}

func TestAutoFallsBackWithOneMessage(t *testing.T) {
	root := repo(t)
	e, r, ctx := openReady(t, root, settings(t, "auto"))
	text := "package shop\n\nfunc f(c int) int {\n\treturn apply"
	for range 3 {
		res := e.Complete(ctx, pipeline.Request{Path: filepath.Join(root, "f.go"), Language: "go", Text: text, Offset: len(text), Invoked: true})
		if res.Err != nil || res.Model != "builtin" {
			t.Fatalf("model %q, err %v: want the built-in model's answer", res.Model, res.Err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(r.all()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := r.all(); len(got) != 1 || !strings.Contains(got[0], "built-in") {
		t.Errorf("messages %q: want exactly one saying the built-in model is used", got)
	}
}

func TestUnknownProvider(t *testing.T) {
	if _, err := Open(context.Background(), t.TempDir(), settings(t, "gpt9"), &messages{}); err == nil || !strings.Contains(err.Error(), "gpt9") {
		t.Errorf("err = %v, want one naming the provider", err)
	}
}

func withTelemetry(t *testing.T, path string) config.Settings {
	s := settings(t, "builtin")
	s.Telemetry.Enabled = true
	s.Telemetry.Path = path
	return s
}

func TestTelemetryRecordsTheFateOfSuggestions(t *testing.T) {
	root := repo(t)
	db := filepath.Join(t.TempDir(), "telemetry.db")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := Open(ctx, root, withTelemetry(t, db), &messages{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	text := "package shop\n\nfunc orderTotal(c int) int {\n\treturn apply"
	res := e.Complete(ctx, pipeline.Request{Path: filepath.Join(root, "order.go"), Language: "go", Text: text, Offset: len(text), Invoked: true})
	if res.Outcome != pipeline.OutcomeShown {
		t.Fatalf("outcome %s (%v)", res.Outcome, res.Err)
	}
	if err := e.Accepted(res.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil { // drains the recorder
		t.Fatal(err)
	}

	st, err := telemetry.Open(ctx, db, telemetry.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf strings.Builder
	if _, err := st.Export(ctx, &buf, time.Time{}); err != nil {
		t.Fatal(err)
	}
	kinds := map[telemetry.Kind]bool{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var ev telemetry.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		kinds[ev.Kind] = true
		if ev.SuggestionID == res.ID && (ev.UserID == "" || ev.SessionID == "" || ev.Repo != filepath.Base(root)) {
			t.Errorf("event %s lacks ids: user %q session %q repo %q", ev.Kind, ev.UserID, ev.SessionID, ev.Repo)
		}
		if ev.SuggestionText != "" {
			t.Errorf("suggestion text stored without telemetry.storeText")
		}
	}
	for _, k := range []telemetry.Kind{telemetry.KindRequested, telemetry.KindShown, telemetry.KindAccepted} {
		if !kinds[k] {
			t.Errorf("no %s event in %s", k, buf.String())
		}
	}
}

func TestBrokenTelemetryNeverStopsCompletion(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) string // returns telemetry.path
		message string
	}{
		{"corrupt file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "telemetry.db")
			if err := os.WriteFile(p, []byte(strings.Repeat("not a database ", 500)), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}, "corrupt"},
		{"directory in the way", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "telemetry.db")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, "telemetry unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := repo(t)
			e, r, ctx := openReady(t, root, withTelemetry(t, tt.prepare(t, t.TempDir())))
			text := "package shop\n\nfunc f(c int) int {\n\treturn apply"
			for range 3 {
				res := e.Complete(ctx, pipeline.Request{Path: filepath.Join(root, "f.go"), Language: "go", Text: text, Offset: len(text), Invoked: true})
				if res.Err != nil || res.Outcome != pipeline.OutcomeShown {
					t.Fatalf("completion with broken telemetry: %s, %v", res.Outcome, res.Err)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for len(r.all()) == 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if got := r.all(); len(got) != 1 || !strings.Contains(got[0], tt.message) {
				t.Errorf("messages %q: want one mentioning %q", got, tt.message)
			}
		})
	}
}

// An explicit model server never falls back to the built-in model, so the
// model learns nothing (its tables are half a session's memory); switching
// to a provider that uses it makes it learn the repository, and complete
// from it.
func TestBuiltinLearnsOnlyWhenUsed(t *testing.T) {
	root := repo(t)
	e, _, ctx := openReady(t, root, settings(t, "ollama"))
	if n := e.builtin.Stats().Files; n != 0 {
		t.Fatalf("with model.provider ollama the built-in model learnt %d files", n)
	}
	if _, ok := e.ModelFile(); ok {
		t.Error("a built-in model snapshot is kept for a provider that never uses it")
	}
	s := e.Settings()
	s.Model.Provider = "builtin"
	e.SetSettings(s)
	for deadline := time.Now().Add(10 * time.Second); e.builtin.Stats().Files < 3; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after switching to builtin the model knows %d files, want 3", e.builtin.Stats().Files)
		}
	}
	text := "package shop\n\nfunc orderTotal(c int) int {\n\treturn apply"
	res := e.Complete(ctx, pipeline.Request{Path: filepath.Join(root, "order.go"), Language: "go", Text: text, Offset: len(text), Invoked: true})
	if res.Outcome != pipeline.OutcomeShown || !strings.HasPrefix(res.Suggestion, "Discount(") {
		t.Errorf("got %q (%s, %v), want the repository's applyDiscount call", res.Suggestion, res.Outcome, res.Err)
	}
}

// With provider auto the built-in model learns the repository only once
// the server fails: while the server answers it knows nothing (bench
// typing's peak RSS), and the first fallback has it learn the repository.
func TestAutoLearnsOnlyWhenTheServerFails(t *testing.T) {
	root := repo(t)
	ol := lsptest.NewOllama()
	defer ol.Close()
	s := settings(t, "auto")
	s.Model.Endpoint = ol.URL()
	e, _, ctx := openReady(t, root, s)
	text := "package shop\n\nfunc orderTotal(c int) int {\n\treturn apply"
	req := pipeline.Request{Path: filepath.Join(root, "order.go"), Language: "go", Text: text, Offset: len(text), Invoked: true}
	if res := e.Complete(ctx, req); res.Err != nil || res.Model == "builtin" {
		t.Fatalf("model %q, err %v: want the server's answer", res.Model, res.Err)
	}
	if n := e.builtin.Stats().Files; n != 0 {
		t.Fatalf("with the server up the built-in model learnt %d files", n)
	}
	ol.SetMode(lsptest.OllamaNotFound)
	e.Complete(ctx, req) // the outage starts: answered by the built-in model
	for deadline := time.Now().Add(10 * time.Second); e.builtin.Stats().Files < 3; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("with the server down the built-in model knows %d files, want 3", e.builtin.Stats().Files)
		}
	}
	res := e.Complete(ctx, req)
	if res.Model != "builtin" || !strings.HasPrefix(res.Suggestion, "Discount(") {
		t.Errorf("got %q from %q (%s, %v), want the built-in model's applyDiscount call", res.Suggestion, res.Model, res.Outcome, res.Err)
	}
}

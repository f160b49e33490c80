package lsp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/telemetry"
)

// helperSource is a second file of the workspace, for the retrieval
// settings: more about Zanzibar than a small budget holds.
var helperSource = "package main\n\n// Zanzibar greets the zanzibar way.\nfunc Zanzibar(name string) string {\n\treturn \"zanzibar \" + name\n}\n" +
	strings.Repeat("\nfunc ZanzibarTwice(name string) string {\n\tx := Zanzibar(name)\n\treturn x + Zanzibar(x)\n}\n", 40)

// liveDoc calls Zanzibar, so retrieval finds helper.go for it; a long
// prefix makes retrieval.contextShare matter.
var liveDoc = "package main\n\n" + strings.Repeat("// filler line of the current file, long enough to count\n", 120) +
	"func main() {\n\tx := Zanzibar(\"a\")\n\tfmt.\n}\n"

// liveCursor is the end of "\tfmt." in liveDoc (0-based line, UTF-16 column).
var liveCursor = [2]uint32{uint32(strings.Count(liveDoc[:strings.Index(liveDoc, "\tfmt.")], "\n")), 5}

// Every setting that the README does not mark *restart* is changed over LSP
// (workspace/didChangeConfiguration) in a running server, and its effect is
// seen on the next request: in what reaches the model server, what the
// editor gets, the predictor's explanation, or the telemetry written.
func TestLiveSettings(t *testing.T) {
	ol, ol2 := lsptest.NewOllama(), lsptest.NewOllama()
	defer ol.Close()
	defer ol2.Close()
	keys := newKeyServer(t)
	t.Setenv("GHOSTLINE_TEST_KEY_A", "key-a")
	t.Setenv("GHOSTLINE_TEST_KEY_B", "key-b")

	b := startBinary(t, nil)
	if err := os.WriteFile(filepath.Join(b.workspace, "helper.go"), []byte(helperSource), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(filepath.Dir(b.workspace), "events.db")
	init := map[string]any{
		"model.provider": "ollama", "model.endpoint": ol.URL(), "model.timeoutMs": 5000,
		"ranker.enabled": false, "completion.debounceMs": 0, "telemetry.path": db,
	}
	if _, err := b.Initialize(b.ctx, lsptest.InitOptions{RootURI: "file://" + b.workspace, Settings: init}); err != nil {
		t.Fatal(err)
	}
	set := func(change map[string]any) {
		t.Helper()
		if err := b.Notify(b.ctx, "workspace/didChangeConfiguration", map[string]any{"settings": change}); err != nil {
			t.Fatal(err)
		}
	}
	docs := 0
	// ask opens a new document (so no cached answer applies) and asks for
	// a completion at the end of its "\tfmt." line; it returns the items,
	// what the model servers received meanwhile, and the time it took.
	type answer struct {
		items      []lsp.InlineCompletionItem
		gen, gen2  []lsptest.GenerateRequest
		keyHeaders []string
		took       time.Duration
		uri        string
	}
	ask := func(trigger int) answer {
		t.Helper()
		docs++
		a := answer{uri: "file://" + filepath.Join(b.workspace, fmt.Sprintf("doc%d.go", docs))}
		if err := b.DidOpen(b.ctx, a.uri, "go", liveDoc); err != nil {
			t.Fatal(err)
		}
		n, n2, nk := len(ol.Generates()), len(ol2.Generates()), len(keys.headers())
		t0 := time.Now()
		list, err := b.InlineCompletion(b.ctx, a.uri, liveCursor[0], liveCursor[1], trigger)
		if err != nil {
			t.Fatal(err)
		}
		a.took = time.Since(t0)
		a.items, a.gen, a.gen2, a.keyHeaders = list.Items, ol.Generates()[n:], ol2.Generates()[n2:], keys.headers()[nk:]
		return a
	}
	one := func(a answer) lsptest.GenerateRequest {
		t.Helper()
		if len(a.gen) != 1 {
			t.Fatalf("model requests = %d, want 1", len(a.gen))
		}
		return a.gen[0]
	}

	// The index must be ready before retrieval can be compared.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(one(ask(lsp.TriggerInvoked)).Prompt, "zanzibar way") {
		if time.Now().After(deadline) {
			t.Fatal("helper.go never reached a prompt")
		}
		time.Sleep(100 * time.Millisecond)
	}
	before := one(ask(lsp.TriggerInvoked))
	explain := func() lsp.Explanation {
		var ex lsp.Explanation
		if err := b.Call(b.ctx, lsp.MethodExplain, nil, &ex); err != nil {
			t.Fatal(err)
		}
		return ex
	}
	var thresholds []float64
	var small string           // the prompt with a small budget
	ids := map[string]string{} // the suggestion shown in each step
	supersede := func(a answer) error {
		time.Sleep(300 * time.Millisecond)
		_, err := b.InlineCompletion(b.ctx, a.uri, liveCursor[0], liveCursor[1]-1, lsp.TriggerInvoked)
		return err
	}

	checked := map[string]bool{}
	for _, c := range []struct {
		settings []string // what the step exercises
		change   map[string]any
		setup    func()
		check    func(a answer) error
	}{
		{[]string{"model.name"}, map[string]any{"model.name": "other-coder:1b"}, nil, func(a answer) error {
			return want(one(a).Model == "other-coder:1b", "model %q", one(a).Model)
		}},
		{[]string{"model.maxTokens"}, map[string]any{"model.maxTokens": 7}, nil, func(a answer) error {
			return want(one(a).Options["num_predict"] == 7.0, "num_predict %v", one(a).Options["num_predict"])
		}},
		{[]string{"model.temperature"}, map[string]any{"model.temperature": 0.7}, nil, func(a answer) error {
			return want(one(a).Options["temperature"] == 0.7, "temperature %v", one(a).Options["temperature"])
		}},
		{[]string{"model.stop"}, map[string]any{"model.stop": []string{"ZZSTOP"}}, nil, func(a answer) error {
			return want(strings.Contains(fmt.Sprint(one(a).Options["stop"]), "ZZSTOP"), "stop %v", one(a).Options["stop"])
		}},
		{[]string{"model.keepAlive"}, map[string]any{"model.keepAlive": "7m"}, nil, func(a answer) error {
			return want(fmt.Sprint(one(a).KeepAlive) != fmt.Sprint(before.KeepAlive), "keep_alive %v, as before", one(a).KeepAlive)
		}},
		{[]string{"model.template"}, map[string]any{"model.template": "codellama"}, nil, func(a answer) error {
			return want(one(a).Raw && strings.Contains(one(a).Prompt, "<PRE>"), "raw %v prompt %.40q", one(a).Raw, one(a).Prompt)
		}},
		{[]string{"model.endpoint"}, map[string]any{"model.endpoint": ol2.URL()}, nil, func(a answer) error {
			return want(len(a.gen) == 0 && len(a.gen2) == 1, "requests: %d to the first server, %d to the second", len(a.gen), len(a.gen2))
		}},
		{[]string{"model.timeoutMs"}, map[string]any{"model.timeoutMs": 150}, func() { ol.SetMode(lsptest.OllamaSlow); ol.SetDelay(3 * time.Second) }, func(a answer) error {
			ol.SetMode(lsptest.OllamaOK)
			return want(len(a.items) == 0 && a.took < 2*time.Second, "%d items after %v", len(a.items), a.took)
		}},
		{[]string{"model.provider"}, map[string]any{"model.provider": "builtin"}, nil, func(a answer) error {
			return want(len(a.gen) == 0, "%d requests to Ollama", len(a.gen))
		}},
		{[]string{"model.apiKeyEnv"}, map[string]any{"model.provider": "openai", "model.endpoint": keys.URL, "model.apiKeyEnv": "GHOSTLINE_TEST_KEY_A"}, nil, func(a answer) error {
			return want(slices.Equal(a.keyHeaders, []string{"Bearer key-a"}), "authorization %q", a.keyHeaders)
		}},
		{[]string{"model.apiKeyEnv"}, map[string]any{"model.provider": "openai", "model.endpoint": keys.URL, "model.apiKeyEnv": "GHOSTLINE_TEST_KEY_B"}, nil, func(a answer) error {
			return want(slices.Equal(a.keyHeaders, []string{"Bearer key-b"}), "authorization %q", a.keyHeaders)
		}},
		{[]string{"completion.enabled"}, map[string]any{"completion.enabled": false}, nil, func(a answer) error {
			return want(len(a.gen) == 0 && len(a.items) == 0, "%d requests, %d items", len(a.gen), len(a.items))
		}},
		{[]string{"completion.maxFileBytes"}, map[string]any{"completion.maxFileBytes": 100}, nil, func(a answer) error {
			return want(len(a.gen) == 0, "%d requests for a document over the limit", len(a.gen))
		}},
		{[]string{"completion.multiLine"}, map[string]any{"completion.multiLine": false}, func() {
			ol.SetReply(func(lsptest.GenerateRequest) string { return "Println(1)\n\tfmt.Println(2)" })
		}, func(a answer) error {
			ol.SetReply(func(lsptest.GenerateRequest) string { return "Println(\"hi\")" })
			return want(len(a.items) == 1 && !strings.Contains(a.items[0].InsertText, "\n"), "items %+v", a.items)
		}},
		{[]string{"completion.debounceMs", "completion.debounceMaxMs"}, map[string]any{"completion.debounceMs": 400, "completion.debounceMaxMs": 400}, nil, func(a answer) error {
			return want(a.took >= 400*time.Millisecond, "an automatic request answered after %v", a.took)
		}},
		{[]string{"completion.cacheSize"}, map[string]any{"completion.cacheSize": 1}, nil, func(a answer) error {
			// Another document, then the first again: with room for one
			// document the first answer is gone, and the model is asked.
			ask(lsp.TriggerInvoked)
			n := len(ol.Generates())
			if _, err := b.InlineCompletion(b.ctx, a.uri, liveCursor[0], liveCursor[1], lsp.TriggerInvoked); err != nil {
				return err
			}
			return want(len(ol.Generates()) == n+1, "the model was asked %d times for a repeated request", len(ol.Generates())-n)
		}},
		{[]string{"retrieval.enabled"}, map[string]any{"retrieval.enabled": false}, nil, func(a answer) error {
			return want(!strings.Contains(one(a).Prompt, "zanzibar way"), "helper.go still in the prompt")
		}},
		{[]string{"retrieval.contextTokens"}, map[string]any{"retrieval.contextTokens": 600}, nil, func(a answer) error {
			small = one(a).Prompt
			return want(len(small) < len(before.Prompt)/2, "prompt %d bytes, was %d", len(small), len(before.Prompt))
		}},
		{[]string{"retrieval.contextShare"}, map[string]any{"retrieval.contextTokens": 600, "retrieval.contextShare": 0.9}, nil, func(a answer) error {
			// The current file's text starts later: retrieved context grew.
			was, is := strings.Index(small, "filler"), strings.Index(one(a).Prompt, "filler")
			return want(is > was, "retrieved context: %d bytes with share 0.9, %d with the default", is, was)
		}},
		{[]string{"ranker.enabled", "ranker.precision"}, map[string]any{"ranker.enabled": true, "ranker.precision": 0.5}, nil, func(a answer) error {
			ex := explain()
			thresholds = append(thresholds, ex.Threshold)
			return want(ex.Stage != "", "no predictor decision: %+v", ex)
		}},
		{[]string{"ranker.precision"}, map[string]any{"ranker.enabled": true, "ranker.precision": 0.97}, nil, func(a answer) error {
			ex := explain()
			thresholds = append(thresholds, ex.Threshold)
			// Surer of what it hides: a lower threshold.
			return want(len(thresholds) == 2 && thresholds[1] < thresholds[0], "thresholds %v with precision 0.5, then 0.97", thresholds)
		}},
		// Exploring everything: an automatic request is generated and shown
		// whatever the predictor (at its most eager to hide) says.
		{[]string{"ranker.explore"}, map[string]any{"ranker.enabled": true, "ranker.precision": 0.5, "ranker.explore": 1}, nil, func(a answer) error {
			return want(len(a.items) == 1 && len(a.gen) == 1, "explore 1: %d items, %d model requests; want the suggestion shown", len(a.items), len(a.gen))
		}},
		{[]string{"secrets.patterns"}, map[string]any{"secrets.patterns": []string{`Zanzibar\("a"\)`}}, nil, func(a answer) error {
			p := one(a).Prompt
			return want(!strings.Contains(p, `Zanzibar("a")`) && strings.Contains(p, "[redacted]"), "a user pattern is not redacted: %q", p[max(0, len(p)-80):])
		}},
		{[]string{"secrets.paths"}, map[string]any{"secrets.paths": []string{"doc*.go"}}, nil, func(a answer) error {
			return want(len(a.gen) == 0 && len(a.items) == 0, "a file a user glob names: %d model requests, %d items", len(a.gen), len(a.items))
		}},
		// Checked in the telemetry written, below. The suggestions of the
		// first and the last are superseded after 300 ms: rejected with the
		// default unseenMs, unseen with a longer one.
		{[]string{"telemetry.storeText"}, map[string]any{"telemetry.storeText": true}, nil, supersede},
		{[]string{"telemetry.enabled"}, map[string]any{"telemetry.enabled": false}, nil, nil},
		{[]string{"telemetry.unseenMs"}, map[string]any{"telemetry.unseenMs": 600000}, nil, supersede},
	} {
		set(c.change)
		if c.setup != nil {
			c.setup()
		}
		trigger := lsp.TriggerInvoked
		if slices.Contains(c.settings, "completion.debounceMs") || slices.Contains(c.settings, "ranker.explore") {
			trigger = lsp.TriggerAutomatic
		}
		a := ask(trigger)
		if c.check != nil {
			if err := c.check(a); err != nil {
				t.Errorf("%v: %v", c.settings, err)
			}
		}
		if len(a.items) == 1 {
			ids[c.settings[0]] = fmt.Sprint(a.items[0].Command.Arguments[0])
		}
		for _, s := range c.settings {
			checked[s] = true
		}
		set(map[string]any{}) // back to the initial settings
	}
	for _, name := range config.Names() {
		// ranker.minUserDecisions weighs the user's own predictor, which a
		// fresh server does not have; it is read per decision like precision.
		if !config.RestartOnly(name) && !checked[name] && name != "ranker.minUserDecisions" {
			t.Errorf("live setting %s is not exercised", name)
		}
	}

	// The telemetry the steps wrote, once the server has flushed it.
	if err := b.Shutdown(b.ctx); err != nil {
		t.Fatal(err)
	}
	st, err := telemetry.Open(context.Background(), db, telemetry.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, _, err := st.ReadAfter(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]telemetry.Kind{} // by suggestion id
	text := map[string]string{}
	for _, e := range events {
		kinds[e.SuggestionID] = append(kinds[e.SuggestionID], e.Kind)
		if e.Kind == telemetry.KindShown {
			text[e.SuggestionID] = e.SuggestionText
		}
	}
	stored, off, unseen := ids["telemetry.storeText"], ids["telemetry.enabled"], ids["telemetry.unseenMs"]
	if stored == "" || off == "" || unseen == "" {
		t.Fatalf("a telemetry step showed nothing: %v", ids)
	}
	if text[stored] == "" || text[unseen] != "" {
		t.Errorf("telemetry.storeText: suggestion text %q with it on, %q with it off", text[stored], text[unseen])
	}
	if len(kinds[off]) != 0 {
		t.Errorf("telemetry.enabled off: events %v were still written", kinds[off])
	}
	if !slices.Contains(kinds[stored], telemetry.KindRejected) || !slices.Contains(kinds[unseen], telemetry.KindUnseen) {
		t.Errorf("telemetry.unseenMs: superseded after 300 ms: %v with 250 ms, %v with 600000 ms", kinds[stored], kinds[unseen])
	}
}

func want(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// keyServer is an OpenAI-compatible /v1/completions that records the
// Authorization header of each request.
type keyServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newKeyServer(t *testing.T) *keyServer {
	k := &keyServer{}
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		k.seen = append(k.seen, r.Header.Get("Authorization"))
		k.mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"text\":\"Println()\",\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(k.Close)
	return k
}

func (k *keyServer) headers() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.seen)
}

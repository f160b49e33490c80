package model

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fake is an in-process model server speaking the real wire formats:
// Ollama's /api/generate (NDJSON stream) and /api/show, OpenAI's
// /v1/completions (server-sent events) and /v1/models, llama.cpp's /infill
// and /health. Its answers and failures are set per test.
type fake struct {
	srv   *httptest.Server
	early chan struct{} // receives when a stream handler sees the client leave before the end

	mu      sync.Mutex
	conf    fakeConf
	bodies  []map[string]any
	headers []http.Header
	paths   []string
	shows   int
}

// fakeConf is how the fake answers.
type fakeConf struct {
	reply    string        // the text streamed
	chunk    int           // bytes per streamed chunk
	delay    time.Duration // between chunks
	mode     string        // "" (ok), "trickle" (every byte sent alone, delay apart), "500", "404model", "404plain", "401", "badjson", "nodone", "errline", "json"
	insert   bool          // /api/show reports the insert capability
	showCode int           // /api/show status when not 200
	logprob  float64       // sent with every chunk when non-zero
	ctxLen   int           // /api/show's qwen2.context_length when non-zero
	numCtx   int           // a num_ctx parameter when non-zero
}

func newFake(t *testing.T) *fake {
	f := &fake{conf: fakeConf{reply: "fmt.Println(x)", chunk: 3, insert: true}, early: make(chan struct{}, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/generate", f.generate)
	mux.HandleFunc("POST /api/show", f.show)
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"version": "0.6.8"})
	})
	mux.HandleFunc("POST /v1/completions", f.sse)
	mux.HandleFunc("POST /infill", f.sse)
	mux.HandleFunc("POST /completion", f.sse)
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		f.record(r, nil)
		writeJSON(w, 200, map[string]any{"object": "list", "data": []map[string]any{{"id": "tiny:latest", "object": "model"}}})
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		if f.get().mode == "500" {
			writeJSON(w, 503, map[string]any{"error": map[string]any{"code": 503, "message": "Loading model"}})
			return
		}
		writeJSON(w, 200, map[string]string{"status": "ok"})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

func (f *fake) URL() string { return f.srv.URL }

func (f *fake) set(fn func(c *fakeConf)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.conf)
}

// get returns the settings for one request.
func (f *fake) get() fakeConf {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conf
}

func (f *fake) showCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.shows
}

// header returns the headers of the last request.
func (f *fake) header() http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.headers[len(f.headers)-1]
}

func (f *fake) record(r *http.Request, body map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, body)
	f.headers = append(f.headers, r.Header.Clone())
	f.paths = append(f.paths, r.URL.Path)
}

// path returns the URL path of the last request.
func (f *fake) path() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paths[len(f.paths)-1]
}

// last returns the last request body.
func (f *fake) last(t *testing.T) map[string]any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) == 0 {
		t.Fatal("the server received no request")
	}
	return f.bodies[len(f.bodies)-1]
}

func (f *fake) decode(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid request: " + err.Error()})
		return nil, false
	}
	f.record(r, body)
	return body, true
}

func (f *fake) show(w http.ResponseWriter, r *http.Request) {
	body, ok := f.decode(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	f.shows++
	f.mu.Unlock()
	s := f.get()
	if s.showCode != 0 {
		writeJSON(w, s.showCode, map[string]string{"error": fmt.Sprintf("model '%v' not found", body["model"])})
		return
	}
	tmpl, caps := "{{ .Prompt }}", []string{"completion"}
	if s.insert {
		tmpl, caps = `{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{- else }}{{ .Prompt }}{{- end }}`, []string{"completion", "insert"}
	}
	params := "stop                           \"<|endoftext|>\"\nstop                           \"<|custom_stop|>\"\ntemperature 0.2"
	if s.numCtx != 0 {
		params += fmt.Sprintf("\nnum_ctx                        %d", s.numCtx)
	}
	info := map[string]any{"general.architecture": "qwen2"}
	if s.ctxLen != 0 {
		info["qwen2.context_length"] = s.ctxLen
	}
	writeJSON(w, 200, map[string]any{
		"modelfile":    "FROM x",
		"parameters":   params,
		"template":     tmpl,
		"details":      map[string]any{"format": "gguf", "family": "qwen2", "families": []string{"qwen2"}},
		"model_info":   info,
		"capabilities": caps,
		"modified_at":  time.Now().UTC(),
	})
}

// failed answers the failure modes common to every endpoint; it reports
// whether it did.
func (f *fake) failed(w http.ResponseWriter, s fakeConf, model any) bool {
	switch s.mode {
	case "500":
		writeJSON(w, 500, map[string]string{"error": "llama runner process has terminated: exit status 2"})
	case "404model":
		writeJSON(w, 404, map[string]string{"error": fmt.Sprintf("model %q not found, try pulling it first", model)})
	case "404plain":
		w.WriteHeader(404)
		io.WriteString(w, "404 page not found")
	case "401":
		writeJSON(w, 401, map[string]any{"error": map[string]string{"message": "Incorrect API key provided: " + s.reply}})
	default:
		return false
	}
	return true
}

// chunks splits the reply as a server streams tokens.
func chunks(text string, n int) []string {
	var out []string
	for len(text) > 0 {
		k := min(n, len(text))
		out = append(out, text[:k])
		text = text[k:]
	}
	return out
}

// pace waits between chunks; false when the client left.
func (f *fake) pace(r *http.Request, d time.Duration) bool {
	if d == 0 {
		return r.Context().Err() == nil
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

func (f *fake) generate(w http.ResponseWriter, r *http.Request) {
	body, ok := f.decode(w, r)
	if !ok {
		return
	}
	s := f.get()
	if f.failed(w, s, body["model"]) {
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(200)
	w = trickled(w, r, s)
	fl := w.(http.Flusher)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for i, c := range chunks(s.reply, s.chunk) {
		if !f.pace(r, s.delay) {
			f.left()
			return
		}
		line := map[string]any{"model": body["model"], "created_at": now, "response": c, "done": false}
		if s.logprob != 0 {
			line["logprobs"] = []map[string]any{{"token": c, "logprob": s.logprob}}
		}
		b, _ := json.Marshal(line)
		if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
			f.left()
			return
		}
		if i == 0 && s.mode == "badjson" {
			io.WriteString(w, "{\"model\": \"x\", \"response\": \"broken\n")
			return
		}
		if i == 0 && s.mode == "errline" {
			io.WriteString(w, `{"error":"an error was encountered while running the model: unexpected EOF"}`+"\n")
			return
		}
		fl.Flush()
	}
	if s.mode == "nodone" {
		return
	}
	b, _ := json.Marshal(map[string]any{
		"model": body["model"], "created_at": now, "response": "", "done": true, "done_reason": "stop",
		"total_duration": 1200000, "prompt_eval_count": 10, "eval_count": 5,
	})
	fmt.Fprintf(w, "%s\n", b)
}

// sse answers /v1/completions, /infill and /completion as server-sent events.
func (f *fake) sse(w http.ResponseWriter, r *http.Request) {
	body, ok := f.decode(w, r)
	if !ok {
		return
	}
	s := f.get()
	if f.failed(w, s, body["model"]) {
		return
	}
	infill := r.URL.Path == "/infill" || r.URL.Path == "/completion"
	event := func(text string, final bool) map[string]any {
		if infill {
			return map[string]any{"content": text, "stop": final}
		}
		var finish any
		if final {
			finish = "stop"
		}
		ch := map[string]any{"index": 0, "text": text, "finish_reason": finish}
		if s.logprob != 0 && text != "" {
			ch["logprobs"] = map[string]any{"tokens": []string{text}, "token_logprobs": []float64{s.logprob}}
		}
		return map[string]any{"id": "cmpl-1", "object": "text_completion", "model": body["model"], "choices": []any{ch}}
	}
	if s.mode == "json" {
		writeJSON(w, 200, event(s.reply, true))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	w = trickled(w, r, s)
	fl := w.(http.Flusher)
	for i, c := range chunks(s.reply, s.chunk) {
		if !f.pace(r, s.delay) {
			f.left()
			return
		}
		b, _ := json.Marshal(event(c, false))
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			f.left()
			return
		}
		if i == 0 && s.mode == "badjson" {
			io.WriteString(w, "data: {\"choices\": [\n\n")
			return
		}
		if i == 0 && s.mode == "errline" {
			io.WriteString(w, `data: {"error":{"message":"The model `+"`x`"+` does not exist","type":"invalid_request_error"}}`+"\n\n")
			return
		}
		fl.Flush()
	}
	if s.mode == "nodone" {
		return
	}
	b, _ := json.Marshal(event("", true))
	fmt.Fprintf(w, ": keep-alive comment\n\ndata: %s\n\n", b)
	if !infill {
		io.WriteString(w, "data: [DONE]\n\n")
	}
}

// trickled makes the "trickle" mode's writer: every byte flushed on its
// own, delay apart, as a server stuck on a slow link.
func trickled(w http.ResponseWriter, r *http.Request, s fakeConf) http.ResponseWriter {
	if s.mode != "trickle" {
		return w
	}
	return trickle{ResponseWriter: w, r: r, delay: s.delay}
}

type trickle struct {
	http.ResponseWriter
	r     *http.Request
	delay time.Duration
}

func (t trickle) Write(p []byte) (int, error) {
	for i := range p {
		if _, err := t.ResponseWriter.Write(p[i : i+1]); err != nil {
			return i, err
		}
		t.ResponseWriter.(http.Flusher).Flush()
		select {
		case <-time.After(t.delay):
		case <-t.r.Context().Done():
			return i, t.r.Context().Err()
		}
	}
	return len(p), nil
}

func (t trickle) Flush() {}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// silentServer accepts connections and never answers; closing it releases them.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go io.Copy(io.Discard, c) // read the request, say nothing
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return "http://" + ln.Addr().String()
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// contains reports whether list (a JSON array) holds s.
func contains(list any, s string) bool {
	l, _ := list.([]any)
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// left notes that a client went away mid-stream.
func (f *fake) left() {
	select {
	case f.early <- struct{}{}:
	default:
	}
}

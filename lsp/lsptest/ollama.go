package lsptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Ollama is an in-process HTTP server that speaks Ollama's wire format —
// /api/generate streamed as NDJSON, /api/show, /api/tags, /api/version — so
// that tests can drive the real binary against a model server whose
// answers and failures they choose. Every model name exists, with a
// Qwen2.5-Coder template that supports insert (FIM through suffix).
type Ollama struct {
	srv *httptest.Server

	mu        sync.Mutex
	mode      OllamaMode
	delay     time.Duration
	reply     func(GenerateRequest) string
	generates []GenerateRequest
	// perToken, when set, is the time a prompt token the cache lacks takes
	// to evaluate (see SetPromptCost); cached is the last prompt evaluated.
	perToken time.Duration
	cached   string
}

// OllamaMode is how /api/generate answers.
type OllamaMode int

const (
	// OllamaOK streams the reply in small chunks, then a done line.
	OllamaOK OllamaMode = iota
	// OllamaSlow waits Delay (or until the client gives up) before answering.
	OllamaSlow
	// OllamaHTTPError answers 500 with Ollama's {"error": ...} body.
	OllamaHTTPError
	// OllamaMalformed streams one good line, then a line that is not JSON.
	OllamaMalformed
	// OllamaNotFound answers 404 "model not found", as for a model never pulled.
	OllamaNotFound
	// OllamaTrickle streams its reply one byte every Delay/50, without end.
	OllamaTrickle
	// OllamaGarbage answers 200 with bytes that are not JSON at all.
	OllamaGarbage
	// OllamaHuge streams one line of 100 MB.
	OllamaHuge
	// OllamaCloseMidStream sends one good line and drops the connection.
	OllamaCloseMidStream
)

// GenerateRequest is what the client sent to /api/generate.
type GenerateRequest struct {
	Model     string         `json:"model"`
	Prompt    string         `json:"prompt"`
	Suffix    string         `json:"suffix"`
	Raw       bool           `json:"raw"`
	Stream    *bool          `json:"stream"`
	Options   map[string]any `json:"options"`
	KeepAlive any            `json:"keep_alive"`
}

// QwenTemplate is the template /api/show reports: Qwen2.5-Coder's, which
// uses .Suffix, so the model has the "insert" capability.
const QwenTemplate = `{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{- else }}{{ .Prompt }}{{- end }}`

// NewOllama starts the server. Its replies are "Println(\"hi\")" until SetReply.
func NewOllama() *Ollama {
	o := &Ollama{delay: 10 * time.Second, reply: func(GenerateRequest) string { return "Println(\"hi\")" }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/generate", o.generate)
	mux.HandleFunc("POST /api/show", o.show)
	mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"models": []map[string]any{{"name": "qwen2.5-coder:1.5b-base", "model": "qwen2.5-coder:1.5b-base"}}})
	})
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"version": "0.6.8"})
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "Ollama is running") })
	o.srv = httptest.NewServer(mux)
	return o
}

// URL is the server's base URL, for model.endpoint or OLLAMA_HOST.
func (o *Ollama) URL() string { return o.srv.URL }

// Close stops the server; requests in flight are cut off.
func (o *Ollama) Close() {
	o.srv.CloseClientConnections()
	o.srv.Close()
}

// SetMode changes how /api/generate answers.
func (o *Ollama) SetMode(m OllamaMode) {
	o.mu.Lock()
	o.mode = m
	o.mu.Unlock()
}

// SetDelay sets how long OllamaSlow waits.
func (o *Ollama) SetDelay(d time.Duration) {
	o.mu.Lock()
	o.delay = d
	o.mu.Unlock()
}

// SetReply sets the generated text for each request.
func (o *Ollama) SetReply(f func(GenerateRequest) string) {
	o.mu.Lock()
	o.reply = f
	o.mu.Unlock()
}

// SetPromptCost makes /api/generate answer like a model server with a
// prompt cache: after perToken for each token (3 bytes) of the rendered
// prompt past its longest common prefix with the previous one, as
// Ollama's runner evaluates only what its cache lacks. A request
// cancelled meanwhile leaves what was evaluated of it in the cache.
func (o *Ollama) SetPromptCost(perToken time.Duration) {
	o.mu.Lock()
	o.perToken = perToken
	o.mu.Unlock()
}

// Rendered is the prompt as the model sees it: the raw prompt, or the
// prompt and suffix through QwenTemplate.
func (g GenerateRequest) Rendered() string {
	if g.Raw || g.Suffix == "" {
		return g.Prompt
	}
	return "<|fim_prefix|>" + g.Prompt + "<|fim_suffix|>" + g.Suffix + "<|fim_middle|>"
}

// CommonPrefix is the length of the longest common prefix of a and b.
func CommonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// evaluate waits as long as evaluating what the cache lacks of prompt
// takes, and caches what it evaluated; false when r ended first.
func (o *Ollama) evaluate(r *http.Request, prompt string) bool {
	o.mu.Lock()
	per, cached := o.perToken, o.cached
	o.mu.Unlock()
	if per <= 0 {
		return true
	}
	common := CommonPrefix(cached, prompt)
	start := time.Now()
	d := time.Duration((len(prompt)-common+2)/3) * per
	select {
	case <-time.After(d):
	case <-r.Context().Done():
	}
	done := min(len(prompt), common+3*int(time.Since(start)/per))
	o.mu.Lock()
	o.cached = prompt[:done]
	o.mu.Unlock()
	return done == len(prompt)
}

// Generates returns the /api/generate requests received so far.
func (o *Ollama) Generates() []GenerateRequest {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]GenerateRequest(nil), o.generates...)
}

func (o *Ollama) generate(w http.ResponseWriter, r *http.Request) {
	var req GenerateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid request: " + err.Error()})
		return
	}
	o.mu.Lock()
	o.generates = append(o.generates, req)
	mode, delay, reply := o.mode, o.delay, o.reply
	o.mu.Unlock()

	if !o.evaluate(r, req.Rendered()) {
		return
	}
	switch mode {
	case OllamaHTTPError:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "llama runner process has terminated: exit status 2"})
		return
	case OllamaNotFound:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("model %q not found, try pulling it first", req.Model)})
		return
	case OllamaSlow:
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	case OllamaTrickle, OllamaGarbage, OllamaHuge, OllamaCloseMidStream:
		o.fault(w, r, mode, delay, req.Model)
		return
	}
	text := reply(req)
	if stops, ok := req.Options["stop"].([]any); ok {
		for _, s := range stops {
			if s, ok := s.(string); ok && s != "" {
				if i := strings.Index(text, s); i >= 0 {
					text = text[:i]
				}
			}
		}
	}
	now := time.Now().UTC()
	if req.Stream != nil && !*req.Stream {
		writeJSON(w, http.StatusOK, doneLine(req.Model, now, text))
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	for len(text) > 0 {
		n := min(len(text), 3)
		for n < len(text) && !utf8Start(text[n]) {
			n++
		}
		chunk := text[:n]
		text = text[n:]
		if err := enc.Encode(map[string]any{"model": req.Model, "created_at": now, "response": chunk, "done": false}); err != nil {
			return
		}
		if mode == OllamaMalformed {
			fmt.Fprintln(w, "data: this line is not JSON")
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	_ = enc.Encode(doneLine(req.Model, now, ""))
}

// fault answers /api/generate the broken ways a model server does.
func (o *Ollama) fault(w http.ResponseWriter, r *http.Request, mode OllamaMode, delay time.Duration, model string) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	switch mode {
	case OllamaTrickle:
		line := fmt.Sprintf(`{"model":%q,"response":"x","done":false}`+"\n", model)
		for i := 0; ; i++ {
			if _, err := w.Write([]byte{line[i%len(line)]}); err != nil {
				return
			}
			flush()
			select {
			case <-time.After(delay / 50):
			case <-r.Context().Done():
				return
			}
		}
	case OllamaGarbage:
		w.Write([]byte("\x00\xff\x1b[2J<html>502 Bad Gateway</html>\n\xfe\n"))
	case OllamaHuge:
		w.Write([]byte(`{"model":"m","response":"`))
		chunk := []byte(strings.Repeat("a", 1<<20))
		for range 100 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte("\",\"done\":true}\n"))
	case OllamaCloseMidStream:
		json.NewEncoder(w).Encode(map[string]any{"model": model, "response": "Print", "done": false})
		flush()
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
			}
		}
	}
}

func doneLine(model string, at time.Time, text string) map[string]any {
	return map[string]any{
		"model": model, "created_at": at, "response": text, "done": true, "done_reason": "stop",
		"total_duration": 1200000, "load_duration": 100000, "prompt_eval_count": 10,
		"prompt_eval_duration": 500000, "eval_count": 5, "eval_duration": 600000,
	}
}

func (o *Ollama) show(w http.ResponseWriter, r *http.Request) {
	var req struct{ Model, Name string }
	_ = json.NewDecoder(r.Body).Decode(&req)
	o.mu.Lock()
	mode := o.mode
	o.mu.Unlock()
	name := req.Model
	if name == "" {
		name = req.Name
	}
	if mode == OllamaNotFound {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("model '%s' not found", name)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"modelfile":  "FROM " + name,
		"parameters": "stop \"<|endoftext|>\"",
		"template":   QwenTemplate,
		"details": map[string]any{
			"format": "gguf", "family": "qwen2", "families": []string{"qwen2"},
			"parameter_size": "1.5B", "quantization_level": "Q4_K_M",
		},
		"model_info":   map[string]any{"general.architecture": "qwen2"},
		"capabilities": []string{"completion", "insert"},
		"modified_at":  time.Now().UTC(),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

package model

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ghostline/ghostline/config"
)

// OpenAI is a Backend for OpenAI-compatible servers (vLLM, LM Studio,
// Ollama's /v1): POST /v1/completions, streamed as server-sent events, with
// the family's raw FIM prompt when the model's family is known, else prompt
// and suffix. With Infill set it speaks llama.cpp's own API instead: POST
// /completion with the raw prompt, or /infill (input_prefix, input_suffix)
// for a model of unknown family.
type OpenAI struct {
	http      *http.Client
	base      *url.URL
	name      string
	infill    bool
	fim       FIM
	rawFIM    bool // the family is known: send its FIM prompt, not prefix and suffix apart
	key       string
	stops     []string
	maxTokens int
	timeout   time.Duration
}

// NewOpenAI returns the /v1/completions backend (infill false) or the
// llama.cpp /infill backend (infill true) for c. The API key, if any, is read
// from the environment variable c.APIKeyEnv now, sent as a bearer token, and
// never logged.
func NewOpenAI(c config.Model, infill bool) (*OpenAI, error) {
	if strings.ContainsFunc(c.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, fmt.Errorf("model.name %q contains control characters", c.Name)
	}
	if !infill && c.Name == "" {
		return nil, errors.New("model.name is empty: /v1/completions needs the model's name on the server")
	}
	endpoint, port := c.Endpoint, "11434" // Ollama's own /v1
	if infill {
		port = "8080" // llama-server's default
	}
	if endpoint == "" {
		endpoint = "127.0.0.1:" + port
	}
	base, err := parseEndpoint(endpoint, port)
	if err != nil {
		return nil, err
	}
	// "http://host/v1" and "http://host" both mean the same server.
	base.Path = strings.TrimSuffix(base.Path, "/v1")
	o := &OpenAI{
		http: newHTTPClient(), base: base, name: c.Name, infill: infill,
		stops: c.Stop, maxTokens: c.MaxTokens, timeout: time.Duration(c.TimeoutMs) * time.Millisecond,
	}
	if c.APIKeyEnv != "" {
		o.key = strings.TrimSpace(os.Getenv(c.APIKeyEnv))
	}
	f, ok, err := LookupFIM(c.Name, c.Template)
	if err != nil {
		return nil, err
	}
	o.fim, o.rawFIM = f, ok
	return o, nil
}

// backend is the kind of backend, for Result.Backend.
func (o *OpenAI) backend() string {
	if o.infill {
		return "llamacpp"
	}
	return "openai"
}

// Name is the model name, or "llama.cpp" for an unnamed /infill server.
func (o *OpenAI) Name() string {
	if o.name == "" {
		return "llama.cpp"
	}
	return o.name
}

// Endpoint is the server URL in use (credentials removed).
func (o *OpenAI) Endpoint() string { return o.base.Redacted() }

func (o *OpenAI) origin() origin {
	api, provider := "openai", "openai"
	if o.infill {
		api, provider = "llama.cpp", "llamacpp"
	}
	return origin{what: fmt.Sprintf("%s %s at %s", api, o.Name(), o.base.Redacted()), provider: provider,
		endpoint: o.base.Redacted(), model: o.name}
}

// Check reports whether the server answers (and, for /v1, lists the model):
// llama.cpp's GET /health, or GET /v1/models.
func (o *OpenAI) Check(ctx context.Context) error {
	rctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	err := o.check(rctx)
	if err != nil {
		return failure(ctx, rctx, o.origin(), o.timeout, err, o.key)
	}
	return nil
}

func (o *OpenAI) check(ctx context.Context) error {
	path := "/v1/models"
	if o.infill {
		path = "/health"
	}
	resp, err := o.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	switch {
	case o.infill && resp.StatusCode == http.StatusServiceUnavailable:
		return fmt.Errorf("%w: the server is still loading its model", ErrUnavailable)
	case resp.StatusCode == http.StatusNotFound && !o.infill:
		return nil // a server without a model list: it answered, which is all we can tell
	case resp.StatusCode >= 300:
		return &httpError{code: resp.StatusCode, body: string(body)}
	case o.infill:
		return nil
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return err
	}
	for _, m := range list.Data {
		if m.ID == o.name || m.ID == o.name+":latest" {
			return nil
		}
	}
	return fmt.Errorf("%w: the server's /v1/models does not list %q", ErrModelNotFound, o.name)
}

// Complete generates the middle between req.Prefix and req.Suffix.
func (o *OpenAI) Complete(ctx context.Context, req Request) (Result, error) {
	rctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	path, body, stops := o.request(req)
	col := newCollector(req, stops)

	gctx, stop := context.WithCancelCause(rctx)
	defer stop(nil)
	err := o.stream(gctx, path, body, col)
	if errors.Is(err, errStopped) {
		err = nil
	}
	if err != nil {
		return Result{}, failure(ctx, rctx, o.origin(), o.timeout, err, o.key)
	}
	return col.result(o.backend(), o.Name()), nil
}

func (o *OpenAI) request(req Request) (path string, body map[string]any, stops []string) {
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = orDefault(o.maxTokens, defaultMaxTokens)
	}
	stops = stopList(req.Stop, o.stops, o.fim.Stop)
	if req.SingleLine {
		stops = stopList(stops, []string{"\n"})
	}
	if o.infill {
		// llama.cpp keeps the KV cache of a slot's last prompt with
		// cache_prompt. A known family's prompt goes to /completion as the
		// model sees it; else /infill assembles it with the model's tokens.
		body = map[string]any{
			"n_predict": maxTokens, "temperature": req.Temperature, "stop": stops,
			"stream": true, "cache_prompt": true,
		}
		if o.rawFIM {
			body["prompt"] = o.fim.Prompt(req.Prefix, req.Suffix)
			return "/completion", body, stops
		}
		body["input_prefix"], body["input_suffix"] = req.Prefix, req.Suffix
		return "/infill", body, stops
	}
	body = map[string]any{
		"model": o.name, "max_tokens": maxTokens, "temperature": req.Temperature,
		"stop": stops, "stream": true, "logprobs": 1,
	}
	if o.rawFIM {
		body["prompt"] = o.fim.Prompt(req.Prefix, req.Suffix)
	} else {
		body["prompt"], body["suffix"] = req.Prefix, req.Suffix
	}
	return "/v1/completions", body, stops
}

func (o *OpenAI) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, method, o.base.JoinPath(path).String(), r)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "text/event-stream, application/json")
	if o.key != "" {
		hr.Header.Set("Authorization", "Bearer "+o.key)
	}
	return o.http.Do(hr)
}

// stream posts body and feeds the server-sent events to col until the
// stream ends, a stop is seen (errStopped: the connection is closed so the
// server stops generating) or something fails.
func (o *OpenAI) stream(ctx context.Context, path string, body map[string]any, col *collector) error {
	resp, err := o.do(ctx, http.MethodPost, path, body)
	if err != nil {
		return err
	}
	// Closing an unread body drops the connection: the server sees the
	// client leave and stops generating.
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return &httpError{code: resp.StatusCode, body: errorMessage(b)}
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/json" {
		// A server that ignored "stream": one JSON answer.
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_, err = o.event(b, col)
		if errors.Is(err, errStopped) {
			return nil
		}
		return err
	}
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := readLine(r, MaxAnswerBytes+8<<10)
		if err != nil {
			if errors.Is(err, io.EOF) {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("%w: the stream ended before its end marker", ErrBadResponse)
			}
			return err
		}
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue // blank separators, comments, event:/id: fields
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			return nil
		}
		end, err := o.event([]byte(data), col)
		if err != nil || end {
			return err
		}
	}
}

// event applies one streamed JSON object. end reports the last event.
func (o *OpenAI) event(data []byte, col *collector) (end bool, err error) {
	var ev struct {
		// /v1/completions
		Choices []struct {
			Text         string  `json:"text"`
			FinishReason *string `json:"finish_reason"`
			Logprobs     *struct {
				TokenLogprobs []float64 `json:"token_logprobs"`
			} `json:"logprobs"`
		} `json:"choices"`
		// /infill
		Content *string `json:"content"`
		Stop    bool    `json:"stop"`
		// both, on failure
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return true, fmt.Errorf("%w: invalid JSON in stream: %s", ErrBadResponse, clip(string(data)))
	}
	if len(ev.Error) > 0 && string(ev.Error) != "null" {
		msg := errorMessage(data)
		if modelMissing(msg) {
			return true, fmt.Errorf("%w: %s", ErrModelNotFound, clip(msg))
		}
		return true, fmt.Errorf("%w: %s", ErrBadResponse, clip(msg))
	}
	var text string
	switch {
	case o.infill && ev.Content != nil:
		text, end = *ev.Content, ev.Stop
	case !o.infill && len(ev.Choices) > 0:
		c := ev.Choices[0]
		text, end = c.Text, c.FinishReason != nil && *c.FinishReason != ""
		if c.Logprobs != nil {
			for _, lp := range c.Logprobs.TokenLogprobs {
				col.logprob(lp)
			}
		}
	default:
		return true, fmt.Errorf("%w: unexpected event: %s", ErrBadResponse, clip(string(data)))
	}
	stop, err := col.add(text)
	if err != nil {
		return true, err
	}
	if stop && !end {
		return true, errStopped
	}
	return end, nil
}

// errorMessage extracts the message of an error body ({"error":"..."} or
// {"error":{"message":"..."}}), else returns the body.
func errorMessage(b []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && len(e.Error) > 0 {
		var s string
		if json.Unmarshal(e.Error, &s) == nil {
			return s
		}
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(e.Error, &obj) == nil && obj.Message != "" {
			return obj.Message
		}
	}
	return string(b)
}

// readLine reads one line (without its end) of at most limit bytes.
func readLine(r *bufio.Reader, limit int) (string, error) {
	var buf []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			return "", err
		}
		buf = append(buf, chunk...)
		if len(buf) > limit {
			return "", fmt.Errorf("%w: stream line longer than %d KB", ErrBadResponse, limit>>10)
		}
		if !isPrefix {
			return string(buf), nil
		}
	}
}

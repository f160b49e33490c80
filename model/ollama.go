package model

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/ollama/ollama/envconfig"
	ollamamodel "github.com/ollama/ollama/types/model"

	"github.com/ghostline/ghostline/config"
)

// Ollama is a Backend on Ollama's native API (/api/generate, /api/show).
// Fill-in-the-middle goes through the suffix field when the model's
// template supports it (the "insert" capability), else through a raw prompt
// with the family's FIM tokens.
type Ollama struct {
	client    *api.Client // /api/show
	http      *http.Client
	base      *url.URL
	name      string
	fim       FIM
	hasFIM    bool
	stops     []string
	maxTokens int
	keepAlive *api.Duration
	timeout   time.Duration

	mu   sync.Mutex
	info *ollamaInfo // /api/show, fetched once per backend
}

// ollamaInfo is what /api/show tells about the model.
type ollamaInfo struct {
	insert bool     // the template uses .Suffix
	stops  []string // the Modelfile's stop parameters
	family string   // details.family, for doctor
	window int      // context window in tokens, 0: unknown
}

// NewOllama returns the Ollama backend for c. The endpoint is c.Endpoint,
// else OLLAMA_HOST, else http://127.0.0.1:11434.
func NewOllama(c config.Model) (*Ollama, error) {
	if err := validOllamaName(c.Name); err != nil {
		return nil, err
	}
	base := envconfig.Host()
	if c.Endpoint != "" {
		u, err := parseEndpoint(c.Endpoint, "11434")
		if err != nil {
			return nil, err
		}
		base = u
	}
	fim, ok, err := LookupFIM(c.Name, c.Template)
	if err != nil {
		return nil, err
	}
	ka, err := parseKeepAlive(c.KeepAlive)
	if err != nil {
		return nil, err
	}
	hc := newHTTPClient()
	return &Ollama{
		client:    api.NewClient(base, hc),
		http:      hc,
		base:      base,
		name:      c.Name,
		fim:       fim,
		hasFIM:    ok,
		stops:     c.Stop,
		maxTokens: c.MaxTokens,
		keepAlive: ka,
		timeout:   time.Duration(c.TimeoutMs) * time.Millisecond,
	}, nil
}

// validOllamaName rejects names Ollama could never serve, so that a typo or
// a name with shell metacharacters gets one clear message up front.
func validOllamaName(name string) error {
	if name == "" {
		return errors.New("model.name is empty")
	}
	if !ollamamodel.ParseName(name).IsValid() {
		return fmt.Errorf("model.name %q is not a valid Ollama model name (letters, digits, '.', '_', '-', an optional :tag and namespace/)", name)
	}
	return nil
}

// parseKeepAlive accepts Go durations ("30m"), seconds ("300") and a
// negative value (keep loaded forever). Empty leaves the server's default.
func parseKeepAlive(s string) (*api.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return &api.Duration{Duration: d}, nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return &api.Duration{Duration: time.Duration(n * float64(time.Second))}, nil
	}
	return nil, fmt.Errorf("model.keepAlive %q: want a duration such as \"30m\", seconds, or -1", s)
}

// Name is the model name on the server.
func (o *Ollama) Name() string { return o.name }

// Endpoint is the server URL in use (credentials removed).
func (o *Ollama) Endpoint() string { return o.base.Redacted() }

// Check reports whether the server answers and has the model: nil, or an
// error wrapping ErrUnavailable, ErrModelNotFound, ErrBadResponse or ErrTimeout.
func (o *Ollama) Check(ctx context.Context) error {
	_, err := o.inspect(ctx)
	return err
}

func (o *Ollama) inspect(ctx context.Context) (*ollamaInfo, error) {
	rctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	info, err := o.show(rctx)
	if err != nil {
		return nil, failure(ctx, rctx, o.origin(), o.timeout, err)
	}
	return info, nil
}

func (o *Ollama) origin() origin {
	return origin{what: fmt.Sprintf("ollama %s at %s", o.name, o.base.Redacted()), provider: "ollama", endpoint: o.base.Redacted(), model: o.name}
}

// show returns the cached /api/show answer, asking the server on first use.
// Failures are not cached: the model may be pulled a moment later.
func (o *Ollama) show(ctx context.Context) (*ollamaInfo, error) {
	o.mu.Lock()
	info := o.info
	o.mu.Unlock()
	if info != nil {
		return info, nil
	}
	resp, err := o.client.Show(ctx, &api.ShowRequest{Model: o.name})
	if err != nil {
		return nil, err
	}
	info = &ollamaInfo{
		insert: slices.Contains(resp.Capabilities, ollamamodel.CapabilityInsert) || strings.Contains(resp.Template, ".Suffix"),
		stops:  modelfileStops(resp.Parameters),
		family: resp.Details.Family,
		window: contextWindow(resp.ModelInfo, resp.Parameters),
	}
	o.mu.Lock()
	o.info = info
	o.mu.Unlock()
	return info, nil
}

// contextWindow is the model's context length from /api/show: the
// Modelfile's num_ctx when it sets one, else the trained length
// (model_info's "<architecture>.context_length").
func contextWindow(info map[string]any, params string) int {
	for _, line := range strings.Split(params, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok && k == "num_ctx" {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
				return n
			}
		}
	}
	for k, v := range info {
		if n, ok := v.(float64); ok && strings.HasSuffix(k, ".context_length") && n > 0 {
			return int(n)
		}
	}
	return 0
}

// PromptWindow implements Windowed: the model's context length from
// /api/show less the tokens it may generate (0 when the server cannot
// tell).
func (o *Ollama) PromptWindow(ctx context.Context) int {
	rctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	info, err := o.show(rctx)
	if err != nil || info.window == 0 {
		return 0
	}
	return max(info.window-orDefault(o.maxTokens, defaultMaxTokens), 1)
}

// modelfileStops extracts `stop "..."` lines from /api/show's parameters
// (a request's stop option replaces the Modelfile's, so they are resent).
func modelfileStops(params string) []string {
	var out []string
	for _, line := range strings.Split(params, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || k != "stop" {
			continue
		}
		v = strings.TrimSpace(v)
		if s, err := strconv.Unquote(v); err == nil {
			v = s
		}
		out = append(out, v)
	}
	return out
}

// Complete generates the middle between req.Prefix and req.Suffix.
func (o *Ollama) Complete(ctx context.Context, req Request) (Result, error) {
	rctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	info, err := o.show(rctx)
	if err != nil {
		return Result{}, failure(ctx, rctx, o.origin(), o.timeout, err)
	}
	gen := o.request(req, info)
	col := newCollector(req, gen.Options["stop"].([]string))

	// gctx lets the callback end the stream early: cancelling it closes the
	// connection, and Ollama stops generating when its client goes away.
	gctx, stop := context.WithCancelCause(rctx)
	defer stop(nil)
	done := false
	err = o.generate(gctx, gen, func(r api.GenerateResponse) error {
		for _, lp := range r.Logprobs {
			col.logprob(lp.Logprob)
		}
		end, err := col.add(r.Response)
		if err != nil {
			return err
		}
		if r.Done {
			done = true
			return nil
		}
		if end {
			stop(errStopped)
			return errStopped
		}
		return nil
	})
	if errors.Is(err, errStopped) {
		err = nil
		done = true
	}
	// The client returns nil when the stream is cut (a cancel, a reset
	// connection, a line too long): only a done line means the text is whole.
	if err == nil && !done {
		if rctx.Err() == nil {
			err = fmt.Errorf("%w: the stream ended without a done line", ErrBadResponse)
		} else {
			err = rctx.Err()
		}
	}
	if err != nil {
		return Result{}, failure(ctx, rctx, o.origin(), o.timeout, err)
	}
	return col.result("ollama", o.name), nil
}

// generate posts gen to /api/generate and hands fn each streamed answer
// line, as api.Client.Generate does, but reads the stream through a small
// buffer: the client allocates (and zeroes) 8 MB per call for its line
// scanner, which was a third of serve's CPU while typing (bench typing) and
// a large part of its peak RSS. Errors are the client's: api.StatusError
// for an HTTP error status, the server's message for an error line.
func (o *Ollama) generate(ctx context.Context, gen *api.GenerateRequest, fn func(api.GenerateResponse) error) error {
	body, err := json.Marshal(gen)
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, o.base.JoinPath("/api/generate").String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/x-ndjson")
	resp, err := o.http.Do(hr)
	if err != nil {
		return err
	}
	// Closing an unread body drops the connection: Ollama stops generating.
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		line, err := readLine(r, MaxAnswerBytes+8<<10)
		if errors.Is(err, io.EOF) {
			return nil // the caller tells a cut stream by its missing done line
		}
		if err != nil {
			return err
		}
		var msg struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			if resp.StatusCode >= http.StatusBadRequest {
				return api.StatusError{StatusCode: resp.StatusCode, Status: resp.Status, ErrorMessage: line}
			}
			return errors.New(line)
		}
		if resp.StatusCode >= http.StatusBadRequest {
			return api.StatusError{StatusCode: resp.StatusCode, Status: resp.Status, ErrorMessage: msg.Error}
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
		var g api.GenerateResponse
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			return err
		}
		if err := fn(g); err != nil {
			return err
		}
	}
}

// request builds the /api/generate request: a raw prompt in the family's
// FIM format (Layout.Render, what `ghostline context` prints) when the
// family is known, else suffix FIM through the model's template when it
// supports it, else a plain continuation of the prefix.
func (o *Ollama) request(req Request, info *ollamaInfo) *api.GenerateRequest {
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = orDefault(o.maxTokens, defaultMaxTokens)
	}
	g := &api.GenerateRequest{Model: o.name, KeepAlive: o.keepAlive, Logprobs: true}
	var famStops []string
	if o.hasFIM {
		famStops = o.fim.Stop
	}
	switch {
	case o.hasFIM:
		g.Raw, g.Prompt = true, o.fim.Prompt(req.Prefix, req.Suffix)
	case info.insert:
		g.Prompt, g.Suffix = req.Prefix, req.Suffix
	default:
		slog.Debug("model has no FIM support; completing the prefix only", "model", o.name)
		g.Raw, g.Prompt = true, req.Prefix
	}
	stops := stopList(req.Stop, o.stops, famStops, info.stops)
	if req.SingleLine {
		// The server stops by itself at the line end; the collector also
		// closes the stream should a token carry text past it.
		stops = stopList(stops, []string{"\n"})
	}
	g.Options = map[string]any{
		"num_predict": maxTokens,
		"temperature": req.Temperature,
		"stop":        stops,
	}
	return g
}

// orDefault returns v if positive, else def.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

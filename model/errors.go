package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ollama/ollama/api"
)

// errStopped is the cancel cause when the client itself ends a stream early
// (a stop sequence or line end was seen): not a failure.
var errStopped = errors.New("stream stopped by the client")

// withTimeout bounds one request; its cause tells a timeout apart from the
// caller's own cancellation.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		d = defaultTimeout
	}
	return context.WithTimeoutCause(ctx, d, ErrTimeout)
}

// Error is a failed model request: its class (it wraps one of the
// sentinels of model.go), what happened, and what the user can do about it.
// Backends return it for every failure but the caller's own cancellation.
type Error struct {
	class error
	msg   string
	fix   string
}

func (e *Error) Error() string { return e.msg }

func (e *Error) Unwrap() error { return e.class }

// Class names the kind of failure ("unavailable", "not-found", "timeout",
// "bad-response"), so a caller can tell the user once per kind.
func (e *Error) Class() string { return classNames[e.class] }

// Fix says what to do, for the server and provider at hand ("start
// Ollama: ollama serve").
func (e *Error) Fix() string { return e.fix }

var classNames = map[error]string{
	ErrUnavailable: "unavailable", ErrModelNotFound: "not-found", ErrTimeout: "timeout", ErrBadResponse: "bad-response",
}

// FixOf returns the fix an error from a backend carries, or "".
func FixOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.fix
	}
	return ""
}

// origin is the server a request went to, for error messages and fixes.
type origin struct {
	what     string // "ollama qwen at http://..."
	provider string // ollama, openai or llamacpp
	endpoint string // credentials removed
	model    string
}

// fix says what to do about a failure of class at o: the one place this
// advice is worded (doctor, the editor's messages and the fallback notice
// all show it).
func (o origin) fix(class error) string {
	local := isLoopback(o.endpoint)
	switch {
	case class == ErrTimeout:
		return fmt.Sprintf("raise model.timeoutMs or use a smaller model, and check that the server at %s is not stuck", o.endpoint)
	case class == ErrModelNotFound && o.provider == "ollama":
		return "ollama pull " + shellQuote(o.model)
	case class == ErrModelNotFound:
		return fmt.Sprintf("load or name a model the server has (model.name), e.g. check %s/v1/models", o.endpoint)
	case class == ErrBadResponse && o.provider == "ollama":
		return "see the Ollama server's log"
	case class == ErrBadResponse:
		return "check that model.endpoint points at a model server of model.provider's kind"
	case o.provider == "ollama" && local:
		return "start Ollama: ollama serve"
	case o.provider == "llamacpp" && local:
		return "start llama.cpp: llama-server -m MODEL.gguf --port 8080"
	}
	return fmt.Sprintf("start the model server at %s or correct model.endpoint", o.endpoint)
}

// failure turns err from a request made under rctx (derived from the
// caller's ctx by withTimeout) to the server o into one error: the caller's
// ctx.Err() when it gave up, else an *Error with a short explanation. The
// original error is not wrapped, so nothing it carries (a key echoed by a
// server) can leak past redact.
func failure(ctx, rctx context.Context, o origin, timeout time.Duration, err error, secrets ...string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(context.Cause(rctx), ErrTimeout) {
		return &Error{class: ErrTimeout, msg: fmt.Sprintf("%s: %v after %v", o.what, ErrTimeout, timeout), fix: o.fix(ErrTimeout)}
	}
	sentinel, detail := classify(err)
	return &Error{class: sentinel, msg: fmt.Sprintf("%s: %v: %s", o.what, sentinel, clip(redact(detail, secrets...))), fix: o.fix(sentinel)}
}

// classify maps a transport or server error to a sentinel and a one-line detail.
func classify(err error) (error, string) {
	var (
		status  api.StatusError
		httpErr *httpError
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		dns     *net.DNSError
		opErr   *net.OpError
	)
	// Already classified by a stream reader: keep its words.
	for _, s := range []error{ErrBadResponse, ErrModelNotFound, ErrUnavailable} {
		if errors.Is(err, s) {
			return s, strings.TrimPrefix(err.Error(), s.Error()+": ")
		}
	}
	switch {
	case errors.As(err, &status):
		return statusSentinel(status.StatusCode, status.ErrorMessage), fmt.Sprintf("HTTP %d: %s", status.StatusCode, clip(status.ErrorMessage))
	case errors.As(err, &httpErr):
		return statusSentinel(httpErr.code, httpErr.body), fmt.Sprintf("HTTP %d: %s", httpErr.code, clip(httpErr.body))
	case errors.As(err, &syntax), errors.As(err, &typ):
		return ErrBadResponse, "invalid JSON: " + err.Error()
	case errors.As(err, &dns):
		return ErrUnavailable, dns.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrUnavailable, "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.EPIPE):
		return ErrUnavailable, "connection closed by the server"
	case errors.As(err, &opErr):
		return ErrUnavailable, opErr.Error()
	}
	msg := err.Error()
	if modelMissing(msg) {
		return ErrModelNotFound, clip(msg)
	}
	// The Ollama client reports a stream line that is not JSON as the line itself.
	return ErrBadResponse, clip(msg)
}

func statusSentinel(code int, body string) error {
	if (code == http.StatusNotFound || code == http.StatusBadRequest) && modelMissing(body) {
		return ErrModelNotFound
	}
	return ErrBadResponse
}

// modelMissing recognises the servers' "model not found" messages
// (Ollama: `model "x" not found, try pulling it first`; vLLM/OpenAI: "The
// model `x` does not exist").
func modelMissing(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "model") && (strings.Contains(m, "not found") || strings.Contains(m, "does not exist"))
}

// httpError is a non-2xx answer from a server spoken to without the Ollama client.
type httpError struct {
	code int
	body string
}

func (e *httpError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.body) }

// clip keeps error details to one short printable line: a server's raw
// bytes (control characters, terminal escapes, invalid UTF-8) are replaced
// by spaces or U+FFFD and the line is cut at a character boundary. Clipping
// twice changes nothing.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) && r != utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Join(strings.Fields(s), " ")
	const max = 200
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	if s == "" {
		s = "(empty)"
	}
	return s
}

// redact removes secrets (API keys) from text meant for logs and users.
func redact(s string, secrets ...string) string {
	for _, k := range secrets {
		if k != "" {
			s = strings.ReplaceAll(s, k, "[REDACTED]")
		}
	}
	return s
}

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

// failure turns err from a request made under rctx (derived from the
// caller's ctx by withTimeout) into one error: the caller's ctx.Err() when it
// gave up, else one of the sentinels with a short explanation. The original
// error is not wrapped, so nothing it carries (a key echoed by a server) can
// leak past redact.
func failure(ctx, rctx context.Context, what string, timeout time.Duration, err error, secrets ...string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(context.Cause(rctx), ErrTimeout) {
		return fmt.Errorf("%s: %w after %v", what, ErrTimeout, timeout)
	}
	sentinel, detail := classify(err)
	return fmt.Errorf("%s: %w: %s", what, sentinel, redact(detail, secrets...))
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

// clip keeps error details to one short line.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 200
	if len(s) > max {
		s = s[:max] + "…"
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

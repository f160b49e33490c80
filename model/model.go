package model

import (
	"context"
	"errors"
	"time"

	"github.com/ghostline/ghostline/lang"
)

// Request is one fill-in-the-middle generation: the model writes the text that
// goes between Prefix and Suffix.
type Request struct {
	// Prefix is everything the model sees before the cursor: retrieved context
	// first, then the current file up to the cursor.
	Prefix string
	// Suffix is the current file after the cursor (possibly truncated).
	Suffix string
	// Language is the LSP language id of the current file ("go", "python", ...).
	Language string
	// Path is the current file's path relative to the repository root, for
	// backends that learn per file (the built-in model); may be empty.
	Path string
	// MaxTokens bounds generation (num_predict); 0 means the backend default.
	MaxTokens int
	// Stop sequences end generation; the stop text itself is not returned.
	Stop []string
	// SingleLine stops at the first line end and closes the stream, so the
	// server stops generating too.
	SingleLine bool
	// Temperature for sampling; 0 is greedy.
	Temperature float64
	// Members are the names that may follow a `.` right before the cursor
	// (retrieval.Prompt.Members); backends that rank tokens themselves
	// (the built-in model) prefer them there.
	Members []string
	// Context is the retrieved part of Prefix: Prefix begins with these
	// texts, in this order, and the current file follows them. Backends
	// that read the prompt themselves (the built-in model) take each on
	// its own: a snippet cut inside a comment or a string must not swallow
	// what follows it, and the current file weighs more than other files.
	Context []string
	// FileState is the lexer state where the current file's text in Prefix
	// begins: inside a comment or string where the prompt cut the file in
	// one (the zero State is code).
	FileState lang.State
}

// Result is a finished generation.
type Result struct {
	Text string
	// Confidence is the mean log-probability per generated token (<= 0)
	// where the backend reports it; HasConfidence is false otherwise.
	Confidence    float64
	HasConfidence bool
	// Tokens is the number of generated tokens, when known.
	Tokens int
	// Model names what produced the text, e.g. "qwen2.5-coder:1.5b-base" or
	// "builtin", and Backend the kind of backend: "ollama", "openai",
	// "llamacpp" or "builtin". Confidences are comparable only within one.
	Model, Backend string
	// FirstToken is the time to the first streamed token, when known.
	FirstToken time.Duration
	// Notice is a message for the user that the caller shows once, e.g. that
	// the model server is down and the built-in model answered instead.
	Notice string
}

// Backend generates completions. Implementations must honour ctx: when it is
// cancelled they stop the generation (on the server too) and return ctx.Err(),
// never a truncated Result as if it were complete.
type Backend interface {
	Complete(ctx context.Context, req Request) (Result, error)
	// Name is the model in use, for the status bar and telemetry.
	Name() string
}

// Errors a Backend wraps so callers can tell failure classes apart with errors.Is.
var (
	// ErrUnavailable: the model server cannot be reached (refused, DNS, down).
	ErrUnavailable = errors.New("model server unavailable")
	// ErrModelNotFound: the server answers but does not have the model.
	ErrModelNotFound = errors.New("model not found")
	// ErrBadResponse: HTTP errors, malformed stream lines, oversized answers.
	ErrBadResponse = errors.New("bad response from model server")
	// ErrTimeout: the request ran past its timeout.
	ErrTimeout = errors.New("model request timed out")
)

package model

import (
	"context"
	"fmt"

	"github.com/ghostline/ghostline/config"
)

// Server is a Backend behind a model server. Check asks the server whether
// it answers and has the model, without generating: nil, or an error
// wrapping ErrUnavailable, ErrModelNotFound, ErrBadResponse or ErrTimeout.
// The engine uses it to decide on the built-in fallback; doctor to explain.
type Server interface {
	Backend
	Check(ctx context.Context) error
	// Endpoint is the server URL, credentials removed.
	Endpoint() string
}

// Open returns the server backend that c.Provider names: "ollama" (also
// "auto" and "", whose fallback to the built-in model is the caller's),
// "openai" (/v1/completions) or "llamacpp" (/infill). The built-in model is
// not a server and lives in model/builtin.
func Open(c config.Model) (Server, error) {
	switch c.Provider {
	case "", "auto", "ollama":
		return NewOllama(c)
	case "openai":
		return NewOpenAI(c, false)
	case "llamacpp":
		return NewOpenAI(c, true)
	case "builtin":
		return nil, fmt.Errorf("model.provider builtin is not a server: use model/builtin")
	default:
		return nil, fmt.Errorf("model.provider %q: want auto, ollama, openai, llamacpp or builtin", c.Provider)
	}
}

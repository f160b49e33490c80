package lspbench

import (
	"context"
	"time"

	"github.com/ghostline/ghostline/lsp/lsptest"
)

// Ghostline is `bin serve` over stdio against the fake Ollama server ol,
// in the default configuration (provider auto: the built-in model stands
// by) with retrieval on and the predictor off (it would hide suggestions
// the replay counts), with HOME and the XDG directories under home so that
// its index, telemetry and models start empty.
func Ghostline(bin, home string, ol *lsptest.Ollama) TypingServer {
	return GhostlineAt(bin, home, ol.URL(), func() int { return len(ol.Generates()) })
}

// GhostlineAt is Ghostline against the Ollama server at url, calls
// counting its generate requests.
func GhostlineAt(bin, home, url string, calls func() int) TypingServer {
	return TypingServer{
		Name: "ghostline",
		Bin:  bin,
		Args: []string{"serve", "--log-level", "warn"},
		Env:  isolatedHome(home),
		Settings: map[string]any{
			"model":  map[string]any{"endpoint": url},
			"ranker": map[string]any{"enabled": false},
		},
		Progress:     true,
		Ready:        ghostlineIndexed,
		Ask:          inlineRequest,
		BackendCalls: calls,
	}
}

// ghostlineIndexed polls ghostline/status until the first indexing pass
// reports done.
func ghostlineIndexed(ctx context.Context, c *lsptest.Client) error {
	for {
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		if ix := st.Indexing; ix != nil && ix.Total > 0 && ix.Done >= ix.Total {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// isolatedHome is the environment that points a server's per-user files
// under home.
func isolatedHome(home string) []string {
	return []string{
		"HOME=" + home, "XDG_CACHE_HOME=" + home + "/.cache", "XDG_DATA_HOME=" + home + "/.local/share",
		"XDG_CONFIG_HOME=" + home + "/.config", "XDG_STATE_HOME=" + home + "/.local/state", "OLLAMA_HOST=",
	}
}

package model

import (
	"context"

	"github.com/ghostline/ghostline/config"
)

// Layout is what prompt assembly needs to know of how a backend sends its
// prompt.
type Layout struct {
	// FIM is the model family's format, which the backend renders the
	// prompt in itself (raw), when Known; otherwise the server's own
	// template puts prefix and suffix together.
	FIM   FIM
	Known bool
	// SuffixTokens caps the suffix, 0 leaving it to the assembler: a
	// prefix-first (PSM) prompt puts the suffix after the text that grows
	// as the user types, so the server reads all of it again at every
	// request and a short one costs less.
	SuffixTokens int
}

// psmSuffixTokens is the suffix cap of prefix-first prompts: the next
// line or two, which tell the model where the middle ends; the text below
// them goes before the prefix, where the server's cache keeps it
// (retrieval's cutAfter). At 64 the suffix was most of what each typed
// request re-read (bench prompt-reuse --why).
const psmSuffixTokens = 32

// LayoutFor returns the layout of the backend the settings c select.
func LayoutFor(c config.Model) Layout {
	if c.Provider == "builtin" {
		return Layout{}
	}
	f, ok, err := LookupFIM(c.Name, c.Template)
	if err != nil {
		ok = false
	}
	l := Layout{FIM: f, Known: ok}
	if !ok || !f.SuffixFirst {
		l.SuffixTokens = psmSuffixTokens
	}
	return l
}

// Render is the prompt the model is sent for prefix and suffix, when the
// backend renders it (Known); ok is false when the server's template does.
func (l Layout) Render(prefix, suffix string) (prompt string, ok bool) {
	if !l.Known {
		return "", false
	}
	return l.FIM.Prompt(prefix, suffix), true
}

// Windowed is a Backend that knows how long a prompt its model takes: its
// context window less what it may generate, in tokens (0: unknown). A
// longer prompt would be cut by the server from its start, losing the FIM
// tokens, so the assembler keeps within it.
type Windowed interface {
	PromptWindow(ctx context.Context) int
}

// PromptWindow returns b's prompt window, 0 when b does not know it.
func PromptWindow(ctx context.Context, b Backend) int {
	if w, ok := b.(Windowed); ok {
		return w.PromptWindow(ctx)
	}
	return 0
}

package pipeline

import (
	"slices"

	"github.com/ghostline/ghostline/retrieval"
	"github.com/ghostline/ghostline/secrets"
)

// redact removes secret values from everything in a prompt: retrieved
// parts (checked again, whatever the index held) and the current file's
// prefix and suffix. Line by line, remembered: the prompt of one keystroke
// is mostly the last one's.
func redact(r *secrets.Rules, pr retrieval.Prompt) retrieval.Prompt {
	pr.Prefix, _ = r.RedactLines(pr.Prefix)
	pr.Suffix, _ = r.RedactLines(pr.Suffix)
	pr.Parts = slices.Clone(pr.Parts)
	for i := range pr.Parts {
		pr.Parts[i].Text, _ = r.RedactLines(pr.Parts[i].Text)
	}
	return pr
}

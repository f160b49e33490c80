package pipeline

import (
	"slices"

	"github.com/ghostline/ghostline/retrieval"
	"github.com/ghostline/ghostline/secrets"
)

// redact removes secret values from everything in a prompt: retrieved
// parts (checked again, whatever the index held) and the current file's
// prefix and suffix.
func redact(r *secrets.Rules, pr retrieval.Prompt) retrieval.Prompt {
	pr.Prefix, _ = r.Redact(pr.Prefix)
	pr.Suffix, _ = r.Redact(pr.Suffix)
	pr.Parts = slices.Clone(pr.Parts)
	for i := range pr.Parts {
		pr.Parts[i].Text, _ = r.Redact(pr.Parts[i].Text)
	}
	return pr
}

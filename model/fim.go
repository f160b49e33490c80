package model

import (
	"fmt"
	"sort"
	"strings"
)

// FIM is a model family's fill-in-the-middle prompt format: the special
// tokens that frame the prefix and suffix, and the tokens that end the middle.
type FIM struct {
	// Family is the short name used by the model.template setting.
	Family string
	// Prefix, Suffix and Middle are the sentinel tokens.
	Prefix, Suffix, Middle string
	// SuffixFirst puts the suffix before the prefix (Codestral's SPM order).
	SuffixFirst bool
	// Stop are tokens after which the model's output is not code any more.
	Stop []string
	// match are lower-case substrings of model names of this family.
	match []string
}

// Prompt renders a raw FIM prompt (for Ollama's raw mode and for servers
// without templates).
func (f FIM) Prompt(prefix, suffix string) string {
	if f.SuffixFirst {
		return f.Suffix + suffix + f.Prefix + prefix
	}
	return f.Prefix + prefix + f.Suffix + suffix + f.Middle
}

// fims is the template table. Order matters for name matching: the first
// family with a matching substring wins.
var fims = []FIM{
	{
		Family: "qwen", Prefix: "<|fim_prefix|>", Suffix: "<|fim_suffix|>", Middle: "<|fim_middle|>",
		Stop:  []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<|im_start|>", "<|im_end|>"},
		match: []string{"qwen"},
	},
	{
		Family: "codellama", Prefix: "<PRE> ", Suffix: " <SUF>", Middle: " <MID>",
		Stop:  []string{"<EOT>", "<PRE>", "<SUF>", "<MID>", "</s>"},
		match: []string{"codellama", "code-llama", "code_llama"},
	},
	{
		Family: "deepseek", Prefix: "<｜fim▁begin｜>", Suffix: "<｜fim▁hole｜>", Middle: "<｜fim▁end｜>",
		Stop:  []string{"<｜end▁of▁sentence｜>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<|EOT|>"},
		match: []string{"deepseek-coder", "deepseek_coder", "deepseekcoder"},
	},
	{
		Family: "codegemma", Prefix: "<|fim_prefix|>", Suffix: "<|fim_suffix|>", Middle: "<|fim_middle|>",
		Stop:  []string{"<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<eos>", "<end_of_turn>"},
		match: []string{"codegemma"},
	},
	{
		Family: "codestral", Prefix: "[PREFIX]", Suffix: "[SUFFIX]", Middle: "", SuffixFirst: true,
		Stop:  []string{"</s>", "[INST]", "[PREFIX]", "[SUFFIX]", "[MIDDLE]"},
		match: []string{"codestral"},
	},
	{
		Family: "granite", Prefix: "<fim_prefix>", Suffix: "<fim_suffix>", Middle: "<fim_middle>",
		Stop:  []string{"<|endoftext|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>", "<filename>"},
		match: []string{"granite-code", "granite_code", "granitecode", "granite3", "granite"},
	},
	{
		Family: "starcoder", Prefix: "<fim_prefix>", Suffix: "<fim_suffix>", Middle: "<fim_middle>",
		Stop:  []string{"<|endoftext|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>", "<file_sep>", "<repo_name>"},
		match: []string{"starcoder", "stable-code", "stablecode"},
	},
}

// Families lists the template names model.template accepts, sorted.
func Families() []string {
	out := make([]string, len(fims))
	for i, f := range fims {
		out[i] = f.Family
	}
	sort.Strings(out)
	return out
}

// LookupFIM picks the FIM format for a model: the family named by override
// when set (an error if it names none), else the first family whose name
// pattern occurs in the model name. ok is false when neither applies.
func LookupFIM(modelName, override string) (f FIM, ok bool, err error) {
	if o := strings.ToLower(strings.TrimSpace(override)); o != "" {
		for _, f := range fims {
			if f.Family == o {
				return f, true, nil
			}
		}
		// A model name as the override ("qwen2.5-coder") is also accepted.
		if f, ok := matchFIM(o); ok {
			return f, true, nil
		}
		return FIM{}, false, fmt.Errorf("model.template %q: want one of %s", override, strings.Join(Families(), ", "))
	}
	f, ok = matchFIM(strings.ToLower(modelName))
	return f, ok, nil
}

func matchFIM(lowerName string) (FIM, bool) {
	// Only the model part matters, not a registry host or namespace that
	// could contain a family name by accident.
	if i := strings.LastIndexByte(lowerName, '/'); i >= 0 {
		lowerName = lowerName[i+1:]
	}
	for _, f := range fims {
		for _, m := range f.match {
			if strings.Contains(lowerName, m) {
				return f, true
			}
		}
	}
	return FIM{}, false
}

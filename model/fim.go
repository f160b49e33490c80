package model

import (
	"fmt"
	"sort"
	"strings"
)

// FIM is a model family's fill-in-the-middle prompt format: the special
// tokens that frame the prefix and suffix, the order they go in, and the
// tokens that end the middle.
type FIM struct {
	// Family is the short name used by the model.template setting.
	Family string
	// Prefix, Suffix and Middle are the sentinel tokens, as the family's
	// documented prefix-suffix-middle (PSM) prompt spells them.
	Prefix, Suffix, Middle string
	// SuffixFirst: the prompt is suffix-first (SPM), SPMStart + suffix +
	// SPMMiddle + prefix, for families documented to be trained with that
	// order. A model server's prompt cache then keeps everything up to the
	// cursor while the user types, suffix included; in PSM order the
	// suffix follows the growing prefix and is read again at every
	// request.
	SuffixFirst         bool
	SPMStart, SPMMiddle string
	// Stop are tokens after which the model's output is not code any more.
	Stop []string
	// match are lower-case substrings of model names of this family.
	match []string
}

// Prompt renders a raw FIM prompt in the family's order (for Ollama's raw
// mode and for servers without templates).
func (f FIM) Prompt(prefix, suffix string) string {
	if f.SuffixFirst {
		return f.SPMStart + suffix + f.SPMMiddle + prefix
	}
	return f.Prefix + prefix + f.Suffix + suffix + f.Middle
}

// Order names the family's prompt order, "SPM" or "PSM".
func (f FIM) Order() string {
	if f.SuffixFirst {
		return "SPM"
	}
	return "PSM"
}

// fims is the template table. Order matters for name matching: the first
// family with a matching substring wins.
var fims = []FIM{
	// Qwen2.5-Coder's model card and report document PSM only.
	{
		Family: "qwen", Prefix: "<|fim_prefix|>", Suffix: "<|fim_suffix|>", Middle: "<|fim_middle|>",
		Stop:  []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<|im_start|>", "<|im_end|>"},
		match: []string{"qwen"},
	},
	{
		// Meta's Code Llama model card and reference code (llama/generation.py,
		// infilling_prompt_tokens with suffix_first): trained in both orders;
		// SPM is "<PRE> <SUF>{suffix} <MID> {prefix}".
		Family: "codellama", Prefix: "<PRE> ", Suffix: " <SUF>", Middle: " <MID>",
		SuffixFirst: true, SPMStart: "<PRE> <SUF>", SPMMiddle: " <MID> ",
		Stop:  []string{"<EOT>", "<PRE>", "<SUF>", "<MID>", "</s>"},
		match: []string{"codellama", "code-llama", "code_llama"},
	},
	// DeepSeek-Coder's paper weighed PSM against SPM and trained with PSM.
	{
		Family: "deepseek", Prefix: "<｜fim▁begin｜>", Suffix: "<｜fim▁hole｜>", Middle: "<｜fim▁end｜>",
		Stop:  []string{"<｜end▁of▁sentence｜>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<|EOT|>"},
		match: []string{"deepseek-coder", "deepseek_coder", "deepseekcoder"},
	},
	// CodeGemma's report says it was trained in both orders but documents
	// only the PSM prompt: PSM until the SPM spelling is published.
	{
		Family: "codegemma", Prefix: "<|fim_prefix|>", Suffix: "<|fim_suffix|>", Middle: "<|fim_middle|>",
		Stop:  []string{"<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<eos>", "<end_of_turn>"},
		match: []string{"codegemma"},
	},
	{
		// Mistral's FIM encoding (mistral-common encode_fim) is suffix-first
		// only: "[SUFFIX]{suffix}[PREFIX]{prefix}".
		Family: "codestral", Prefix: "[PREFIX]", Suffix: "[SUFFIX]", Middle: "",
		SuffixFirst: true, SPMStart: "[SUFFIX]", SPMMiddle: "[PREFIX]",
		Stop:  []string{"</s>", "[INST]", "[PREFIX]", "[SUFFIX]", "[MIDDLE]"},
		match: []string{"codestral"},
	},
	// Granite Code and StarCoder: their model cards document PSM.
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

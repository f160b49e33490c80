// Package model generates fill-in-the-middle completions behind one small
// interface, Backend. It holds the server backends (Ollama's native API and
// OpenAI-compatible /v1/completions and llama.cpp /completion and /infill),
// the per-family FIM
// prompt templates, streaming with early stop, and timeouts. The built-in
// offline model lives in model/builtin.
//
// Exported surface:
//   - Open(config.Model) returns a Server (a Backend with Check and
//     Endpoint) for provider ollama (also auto), openai or llamacpp.
//     NewOllama and NewOpenAI build one directly.
//   - Check asks the server whether it answers and has the model; errors
//     wrap the sentinels of model.go (ErrUnavailable, ErrModelNotFound,
//     ErrBadResponse, ErrTimeout), as do Complete's.
//   - FIM, LookupFIM and Families: the template table (Qwen2.5-Coder,
//     CodeLlama, StarCoder2, DeepSeek-Coder, CodeGemma, Codestral,
//     Granite-Code) with each family's documented order (suffix first for
//     CodeLlama and Codestral), chosen by model name or the model.template
//     setting. LayoutFor says how a backend sends its prompt (rendered raw
//     by a known family, the suffix cap of prefix-first orders); Windowed
//     backends tell the longest prompt their model takes (/api/show).
//   - Diagnose: the checks behind `ghostline doctor`, each failure with
//     what to do about it.
//   - Fallback: a server with a backup (the built-in model) that answers
//     during an outage; Switchable: a Backend replaced while requests run.
//
// Every request has a deadline (model.timeoutMs), answers are bounded
// (MaxAnswerBytes), a single-line request closes its stream at the first
// line end so the server stops generating, and API keys never appear in
// errors or logs. model/ollamatest runs a real Ollama server with a tiny
// generated model for tests.
//
// model knows nothing about LSP, retrieval or telemetry.
package model

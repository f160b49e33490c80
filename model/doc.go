// Package model generates fill-in-the-middle completions behind one small
// interface, Backend. It holds the server backends (Ollama's native API and
// OpenAI-compatible /v1/completions and llama.cpp /infill), the per-family FIM
// prompt templates, streaming with early stop, and timeouts. The built-in
// offline model lives in model/builtin.
//
// model knows nothing about LSP, retrieval or telemetry.
package model

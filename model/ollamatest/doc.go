// Package ollamatest runs a real Ollama server for tests: it writes a tiny
// random-weight llama GGUF (WriteTinyGGUF), starts `ollama serve` on a
// loopback port with its own models and home directories (Start), creates
// models from Modelfiles (Server.Create), and restarts or stops the server.
// StartTiny does all of it, for any test that wants a real model server
// (the model suite behind the `ollama` build tag, and LSP-level tests).
//
// The ollama binary comes from $OLLAMA_BIN, PATH or $GOPATH/bin
// (scripts/install-ollama.sh builds the pinned version there).
package ollamatest

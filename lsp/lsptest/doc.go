// Package lsptest is a small LSP client for tests, shared by the server's
// own tests, the editor plugins' and the model integration tests.
//
// Start runs `ghostline serve` (Connect takes any stream: a pipe to an
// in-process server, a TCP connection). The client speaks JSON-RPC with
// Content-Length framing and has a method per message the tests send
// (Initialize, DidOpen, DidChange, InlineCompletion, Cancel, ExecuteCommand,
// Notify, Shutdown). It records what the server sends on its own —
// notifications such as window/showMessage and $/progress, requests such as
// window/workDoneProgress/create (answered with null), and error responses
// to no request of ours (answers to raw malformed input) — for Received,
// ShowMessages and WaitFor.
//
// Ollama is an in-process model server speaking Ollama's wire format, with
// switchable failures (slow, HTTP 500, malformed stream, model not found).
package lsptest

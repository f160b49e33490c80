// Package lsp is ghostline's Language Server Protocol front end: the
// JSON-RPC transport, open documents, request pacing and the typed-through
// cache in front of the completion pipeline.
//
// The transport runs on github.com/sourcegraph/jsonrpc2 with glsp's protocol
// types. Document notifications are applied in the read loop, so they take
// effect strictly in arrival order and every request sees the document as it
// was when the request arrived. The exception is a didOpen or didChange of
// a megabyte or more: it is decoded and applied in a goroutine, its
// document's lane, which what arrives next for that document (edits,
// requests, feedback on its suggestions) joins in order, while other
// documents and requests go on at once. Requests run concurrently, each with a
// context that $/cancelRequest, a newer inlineCompletion request for the
// same document, and shutdown cancel (answered with RequestCancelled).
//
// Methods beyond the base protocol:
//
//   - textDocument/inlineCompletion (LSP 3.18): an InlineCompletionList whose
//     items carry the command ghostline.accept [id].
//   - workspace/executeCommand ghostline.accept [id]: the suggestion was accepted.
//   - ghostline/didPartialAccept {id, acceptedLength}: notification; the
//     length counts units of the negotiated position encoding (UTF-16 code
//     units unless the client chose UTF-8) of the item's insertText as sent.
//   - ghostline/didReject {id}: notification; the suggestion was dismissed.
//   - ghostline/explain: request; the last predictor decision (Explanation).
//   - ghostline/status: request; model, last latency, hidden count, indexing (Status).
//
// The completion pipeline is reached through the Core interface declared
// here; a Factory builds it at initialize, when the workspace root is known.
package lsp

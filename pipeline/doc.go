// Package pipeline runs one completion through its stages — gate 1 (skip
// generating?), retrieval and prompt assembly, the model, post-processing,
// gate 2 (show or hide?) — timing each, and turns the editor's feedback
// (shown, accepted, partially accepted, rejected, superseded) into telemetry
// events and predictor history.
//
// A model call outlives the request that started it (flight.go): the next
// request typed through it is answered from it. PromptQuery is the query a
// prompt is assembled from, in the model's layout and window.
//
// Every stage is an interface declared here, where it is consumed; a nil
// stage is skipped (no retrieval: in-file prompt only; no gate: show all; no
// recorder: no telemetry). The LSP server and `ghostline complete` both call
// Pipeline.Complete; neither knows which implementations are behind it.
package pipeline

package lsp

import (
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// unmarshalLarge decodes params of bigParams or more in one pass, with
// encoding/json's semantics (names matched without case, invalid UTF-8
// replaced): encoding/json scans a document of megabytes twice before it
// unquotes its text, holding up the read loop for seconds.
func unmarshalLarge(data []byte, v any) error {
	opts := jsonv1.DefaultOptionsV1()
	if p, ok := v.(*protocol.DidChangeTextDocumentParams); ok {
		// Its UnmarshalJSON decodes with encoding/json; this is the same
		// decoding: an event without a range replaces the whole text.
		var value struct {
			TextDocument   protocol.VersionedTextDocumentIdentifier  `json:"textDocument"`
			ContentChanges []protocol.TextDocumentContentChangeEvent `json:"contentChanges"`
		}
		if err := jsonv2.Unmarshal(data, &value, opts); err != nil {
			return err
		}
		p.TextDocument = value.TextDocument
		for _, c := range value.ContentChanges {
			if c.Range != nil {
				p.ContentChanges = append(p.ContentChanges, c)
			} else {
				p.ContentChanges = append(p.ContentChanges, protocol.TextDocumentContentChangeEventWhole{Text: c.Text})
			}
		}
		return nil
	}
	return jsonv2.Unmarshal(data, v, opts)
}

package lsp

import (
	"unicode/utf8"
	"unsafe"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// unmarshalLarge decodes params of bigParams or more in one pass, with
// encoding/json's semantics (names matched without case, invalid UTF-8
// replaced): encoding/json scans a document of megabytes twice before it
// unquotes its text, holding up the read loop for seconds. Document texts
// are unquoted as largeText.
func unmarshalLarge(data []byte, v any) error {
	opts := jsonv1.DefaultOptionsV1()
	switch p := v.(type) {
	case *protocol.DidOpenTextDocumentParams:
		var value struct {
			TextDocument struct {
				URI        string    `json:"uri"`
				LanguageID string    `json:"languageId"`
				Version    int32     `json:"version"`
				Text       largeText `json:"text"`
			} `json:"textDocument"`
		}
		if err := jsonv2.Unmarshal(data, &value, opts); err != nil {
			return err
		}
		d := value.TextDocument
		p.TextDocument = protocol.TextDocumentItem{URI: d.URI, LanguageID: d.LanguageID, Version: d.Version, Text: string(d.Text)}
		return nil
	case *protocol.DidChangeTextDocumentParams:
		// Its UnmarshalJSON decodes with encoding/json; this is the same
		// decoding: an event without a range replaces the whole text.
		var value struct {
			TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
			ContentChanges []struct {
				Range       *protocol.Range    `json:"range"`
				RangeLength *protocol.UInteger `json:"rangeLength"`
				Text        largeText          `json:"text"`
			} `json:"contentChanges"`
		}
		if err := jsonv2.Unmarshal(data, &value, opts); err != nil {
			return err
		}
		p.TextDocument = value.TextDocument
		for _, c := range value.ContentChanges {
			if c.Range != nil {
				p.ContentChanges = append(p.ContentChanges, protocol.TextDocumentContentChangeEvent{Range: c.Range, RangeLength: c.RangeLength, Text: string(c.Text)})
			} else {
				p.ContentChanges = append(p.ContentChanges, protocol.TextDocumentContentChangeEventWhole{Text: string(c.Text)})
			}
		}
		return nil
	}
	return jsonv2.Unmarshal(data, v, opts)
}

// largeText is a document's text in large params. The json package
// unquotes a string into a growing buffer, then copies that into a string:
// for a 50 MB text, two thirds of the decode time, mostly spent faulting in
// fresh memory twice. largeText unquotes once, into a buffer of the quoted
// length, and makes the string of it without a copy.
type largeText string

// UnmarshalJSON implements json.Unmarshaler. raw has been checked as JSON
// already, so the only error unquoting may find is invalid UTF-8, which is
// replaced, as encoding/json does.
func (t *largeText) UnmarshalJSON(raw []byte) error {
	if string(raw) == "null" {
		return nil // as encoding/json: null leaves a string as it was
	}
	buf, err := jsontext.AppendUnquote(make([]byte, 0, len(raw)), raw)
	if err != nil && utf8.Valid(raw) {
		return err // not a string
	}
	if len(buf) < cap(buf)/2 {
		// Mostly escapes (\uXXXX): a copy of the right size rather than
		// a string that keeps the rest of the buffer.
		*t = largeText(buf)
		return nil
	}
	// buf is written no more and nothing else refers to it.
	*t = largeText(unsafe.String(&buf[0], len(buf)))
	return nil
}

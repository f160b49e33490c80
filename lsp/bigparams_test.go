package lsp

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// unmarshalLarge decodes as encoding/json does, glsp's didChange decoding
// included.
func TestUnmarshalLargeAsEncodingJSON(t *testing.T) {
	text := strings.Repeat(`h\u00e9llo \"w\" \n`, 5000)
	tests := []struct {
		name   string
		params string
		new    func() any
	}{
		{"didOpen", `{"textDocument":{"uri":"file:///x.go","languageId":"go","version":3,"text":"` + text + `"}}`, func() any { return new(protocol.DidOpenTextDocumentParams) }},
		{"names without case", `{"TextDocument":{"URI":"file:///x.go","Version":3,"Text":"` + text + `"}}`, func() any { return new(protocol.DidOpenTextDocumentParams) }},
		{"invalid UTF-8", `{"textDocument":{"uri":"file:///x.go","text":"a` + "\xff" + text + `"}}`, func() any { return new(protocol.DidOpenTextDocumentParams) }},
		{"mostly escapes", `{"textDocument":{"uri":"file:///x.go","text":"` + strings.Repeat(`\u0001\t`, 20000) + `"}}`, func() any { return new(protocol.DidOpenTextDocumentParams) }},
		{"empty text", `{"textDocument":{"uri":"file:///x.go","text":"","languageId":"` + text + `"}}`, func() any { return new(protocol.DidOpenTextDocumentParams) }},
		{"null text", `{"textDocument":{"uri":"file:///x.go","text":null,"languageId":"` + text + `"}}`, func() any { return new(protocol.DidOpenTextDocumentParams) }},
		{"didChange invalid UTF-8", `{"textDocument":{"uri":"file:///x.go","version":4},"contentChanges":[{"text":"` + text + "\xc3(" + `"}]}`, func() any { return new(protocol.DidChangeTextDocumentParams) }},
		{"didChange", `{"textDocument":{"uri":"file:///x.go","version":4},"contentChanges":[{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":5}},"text":"` + text + `"},{"text":"` + text + `"}]}`, func() any { return new(protocol.DidChangeTextDocumentParams) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := tt.new(), tt.new()
			if err := json.Unmarshal([]byte(tt.params), want); err != nil {
				t.Fatal(err)
			}
			if err := unmarshalLarge([]byte(tt.params), got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decoded differently from encoding/json:\n%.300v\nwant\n%.300v", got, want)
			}
		})
	}
	for bad, v := range map[string]any{
		`{"textDocument":{"text":`:                       new(protocol.DidOpenTextDocumentParams),
		`{"textDocument":{"text":5}}`:                    new(protocol.DidOpenTextDocumentParams),
		`{"contentChanges":[{"text":["` + text + `"]}]}`: new(protocol.DidChangeTextDocumentParams),
	} {
		if err := unmarshalLarge([]byte(bad), v); err == nil {
			t.Errorf("%.40s…: decoded without error", bad)
		}
	}
}

// BenchmarkUnmarshalLarge decodes a 50 MB didOpen's params, as a document
// lane does.
func BenchmarkUnmarshalLarge(b *testing.B) {
	text := strings.Repeat("\tx := \"é\" // a line of a large generated file\n", (50<<20)/48)
	params, err := json.Marshal(protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: "file:///big.go", LanguageID: "go", Version: 1, Text: text}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(params)))
	for b.Loop() {
		var p protocol.DidOpenTextDocumentParams
		if err := unmarshalLarge(params, &p); err != nil || len(p.TextDocument.Text) != len(text) {
			b.Fatal(err, len(p.TextDocument.Text))
		}
	}
}

package lsp

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

func TestMapperOffset(t *testing.T) {
	// "𝄞" is U+1D11E: 4 UTF-8 bytes, a surrogate pair (2 UTF-16 units).
	const text = "aé𝄞b\nxy\r\nz\rlast"
	tests := []struct {
		name string
		p    protocol.Position
		enc  Encoding
		want int
	}{
		{"start", pos(0, 0), UTF16, 0},
		{"after ascii", pos(0, 1), UTF16, 1},
		{"after 2-byte rune", pos(0, 2), UTF16, 3},
		{"inside surrogate pair rounds down", pos(0, 3), UTF16, 3},
		{"after surrogate pair", pos(0, 4), UTF16, 7},
		{"line end", pos(0, 5), UTF16, 8},
		{"past line end clamps before newline", pos(0, 99), UTF16, 8},
		{"utf8 after é", pos(0, 3), UTF8, 3},
		{"utf8 inside é rounds down", pos(0, 2), UTF8, 1},
		{"utf8 inside 𝄞 rounds down", pos(0, 5), UTF8, 3},
		{"utf8 after 𝄞", pos(0, 7), UTF8, 7},
		{"crlf line", pos(1, 2), UTF16, 11},
		{"crlf past end stays before \\r", pos(1, 9), UTF16, 11},
		{"lone cr ends a line", pos(2, 1), UTF16, 14},
		{"after lone cr", pos(3, 0), UTF16, 15},
		{"last line end", pos(3, 4), UTF16, 19},
		{"line past the end clamps to the end", pos(9, 0), UTF16, 19},
	}
	m := NewMapper(text)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Offset(tt.p, tt.enc); got != tt.want {
				t.Errorf("Offset(%d:%d, %s) = %d, want %d", tt.p.Line, tt.p.Character, tt.enc, got, tt.want)
			}
		})
	}
}

func TestMapperPosition(t *testing.T) {
	const text = "aé𝄞b\nxy\r\nz"
	tests := []struct {
		off  int
		enc  Encoding
		want protocol.Position
	}{
		{0, UTF16, pos(0, 0)},
		{3, UTF16, pos(0, 2)},
		{7, UTF16, pos(0, 4)},
		{7, UTF8, pos(0, 7)},
		{5, UTF16, pos(0, 2)}, // inside 𝄞: its start
		{5, UTF8, pos(0, 3)},
		{8, UTF16, pos(0, 5)},
		{9, UTF16, pos(1, 0)},
		{11, UTF16, pos(1, 2)},
		{12, UTF16, pos(1, 2)}, // between \r and \n: the line end
		{13, UTF16, pos(2, 0)},
		{99, UTF16, pos(2, 1)}, // clamped
		{-5, UTF16, pos(0, 0)},
	}
	m := NewMapper(text)
	for _, tt := range tests {
		if got := m.Position(tt.off, tt.enc); got != tt.want {
			t.Errorf("Position(%d, %s) = %d:%d, want %d:%d", tt.off, tt.enc, got.Line, got.Character, tt.want.Line, tt.want.Character)
		}
	}
}

// Every rune boundary survives offset → position → offset in both encodings.
func TestMapperRoundTrip(t *testing.T) {
	text := "package x\n\nfunc 𝄞() { s := \"héllo\" }\r\n\xff invalid\n"
	m := NewMapper(text)
	for _, enc := range []Encoding{UTF16, UTF8} {
		for off := range text { // rune starts
			if text[off] == '\n' || text[off] == '\r' {
				continue
			}
			p := m.Position(off, enc)
			if got := m.Offset(p, enc); got != off {
				t.Errorf("%s: offset %d → %d:%d → %d", enc, off, p.Line, p.Character, got)
			}
		}
	}
}

func TestStoreChange(t *testing.T) {
	s := newStore()
	s.open(protocol.TextDocumentItem{URI: "file:///x.go", LanguageID: "go", Version: 1, Text: "héllo\nworld\n"})
	edit := func(sl, sc, el, ec uint32, text string) protocol.TextDocumentContentChangeEvent {
		return protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{Start: pos(sl, sc), End: pos(el, ec)}, Text: text}
	}
	d, chars, err := s.change(&protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: "file:///x.go"}, Version: 2},
		ContentChanges: []any{
			edit(0, 1, 0, 2, "e"),     // é → e: 2 chars
			edit(1, 5, 1, 5, "!"),     // insert: 1
			edit(0, 5, 1, 0, " "),     // join lines: deletes "\n", inserts " "
			edit(7, 0, 9, 9, "<eof>"), // past the end: clamped, appended
		},
	}, UTF16)
	if err != nil {
		t.Fatal(err)
	}
	if want := "hello world!\n<eof>"; d.text != want {
		t.Errorf("text = %q, want %q", d.text, want)
	}
	if chars != 2+1+2+5 {
		t.Errorf("chars = %d, want 10", chars)
	}
	if d.version != 2 || s.get("file:///x.go") != d {
		t.Errorf("store not updated: version %d", d.version)
	}
	if _, _, err := s.change(&protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: "file:///nope"}}}, UTF16); err == nil {
		t.Error("change of a document never opened: want an error")
	}
}

func TestURIPath(t *testing.T) {
	for uri, want := range map[string]string{
		"file:///home/u/a%20b.go": filepath.FromSlash("/home/u/a b.go"),
		"untitled:Untitled-1":     "untitled:Untitled-1",
	} {
		if got := uriPath(uri); got != want {
			t.Errorf("uriPath(%q) = %q, want %q", uri, got, want)
		}
	}
}

// replace keeps the line index equal to a fresh scan, for random edits.
func TestMapperReplace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"", "a", "\n", "é\n", "x\ny\n", "\n\n", "𝄞", "\r\n", "\r"}
	for trial := range 2000 {
		text := ""
		for range rng.IntN(8) {
			text += pieces[rng.IntN(len(pieces))]
		}
		m := NewMapper(text)
		start := rng.IntN(len(text) + 1)
		end := start + rng.IntN(len(text)-start+1)
		repl := pieces[rng.IntN(len(pieces))]
		got := m.replace(start, end, repl)
		want := NewMapper(text[:start] + repl + text[end:])
		if got.text != want.text || !slices.Equal(got.lines, want.lines) || got.cr != want.cr {
			t.Fatalf("trial %d: replace(%q, %d, %d, %q): lines %v, want %v", trial, text, start, end, repl, got.lines, want.lines)
		}
	}
}

package lsp

import (
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

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
	s.open(protocol.TextDocumentItem{URI: "file:///x.go", LanguageID: "go", Version: 1, Text: "héllo\nworld\n"}, 0)
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
	}, UTF16, 0)
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
	if _, _, err := s.change(&protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: "file:///nope"}}}, UTF16, 0); err == nil {
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
		start := rng.IntN(len(text) + 1)
		end := start + rng.IntN(len(text)-start+1)
		repl := pieces[rng.IntN(len(pieces))]
		got := NewMapper(text).replace(start, end, repl)
		want := NewMapper(text[:start] + repl + text[end:])
		if got.text != want.text || !slices.Equal(got.lines, want.lines) || got.cr != want.cr {
			t.Fatalf("trial %d: replace(%q, %d, %d, %q): lines %v, want %v", trial, text, start, end, repl, got.lines, want.lines)
		}
		if got := newTextOnly(text).replace(start, end, repl); got.text != want.text || got.lines != nil || got.cr != want.cr {
			t.Fatalf("trial %d: text only: replace(%q, %d, %d, %q) = %q, index %v", trial, text, start, end, repl, got.text, got.lines)
		}
	}
}

// A document over the store's limit keeps no line index; its edits apply
// as to any other, and it is indexed again once an edit brings it within
// the limit.
func TestStoreTextOnlyOverLimit(t *testing.T) {
	const limit = 12
	s := newStore()
	d := s.open(protocol.TextDocumentItem{URI: "file:///x.go", Text: "héllo\nworld\n"}, limit)
	if d.lines != nil {
		t.Fatalf("a document of %d bytes over a limit of %d has a line index", len(d.text), limit)
	}
	change := func(version int32, c protocol.TextDocumentContentChangeEvent) *document {
		t.Helper()
		d, _, err := s.change(&protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: "file:///x.go"}, Version: version},
			ContentChanges: []any{c},
		}, UTF16, limit)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d = change(2, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{Start: pos(1, 0), End: pos(1, 5)}, Text: "there!"})
	if d.text != "héllo\nthere!\n" || d.lines != nil {
		t.Errorf("edit over the limit: %q, index %v", d.text, d.lines)
	}
	d = change(3, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{Start: pos(0, 1), End: pos(1, 6)}, Text: ""})
	if d.text != "h\n" || !slices.Equal(d.lines, []int{0, 2}) {
		t.Errorf("edit within the limit: %q, index %v", d.text, d.lines)
	}
}

// refOffset is Offset written the slow, obvious way, as the fuzz reference:
// split into lines with a regexp, encode each character on its own with
// unicode/utf16, count.
func refOffset(text string, line, char int, enc Encoding) int {
	ends := lineEnd.FindAllStringIndex(text, -1)
	if line > len(ends) {
		return len(text)
	}
	start, end := 0, len(text)
	if line > 0 {
		start = ends[line-1][1]
	}
	if line < len(ends) {
		end = ends[line][0]
	}
	units, off := 0, start
	for off < end {
		r, size := utf8.DecodeRuneInString(text[off:end])
		w := size // UTF-8: bytes, an invalid byte counting as one
		if enc == UTF16 {
			w = len(utf16.Encode([]rune{r})) // an invalid byte is U+FFFD: one unit
		}
		if units+w > char {
			break
		}
		units += w
		off += size
	}
	return off
}

var lineEnd = regexp.MustCompile(`\r\n|\r|\n`)

// FuzzMapper checks Offset against refOffset, and that Position inverts it,
// on any text (CRLF, lone CR, surrogate pairs, invalid UTF-8).
func FuzzMapper(f *testing.F) {
	f.Add("aé𝄞b\nxy\r\nz\rlast", uint32(0), uint32(3))
	f.Add("\r\n\r\r\n\n", uint32(2), uint32(0))
	f.Add("x\xff\xfe𝄞\r\n", uint32(0), uint32(2))
	f.Add("😀😀\n", uint32(0), uint32(3))
	f.Fuzz(func(t *testing.T, text string, line, char uint32) {
		line, char = line%uint32(NewMapper(text).Lines()+2), char%64
		for _, m := range []*Mapper{NewMapper(text), newTextOnly(text)} {
			checkMapper(t, m, text, line, char)
		}
	})
}

// checkMapper checks m's conversions at line:char against the reference.
func checkMapper(t *testing.T, m *Mapper, text string, line, char uint32) {
	t.Helper()
	for _, enc := range []Encoding{UTF16, UTF8} {
		off := m.Offset(pos(line, char), enc)
		if want := refOffset(text, int(line), int(char), enc); off != want {
			t.Fatalf("Offset(%q, %d:%d, %s) = %d, want %d", text, line, char, enc, off, want)
		}
		if int(line) >= m.Lines() {
			continue
		}
		p := m.Position(off, enc)
		if back := m.Offset(p, enc); back != off || p.Line != line || p.Character > char {
			t.Fatalf("%s: %d:%d → offset %d → %d:%d → %d", enc, line, char, off, p.Line, p.Character, back)
		}
	}
}

// BenchmarkEditOverLimit: one keystroke's edit in a document just over the
// default completion.maxFileBytes (10 MiB), with the line index kept and
// copied at each edit, and text only, indexed afresh for each edit.
func BenchmarkEditOverLimit(b *testing.B) {
	text := strings.Repeat("\tx := \"é\" // a line of a large generated file\n", (11<<20)/48)
	for _, tt := range []struct {
		name string
		m    *Mapper
	}{{"indexed", NewMapper(text)}, {"text-only", newTextOnly(text)}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				lines := tt.m.starts()
				off := tt.m.offset(lines, protocol.Position{Line: uint32(len(lines) / 2), Character: 3}, UTF16)
				_ = tt.m.replace(off, off, "y")
			}
		})
	}
}

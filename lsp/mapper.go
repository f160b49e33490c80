package lsp

import (
	"sort"
	"strings"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Encoding is the unit of Position.Character agreed in initialize.
type Encoding string

const (
	// UTF16 counts UTF-16 code units: the LSP default, what VS Code uses.
	UTF16 Encoding = "utf-16"
	// UTF8 counts bytes: chosen when the client offers it (Neovim does).
	UTF8 Encoding = "utf-8"
)

// Mapper converts between byte offsets in a text and LSP positions. It keeps
// the byte offset of every line start, so a conversion costs a binary search
// plus a walk along one line, whatever the size of the document. A Mapper is
// immutable and safe for concurrent use.
type Mapper struct {
	text string
	// lines[i] is the byte offset where line i starts; lines[0] == 0. Nil
	// when the text is not indexed (newTextOnly).
	lines []int
	cr    bool // text has a "\r"
}

// NewMapper indexes the line starts of text. Lines end at "\n", "\r\n" or a
// lone "\r", as the LSP specification says.
func NewMapper(text string) *Mapper {
	return &Mapper{text: text, lines: lineStarts(text), cr: strings.IndexByte(text, '\r') >= 0}
}

// newTextOnly returns a mapper that keeps no line index, for a document too
// large to complete: its positions are converted only to apply its edits,
// and each conversion indexes the text afresh rather than the document
// holding an index (and copying it at every edit).
func newTextOnly(text string) *Mapper {
	return &Mapper{text: text, cr: strings.IndexByte(text, '\r') >= 0}
}

// starts returns the line index.
func (m *Mapper) starts() []int {
	if m.lines == nil {
		return lineStarts(m.text)
	}
	return m.lines
}

func lineStarts(text string) []int {
	lines := make([]int, 1, strings.Count(text, "\n")+1)
	if strings.IndexByte(text, '\r') < 0 {
		// The common case, searched with the vectorised IndexByte.
		for i := 0; ; {
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return lines
			}
			i += j + 1
			lines = append(lines, i)
		}
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			lines = append(lines, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			lines = append(lines, i+1)
		}
	}
	return lines
}

// replace returns the mapper of the text with text[start:end] replaced by
// repl. Line starts before the edit are kept and those after it shifted,
// rather than the whole text rescanned: an edit costs a copy of the line
// index, not a scan of the document. Texts with "\r" are rescanned, since a
// "\r\n" may be split or joined at the edit's ends.
func (m *Mapper) replace(start, end int, repl string) *Mapper {
	text := m.text[:start] + repl + m.text[end:]
	if m.lines == nil {
		return newTextOnly(text)
	}
	if m.cr || strings.IndexByte(repl, '\r') >= 0 {
		return NewMapper(text)
	}
	// Line starts up to start stay: the newline before each is untouched.
	keep := sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > start })
	lines := make([]int, 0, len(m.lines)+strings.Count(repl, "\n"))
	lines = append(lines, m.lines[:keep]...)
	for i := 0; ; {
		j := strings.IndexByte(repl[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, start+i)
	}
	// Line starts after end move; those in (start, end] lost their newline.
	delta := len(repl) - (end - start)
	for _, l := range m.lines[keep:] {
		if l > end {
			lines = append(lines, l+delta)
		}
	}
	return &Mapper{text: text, lines: lines}
}

// Text is the mapped text.
func (m *Mapper) Text() string { return m.text }

// Lines is the number of lines (one more than the number of line ends).
func (m *Mapper) Lines() int { return len(m.starts()) }

// line returns the byte range of line i of lines, m's line index, without
// its terminator.
func (m *Mapper) line(lines []int, i int) (start, end int) {
	start, end = lines[i], len(m.text)
	if i+1 < len(lines) {
		end = lines[i+1]
		if end > start && m.text[end-1] == '\n' {
			end--
		}
		if end > start && m.text[end-1] == '\r' {
			end--
		}
	}
	return start, end
}

// Offset returns the byte offset of p. Positions that do not exist are
// clamped rather than refused, since editors race with their own edits: a
// line past the last maps to the end of the text, a character past the end
// of its line to the line end (before the terminator), and a character inside
// a multi-unit character (half a surrogate pair, a byte inside a UTF-8
// sequence) to that character's start.
func (m *Mapper) Offset(p protocol.Position, enc Encoding) int {
	return m.offset(m.starts(), p, enc)
}

// offset is Offset with m's line index.
func (m *Mapper) offset(lines []int, p protocol.Position, enc Encoding) int {
	if int(p.Line) >= len(lines) {
		return len(m.text)
	}
	start, end := m.line(lines, int(p.Line))
	return start + unitsToBytes(m.text[start:end], int(p.Character), enc)
}

// Position returns the position of byte offset off, clamped to the text. An
// offset inside a character (a UTF-8 sequence) counts from that character's
// start.
func (m *Mapper) Position(off int, enc Encoding) protocol.Position {
	off = min(max(off, 0), len(m.text))
	lines := m.starts()
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	start, end := m.line(lines, i)
	off = min(off, end) // inside "\r\n": the end of the line
	return protocol.Position{Line: uint32(i), Character: uint32(unitsBefore(m.text[start:end], off-start, enc))}
}

// unitWidth is the number of units of enc of rune r, read from size bytes.
// An invalid byte (r is utf8.RuneError, size 1) is one unit either way: it
// reaches the editor as U+FFFD.
func unitWidth(r rune, size int, enc Encoding) int {
	switch {
	case enc == UTF8:
		return size
	case r >= 0x10000:
		return 2 // a surrogate pair
	}
	return 1
}

// unitsToBytes returns the byte length of the longest prefix of line that
// has at most n units of enc, never splitting a character.
func unitsToBytes(line string, n int, enc Encoding) int {
	if n >= len(line) {
		return len(line) // a character never has more units than bytes
	}
	units := 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		w := unitWidth(r, size, enc)
		if units+w > n {
			return i
		}
		units += w
		i += size
	}
	return len(line)
}

// unitsBefore counts the units of enc in s[:n]; a character that n cuts
// does not count.
func unitsBefore(s string, n int, enc Encoding) int {
	units := 0
	for i := 0; i < n; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if i+size > n {
			break
		}
		units += unitWidth(r, size, enc)
		i += size
	}
	return units
}

// UnitLen is the length of s in units of enc.
func UnitLen(s string, enc Encoding) int { return unitsBefore(s, len(s), enc) }

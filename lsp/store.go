package lsp

import (
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// document is one open document at one version. It is immutable: an edit
// makes a new one, so a request keeps the version it arrived with.
type document struct {
	*Mapper
	uri      string
	path     string // file system path; the URI itself for non-file URIs
	language string
	version  int32
}

// store holds the open documents. Safe for concurrent use.
type store struct {
	mu   sync.Mutex
	docs map[string]*document
}

func newStore() *store { return &store{docs: map[string]*document{}} }

func (s *store) get(uri string) *document {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[uri]
}

// newMapper maps text, indexing it only if it is within limit bytes (0:
// no limit): a larger document is kept as text only.
func newMapper(text string, limit int) *Mapper {
	if limit > 0 && len(text) > limit {
		return newTextOnly(text)
	}
	return NewMapper(text)
}

// open keeps item's document, as text only if it is over limit bytes.
func (s *store) open(item protocol.TextDocumentItem, limit int) *document {
	d := &document{Mapper: newMapper(item.Text, limit), uri: item.URI, path: uriPath(item.URI), language: item.LanguageID, version: item.Version}
	s.mu.Lock()
	s.docs[item.URI] = d
	s.mu.Unlock()
	return d
}

func (s *store) close(uri string) {
	s.mu.Lock()
	delete(s.docs, uri)
	s.mu.Unlock()
}

// change applies p's changes in order and returns the new document and the
// number of characters inserted plus deleted. The result is text only if it
// is over limit bytes.
func (s *store) change(p *protocol.DidChangeTextDocumentParams, enc Encoding, limit int) (*document, int, error) {
	old := s.get(p.TextDocument.URI)
	if old == nil {
		return nil, 0, fmt.Errorf("didChange for %s, which is not open", p.TextDocument.URI)
	}
	m, chars := old.Mapper, 0
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEventWhole:
			chars += abs(utf8.RuneCountInString(c.Text) - utf8.RuneCountInString(m.text))
			m = newMapper(c.Text, limit)
		case protocol.TextDocumentContentChangeEvent:
			lines := m.starts() // once, for a text-only document
			start, end := m.offset(lines, c.Range.Start, enc), m.offset(lines, c.Range.End, enc)
			if end < start {
				start, end = end, start
			}
			chars += utf8.RuneCountInString(c.Text) + utf8.RuneCountInString(m.text[start:end])
			m = m.replace(start, end, c.Text)
		}
	}
	if textOnly := m.lines == nil; textOnly != (limit > 0 && len(m.text) > limit) {
		m = newMapper(m.text, limit) // crossed the limit
	}
	d := &document{Mapper: m, uri: old.uri, path: old.path, language: old.language, version: p.TextDocument.Version}
	s.mu.Lock()
	if s.docs[d.uri] == old { // not closed meanwhile
		s.docs[d.uri] = d
	}
	s.mu.Unlock()
	return d, chars, nil
}

// uriPath returns the file system path of a file: URI, or the URI itself
// for any other (untitled:, vscode-notebook-cell:), so that it still names
// the document uniquely.
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return uri
	}
	return filepath.FromSlash(u.Path)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

package retrieval

import (
	"encoding/binary"
	"errors"
	"hash/crc64"
	"log/slog"
	"strings"

	"github.com/ghostline/ghostline/retrieval/skeleton"
)

// Chunk kinds, as stored in the index's kind field.
const (
	kindSnippet = "snippet" // a window of lines
	kindFile    = "file"    // the per-file manifest record, never retrieved
	kindDecl    = "decl"    // one declaration
)

// chunk is one retrievable piece of a file.
type chunk struct {
	kind       string
	start, end int // 1-based, inclusive line range (snippets)
	text       string
	decl       *skeleton.Decl // kindDecl only
}

var crcTable = crc64.MakeTable(crc64.ECMA)

// sum identifies everything of c that the index stores or searches (its
// line range included, so that a window that moved is rewritten).
func (c chunk) sum() uint64 {
	var lines [16]byte
	binary.LittleEndian.PutUint64(lines[:8], uint64(c.start))
	binary.LittleEndian.PutUint64(lines[8:], uint64(c.end))
	h := crc64.Update(0, crcTable, lines[:])
	h = crc64.Update(h, crcTable, []byte(c.text))
	if c.decl != nil {
		h = crc64.Update(h, crcTable, []byte(c.decl.String()))
	}
	return h
}

// extracted is a file's text and skeleton, kept for files being edited so
// that the next edit can re-use its declarations (skeleton.Reuse).
type extracted struct {
	src []byte
	res skeleton.Result
}

// chunkFile splits src into its declarations (when its language has an
// extractor) and windows of window lines every stride lines. The last
// window ends at the last line, so every line is in some window. prev,
// when not nil, is an earlier version of the file whose declarations are
// re-used if the edit allows; ex is src's, nil when it has none.
func chunkFile(path, lang string, src []byte, window, stride int, prev *extracted) (snippets, decls []chunk, ex *extracted) {
	if skeleton.Supported(lang) {
		r, ok := skeleton.Result{}, false
		if prev != nil {
			r, ok = skeleton.Reuse(lang, prev.res, prev.src, src)
		}
		var err error
		if !ok {
			r, err = skeleton.Extract(lang, src)
		}
		if err != nil && !errors.Is(err, skeleton.ErrUnsupported) {
			slog.Debug("no declarations", "path", path, "err", err)
		}
		if len(r.Decls) > 0 {
			ex = &extracted{src: src, res: r}
		}
		for i := range r.Decls {
			decls = append(decls, chunk{kind: kindDecl, text: r.Decls[i].Text, decl: &r.Decls[i]})
		}
	}
	return windows(string(src), window, stride), decls, ex
}

// windows cuts text into windows of window lines every stride lines,
// dropping windows with nothing but blank lines.
func windows(text string, window, stride int) []chunk {
	window, stride = max(window, 1), max(stride, 1)
	starts := lineStarts(text)
	n := len(starts)
	if n > 0 && starts[n-1] == len(text) { // text ends with a newline
		n--
	}
	var out []chunk
	for first := 0; first < n; first += stride {
		last := min(first+window, n) // exclusive
		if last == n && first > 0 && last-first < window {
			// The tail: slide the window back so it is full size.
			first = max(n-window, 0)
		}
		end := len(text)
		if last < len(starts) {
			end = starts[last]
		}
		body := text[starts[first]:end]
		if strings.TrimSpace(body) != "" {
			out = append(out, chunk{kind: kindSnippet, start: first + 1, end: last, text: body})
		}
		if last == n {
			break
		}
	}
	return out
}

// lineStarts returns the byte offset of every line start in text (always
// at least one: 0).
func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

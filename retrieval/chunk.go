package retrieval

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/ghostline/ghostline/retrieval/skeleton"
)

// Chunk kinds, as stored in the index's kind field.
const (
	kindAbstract = "abstract" // a file's skeleton
	kindSnippet  = "snippet"  // a window of lines
	kindFile     = "file"     // the per-file manifest record, never retrieved
)

// chunk is one retrievable piece of a file.
type chunk struct {
	kind       string
	start, end int // 1-based, inclusive line range (snippets)
	text       string
	symbols    []string
}

// chunkFile splits src into its skeleton (when its language has an
// extractor) and windows of window lines every stride lines. The last
// window ends at the last line, so every line is in some window.
func chunkFile(path, lang string, src []byte, window, stride int) (skel *chunk, snippets []chunk) {
	if skeleton.Supported(lang) {
		r, err := skeleton.Extract(lang, src)
		switch {
		case err != nil && !errors.Is(err, skeleton.ErrUnsupported):
			slog.Debug("no skeleton", "path", path, "err", err)
		case strings.TrimSpace(r.Text) != "":
			skel = &chunk{kind: kindAbstract, start: 1, end: 1, text: r.Text, symbols: r.Symbols}
		}
	}
	return skel, windows(string(src), window, stride)
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

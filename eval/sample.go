package eval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/retrieval"
)

// Sample is one cursor with the rest of its line hidden.
type Sample struct {
	File retrieval.File
	// Text is the file with the rest of the cursor's line removed; Offset
	// is the cursor in it.
	Text   string
	Offset int
	// Want is the hidden rest of the line, without trailing whitespace.
	Want string
	// LineStart: the cursor is at the line's first non-blank character.
	LineStart bool
}

// ListFiles returns the files under root that retrieval.Walk yields.
func ListFiles(ctx context.Context, root string) ([]retrieval.File, error) {
	var files []retrieval.File
	err := retrieval.Walk(ctx, root, func(f retrieval.File) error {
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no source files under %s", root)
	}
	return files, nil
}

// Draw picks n cursors deterministically from seed: a file uniformly, then
// a line of code uniformly (blank lines and lines that start a comment are
// skipped: the task is code). Every other cursor is at the line's first
// non-blank character, the others at a random character inside the line
// with something left to type.
func Draw(files []retrieval.File, n int, seed uint64) ([]Sample, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	out := drawCursors(files, n, rng, func(line string, k int) (int, bool, bool) {
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if k%2 == 0 {
			return indent, true, true
		}
		code := strings.TrimRight(line[indent:], " \t")
		if len(code) < 2 {
			return 0, false, false
		}
		col := indent + 1 + rng.IntN(len(code)-1)
		for col > indent && !utf8.RuneStart(line[col]) {
			col--
		}
		return col, false, col != indent
	})
	if len(out) < n {
		return nil, fmt.Errorf("only %d usable cursors found for %d samples", len(out), n)
	}
	return out, nil
}

// drawCursors is the sampling loop both tasks share: up to n distinct
// cursors, each on a line from pickLine at the column col chooses (ok
// false: another line), with the rest of the line hidden. k is the number
// of cursors drawn so far.
func drawCursors(files []retrieval.File, n int, rng *rand.Rand, col func(line string, k int) (c int, lineStart, ok bool)) []Sample {
	texts := map[string]string{}
	seen := map[[2]int]bool{}
	var out []Sample
	for tries := 0; len(out) < n && tries < n*50; tries++ {
		fi, text, start, line, ok := pickLine(files, texts, rng)
		if !ok {
			continue
		}
		c, lineStart, ok := col(line, len(out))
		if !ok || seen[[2]int{fi, start + c}] {
			continue
		}
		seen[[2]int{fi, start + c}] = true
		out = append(out, Sample{
			File:      files[fi],
			Text:      text[:start+c] + text[start+len(line):],
			Offset:    start + c,
			Want:      strings.TrimRight(line[c:], " \t"),
			LineStart: lineStart,
		})
	}
	return out
}

// EditSimilarity is 1 - Levenshtein(a, b) / max(len(a), len(b)), in runes;
// two empty strings are identical.
func EditSimilarity(a, b string) float64 {
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if la == 0 && lb == 0 {
		return 1
	}
	return 1 - float64(levenshtein.ComputeDistance(a, b))/float64(max(la, lb))
}

// pickLine picks a file and a line of it uniformly: the file's index, its
// text (read once into texts), the line's start and the line without its
// newline; ok is false for a file that does not read as UTF-8 text and for
// a blank or comment line (the task is code).
func pickLine(files []retrieval.File, texts map[string]string, rng *rand.Rand) (fi int, text string, start int, line string, ok bool) {
	fi = rng.IntN(len(files))
	f := files[fi]
	text, seen := texts[f.Abs]
	if !seen {
		if b, err := os.ReadFile(f.Abs); err == nil && utf8.Valid(b) {
			text = string(b)
		}
		texts[f.Abs] = text
	}
	if text == "" {
		return fi, "", 0, "", false
	}
	lines := strings.SplitAfter(text, "\n")
	li := rng.IntN(len(lines))
	for _, l := range lines[:li] {
		start += len(l)
	}
	line = strings.TrimRight(lines[li], "\r\n")
	if code := strings.TrimSpace(line); code == "" || lang.Get(f.Language).IsCommentLine(code) {
		return fi, "", 0, "", false
	}
	return fi, text, start, line, true
}

// memberAccess matches `x.member` (and `x().member`): the cursor goes
// after the dot.
var memberAccess = regexp.MustCompile(`[A-Za-z_$][\w$]*(?:\(\))?\.[A-Za-z_$]`)

// DrawMembers picks up to n cursors right after `x.` deterministically
// from seed, each with the rest of its line hidden: the member completion
// task. Comment lines are skipped.
func DrawMembers(files []retrieval.File, n int, seed uint64) []Sample {
	rng := rand.New(rand.NewPCG(seed, seed^0x3c6ef372fe94f82b))
	return drawCursors(files, n, rng, func(line string, _ int) (int, bool, bool) {
		ms := memberAccess.FindAllStringIndex(line, -1)
		if len(ms) == 0 {
			return 0, false, false
		}
		return ms[rng.IntN(len(ms))][1] - 1, false, true // after the dot
	})
}

package retrieval

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/internal/golden"
	"golang.org/x/tools/txtar"
)

// Each testdata/compose/*.txtar is one Compose case. Its comment describes
// it; lines "path: P", "language: L", "budget: N" and "share: F" set the
// query. The files "prefix" and "suffix" are the current file around the
// cursor; "decl PATH" and "snippet PATH:START-END" are the candidates,
// best first ("target PATH" a declaration the cursor names); "want
// prompt" is the prompt's prefix, "<FILL>" and its
// suffix, and "want parts" one line per part.
func TestComposeGolden(t *testing.T) {
	golden.Run(t, "testdata/compose/*.txtar", func(t *testing.T, ar *txtar.Archive) map[string]string {
		q, share, cands, err := composeCase(ar)
		if err != nil {
			t.Fatal(err)
		}
		p := Compose(q, cands, share)
		if p.Tokens > q.Budget {
			t.Errorf("%d tokens over the budget of %d", p.Tokens, q.Budget)
		}
		return map[string]string{
			"want prompt": p.Prefix + "<FILL>" + p.Suffix,
			"want parts":  partLines(p.Parts),
		}
	})
}

// composeCase reads a case's query and candidates.
func composeCase(ar *txtar.Archive) (Query, float64, []Part, error) {
	q := Query{Path: "a.go", Language: "go", Budget: 256}
	var share float64
	for _, l := range strings.Split(string(ar.Comment), "\n") {
		k, v, ok := strings.Cut(l, ": ")
		if !ok {
			continue
		}
		var err error
		switch k {
		case "path":
			q.Path = v
		case "language":
			q.Language = v
		case "budget":
			q.Budget, err = strconv.Atoi(v)
		case "share":
			share, err = strconv.ParseFloat(v, 64)
		}
		if err != nil {
			return q, 0, nil, fmt.Errorf("%s: %w", l, err)
		}
	}
	prefix, ok1 := golden.Section(ar, "prefix")
	suffix, ok2 := golden.Section(ar, "suffix")
	if !ok1 || !ok2 {
		return q, 0, nil, fmt.Errorf("a case needs the files prefix and suffix")
	}
	q.Text, q.Offset = prefix+suffix, len(prefix)
	var cands []Part
	for _, f := range ar.Files {
		kind, ref, _ := strings.Cut(f.Name, " ")
		text := strings.TrimSuffix(string(f.Data), "\n")
		switch kind {
		case "decl", "target":
			cands = append(cands, Part{Kind: PartDecl, Path: ref, Text: text, Target: kind == "target"})
		case "snippet":
			p, lines, _ := strings.Cut(ref, ":")
			from, to, _ := strings.Cut(lines, "-")
			start, err1 := strconv.Atoi(from)
			end, err2 := strconv.Atoi(to)
			if err1 != nil || err2 != nil {
				return q, 0, nil, fmt.Errorf("snippet %q: want PATH:START-END", ref)
			}
			cands = append(cands, Part{Kind: PartSnippet, Path: p, StartLine: start, EndLine: end, Text: text})
		}
	}
	// Best first: scores fall with the order.
	for i := range cands {
		cands[i].Score = float64(len(cands) - i)
	}
	return q, share, cands, nil
}

func partLines(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&b, "%s %s", p.Kind, p.Path)
		if p.Kind == PartSnippet {
			fmt.Fprintf(&b, ":%d-%d", p.StartLine, p.EndLine)
		}
		fmt.Fprintf(&b, " %d tokens\n", p.Tokens)
	}
	return b.String()
}

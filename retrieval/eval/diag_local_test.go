package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/retrieval"
)

// TestDiag (local only) dumps per-cursor misses of code-cross identifiers.
func TestDiag(t *testing.T) {
	repo := os.Getenv("DIAG_REPO")
	if repo == "" {
		t.Skip()
	}
	n, _ := strconv.Atoi(os.Getenv("DIAG_N"))
	seed, _ := strconv.ParseUint(os.Getenv("DIAG_SEED"), 10, 64)
	ctx := context.Background()
	s := config.Defaults()
	c := s.Retrieval
	c.WindowLines, c.StrideLines = 30, 15
	c.IndexDir = os.Getenv("DIAG_IDX")
	var files []*file
	retrieval.Walk(ctx, repo, func(f retrieval.File) error {
		if evalLanguages[f.Language] {
			files = append(files, &file{rel: f.Path, abs: f.Abs, lang: f.Language})
		}
		return nil
	})
	budget := c.ContextTokens
	samples, err := draw(files, n, seed, budget, model.LayoutFor(s.Model).SuffixTokens)
	if err != nil {
		t.Fatal(err)
	}
	x, err := retrieval.Open(ctx, repo, c, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.Wait(ctx)
	out, _ := os.Create(filepath.Join("/tmp/recall-diag", filepath.Base(repo)+"-"+os.Getenv("DIAG_SEED")+"-"+os.Getenv("DIAG_TAG")+".txt"))
	defer out.Close()
	var tot, snipHit, bothHit, declared, missDeclared, gainDecl, lossDecl int
	memberOf := regexp.MustCompile(`([\w$]+(?:\(\))?)\.$`)
	cats := map[string]int{}
	for _, sm := range samples {
		ps, _ := x.AssembleFrom(ctx, sm.q, retrieval.Sources{NoDecls: true})
		pb, _ := x.AssembleFrom(ctx, sm.q, retrieval.Sources{})
		hs := set(retrieval.Identifiers(sm.q.Language, ps.Prefix+ps.Suffix))
		hb := set(retrieval.Identifiers(sm.q.Language, pb.Prefix+pb.Suffix))
		f := sm.file
		lineStart := strings.LastIndexByte(f.text[:sm.q.Offset], '\n') + 1
		lineEnd := lineStart + strings.IndexByte(f.text[lineStart:], '\n')
		line := f.text[lineStart:lineEnd]
		col := sm.q.Offset - lineStart
		for _, id := range sm.code {
			tot++
			if hs[id] {
				snipHit++
			}
			if hb[id] {
				bothHit++
			}
			if hs[id] && !hb[id] {
				lossDecl++
			}
			if !hs[id] && hb[id] {
				gainDecl++
			}
			if hs[id] {
				continue
			}
			d, _ := x.Declares(ctx, id)
			if d {
				declared++
			}
			if !d || hb[id] {
				continue
			}
			missDeclared++
			// classify
			i := strings.Index(line[col:], id)
			cat := "bare"
			if i >= 0 {
				pre := line[:col+i]
				if m := memberOf.FindStringSubmatch(pre); m != nil {
					switch {
					case m[1] == "self" || m[1] == "this":
						cat = "self."
					case strings.Contains(strings.Join(retrieval.Identifiers(f.lang, line[col:col+i]), " "), m[1]) || (col+i-len(m[0])+1 >= col):
						cat = "member-of-hidden"
					default:
						cat = "member-of-visible"
					}
				} else if strings.HasPrefix(line[col+i+len(id):], "(") {
					cat = "call"
				}
			} else {
				cat = "atcursor"
			}
			cats[cat]++
			fmt.Fprintf(out, "%s:%d col %d [%s] %s\n  | %s\n", f.rel, strings.Count(f.text[:lineStart], "\n")+1, col, cat, id, strings.TrimSpace(line))
		}
	}
	fmt.Fprintf(out, "\ncode ids %d; snippets have %d, both %d (gain %d loss %d); snippet misses declared %d; missed by both and declared %d\n", tot, snipHit, bothHit, gainDecl, lossDecl, declared, missDeclared)
	fmt.Fprintln(out, cats)
}

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ghostline/ghostline/engine"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/retrieval"
)

func init() {
	register(command{
		name:    "context",
		summary: "print the prompt assembled at FILE:LINE:COL (1-based, columns in characters), part by part, and the string the model is sent",
		run:     runContext,
	})
}

func runContext(ctx context.Context, args []string) error {
	fs := newFlags("context", "FILE:LINE:COL")
	budget := fs.Int("budget", 0, "token budget (default: retrieval.contextTokens)")
	rootFlag := fs.String("root", "", "repository root (default: the nearest directory above FILE holding .git)")
	sf := addSettingsFlags(fs, `{"retrieval":{"contextTokens":4096}}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want exactly one FILE:LINE:COL", errUsage)
	}
	cur, err := readCursor(fs.Arg(0))
	if err != nil {
		return err
	}
	s, closeLog, err := sf.apply("")
	if err != nil {
		return err
	}
	defer closeLog()
	root := *rootFlag
	if root == "" {
		if root, err = engine.FindRoot(cur.path); err != nil {
			return err
		}
	}
	if root, err = filepath.Abs(root); err != nil {
		return err
	}
	x, err := retrieval.Open(ctx, root, s.Retrieval, retrieval.Options{Progress: newProgressBar()})
	if err != nil {
		return err
	}
	defer x.Close()
	if err := x.Wait(ctx); err != nil {
		return err
	}
	if *budget > 0 {
		s.Retrieval.ContextTokens = *budget
	}
	// The query the pipeline would build: the model's layout, within the
	// model's window when its server tells it.
	var m model.Backend
	if s.Model.Provider != "builtin" {
		if srv, err := model.Open(s.Model); err == nil {
			m = srv
		}
	}
	q := pipeline.PromptQuery(ctx, m, pipeline.Request{Path: cur.path, Language: lang.Of(cur.path), Text: cur.text, Offset: cur.offset}, s)
	t0 := time.Now()
	p, err := x.Assemble(ctx, q)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	for _, part := range p.Parts {
		where := part.Path
		if rel, err := filepath.Rel(root, where); err == nil && filepath.IsAbs(where) {
			where = rel
		}
		if part.Kind == retrieval.PartSnippet {
			where = fmt.Sprintf("%s:%d-%d", where, part.StartLine, part.EndLine)
		}
		fmt.Printf("──── %s  %s  score %.2f  %d tokens\n", part.Kind, where, part.Score, part.Tokens)
		fmt.Print(part.Text)
		if !strings.HasSuffix(part.Text, "\n") {
			fmt.Println()
		}
	}
	fmt.Printf("──── total %d tokens (budget %d), assembled in %s\n", p.Tokens, q.Budget, took.Round(time.Microsecond))
	l := model.LayoutFor(s.Model)
	rendered, raw := l.Render(p.Prefix, p.Suffix)
	switch {
	case raw:
		fmt.Printf("──── the prompt %s is sent (%s FIM, %s order, raw):\n%s\n", s.Model.Name, l.FIM.Family, l.FIM.Order(), rendered)
	case s.Model.Provider == "builtin":
		fmt.Println("──── the built-in model reads the prefix (the parts above) and the suffix")
	default:
		fmt.Printf("──── %s is sent the prefix (the parts above) and the suffix apart; its server's template joins them\n", s.Model.Name)
	}
	return nil
}

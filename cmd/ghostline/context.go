package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ghostline/ghostline/engine"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/retrieval"
)

func init() {
	register(command{
		name:    "context",
		summary: "print the prompt assembled at FILE:LINE:COL (1-based, columns in characters), part by part",
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
	t0 := time.Now()
	p, err := x.Assemble(ctx, retrieval.Query{Path: cur.path, Language: lang.Of(cur.path),
		Text: cur.text, Offset: cur.offset, Budget: *budget})
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
	b := *budget
	if b <= 0 {
		b = s.Retrieval.ContextTokens
	}
	fmt.Printf("──── total %d tokens (budget %d), assembled in %s\n", p.Tokens, b, took.Round(time.Microsecond))
	return nil
}

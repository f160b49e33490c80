package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ghostline/ghostline/retrieval"
)

func init() {
	register(command{
		name:    "index",
		summary: "build or refresh the retrieval index of a repository (default: the current directory)",
		run:     runIndex,
	})
}

func runIndex(ctx context.Context, args []string) error {
	fs := newFlags("index", "[DIR]")
	sf := addSettingsFlags(fs, `{"retrieval":{"windowLines":30}}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := dirArg(fs)
	if err != nil {
		return err
	}
	s, closeLog, err := sf.apply("")
	if err != nil {
		return err
	}
	defer closeLog()
	t0 := time.Now()
	x, err := retrieval.Open(ctx, dir, s.Retrieval, retrieval.Options{Progress: newProgressBar()})
	if err != nil {
		return err
	}
	if err := x.Wait(ctx); err != nil {
		x.Close()
		return err
	}
	writer := x.Stats().Writer
	if err := x.Close(); err != nil {
		return err
	}
	if !writer {
		return fmt.Errorf("the index of %s could not be opened (see the log above)", x.Root())
	}
	st := x.Stats()
	idxDir, _ := retrieval.Dir(x.Root(), s.Retrieval)
	fmt.Printf("files     %d in the index, %d read and indexed now\n", st.Files, st.Indexed)
	fmt.Printf("chunks    %d in the index, %d written now\n", st.TotalChunks, st.Chunks)
	fmt.Printf("bytes     %d of source in the index, %d read now\n", st.TotalBytes, st.Bytes)
	fmt.Printf("seconds   %.1f\n", time.Since(t0).Seconds())
	fmt.Printf("index     %s (%.1f MB)\n", idxDir, float64(st.IndexBytes)/1e6)
	return nil
}

// dirArg is a command's optional DIR argument (default: the current directory).
func dirArg(fs *flag.FlagSet) (string, error) {
	switch fs.NArg() {
	case 0:
		return ".", nil
	case 1:
		return fs.Arg(0), nil
	}
	return "", fmt.Errorf("%w: at most one DIR", errUsage)
}

// progressBar draws a bar on stderr when it is a terminal, and prints the
// final count otherwise.
type progressBar struct {
	tty bool
}

func newProgressBar() *progressBar {
	fi, err := os.Stderr.Stat()
	return &progressBar{tty: err == nil && fi.Mode()&os.ModeCharDevice != 0}
}

func (p *progressBar) Progress(title string, done, total int) {
	if total <= 0 {
		fmt.Fprintln(os.Stderr, title)
		return
	}
	const width = 30
	fill := width * done / total
	bar := strings.Repeat("#", fill) + strings.Repeat(".", width-fill)
	switch {
	case done >= total:
		fmt.Fprintf(os.Stderr, "\r%s [%s] %d/%d files\n", title, bar, done, total)
	case p.tty:
		fmt.Fprintf(os.Stderr, "\r%s [%s] %d/%d files", title, bar, done, total)
	}
}

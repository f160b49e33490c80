package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ghostline/ghostline/engine"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/pipeline"

	"github.com/ghostline/ghostline/telemetry"
)

func init() {
	register(command{
		name:    "complete",
		summary: "complete at FILE:LINE:COL (1-based, columns in characters); timings on stderr",
		run:     runComplete,
	})
}

func runComplete(ctx context.Context, args []string) error {
	fs := newFlags("complete", "FILE:LINE:COL")
	asJSON := fs.Bool("json", false, "print one JSON object instead of text")
	provider := fs.String("provider", "", "shorthand for model.provider (auto, ollama, openai, llamacpp, builtin)")
	sf := addSettingsFlags(fs, `{"model":{"provider":"builtin"}}`)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole command to `FILE` (for go tool pprof)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want exactly one FILE:LINE:COL", errUsage)
	}
	stopProfile, err := startProfiles(*cpuprofile, "")
	if err != nil {
		return err
	}
	defer stopProfile()
	cur, err := readCursor(fs.Arg(0))
	if err != nil {
		return err
	}
	s, closeLog, err := sf.apply(*provider)
	if err != nil {
		return err
	}
	defer closeLog()
	root, err := engine.FindRoot(cur.path)
	if err != nil {
		return err
	}

	t0 := time.Now()
	eng, err := engine.Open(ctx, root, s, stderrReporter{})
	if err != nil {
		return err
	}
	defer eng.Close()
	if mf, ok := eng.ModelFile(); ok && !mf.Loaded {
		fmt.Fprintf(os.Stderr, "note: first run here: the built-in model learns the repository while it is indexed (saved to %s, so the next run starts at once)\n", mf.Path)
	}
	if err := eng.WaitReady(ctx); err != nil {
		return err
	}
	ready := time.Since(t0)
	res := eng.Complete(ctx, pipeline.Request{
		Path: cur.path, Language: lang.Of(cur.path), Text: cur.text, Offset: cur.offset, Invoked: true,
	})
	mf, hasFile := eng.ModelFile()
	if *asJSON {
		var mfp *engine.ModelFile
		if hasFile {
			mfp = &mf
		}
		return printCompleteJSON(res, ready, mfp)
	}
	if res.Notice != "" {
		fmt.Fprintln(os.Stderr, "note:", res.Notice)
	}
	if res.Outcome == pipeline.OutcomeShown {
		fmt.Println(res.Suggestion)
	}
	fmt.Fprintf(os.Stderr, "outcome %s, model %s, P(accept) %.2f\n", res.Outcome, res.Model, res.Decision.Prob)
	fmt.Fprintf(os.Stderr, "timings: %s (setup %s)\n", formatTimings(res.Timings), ready.Round(time.Millisecond))
	if hasFile {
		fmt.Fprintln(os.Stderr, describeModelFile(mf))
	}
	if res.Err != nil {
		return res.Err
	}
	return nil
}

// cursor is a FILE:LINE:COL argument resolved against the file.
type cursor struct {
	path   string // absolute
	text   string
	offset int // in bytes
}

func readCursor(arg string) (cursor, error) {
	path, line, col, err := parsePosition(arg)
	if err != nil {
		return cursor{}, err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return cursor{}, fmt.Errorf("read %s: %w", path, err)
	}
	off, err := engine.Offset(string(src), line, col)
	if err != nil {
		return cursor{}, fmt.Errorf("%s: %w", arg, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return cursor{}, err
	}
	return cursor{path: abs, text: string(src), offset: off}, nil
}

// parsePosition splits FILE:LINE:COL from the right, so file names may contain colons.
func parsePosition(arg string) (path string, line, col int, err error) {
	parts := strings.Split(arg, ":")
	if len(parts) < 3 {
		return "", 0, 0, fmt.Errorf("%w: position %q is not FILE:LINE:COL", errUsage, arg)
	}
	n := len(parts)
	line, err1 := strconv.Atoi(parts[n-2])
	col, err2 := strconv.Atoi(parts[n-1])
	if err1 != nil || err2 != nil {
		return "", 0, 0, fmt.Errorf("%w: position %q: line and column must be numbers", errUsage, arg)
	}
	return strings.Join(parts[:n-2], ":"), line, col, nil
}

func formatTimings(ts []pipeline.Timing) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %.2fms", t.Stage, telemetry.Ms(t.D))
	}
	return b.String()
}

// describeModelFile says where the built-in model came from.
func describeModelFile(mf engine.ModelFile) string {
	if mf.Loaded {
		return fmt.Sprintf("built-in model: restored from %s in %.0f ms, %d files relearnt of %d", mf.Path, mf.LoadMs, mf.Relearnt, mf.Files)
	}
	return fmt.Sprintf("built-in model: learnt %d files; saved to %s for the next run", mf.Relearnt, mf.Path)
}

// printCompleteJSON writes the result; mf (nil without an index) says
// where the built-in model came from.
func printCompleteJSON(res pipeline.Result, ready time.Duration, mf *engine.ModelFile) error {
	timings := map[telemetry.Stage]float64{"setup": telemetry.Ms(ready)}
	for _, t := range res.Timings {
		timings[t.Stage] = telemetry.Ms(t.D)
	}
	out := map[string]any{
		"suggestion": res.Suggestion, "outcome": res.Outcome, "model": res.Model,
		"prob": res.Decision.Prob, "timingsMs": timings, "promptTokens": res.Prompt.Tokens,
	}
	if res.Notice != "" {
		out["notice"] = res.Notice
	}
	if res.Err != nil {
		out["error"] = res.Err.Error()
	}
	if mf != nil {
		out["builtinModel"] = mf
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if res.Err != nil {
		return res.Err
	}
	return nil
}

// stderrReporter shows engine progress on stderr for command-line use: a
// live counter on a terminal, the final count otherwise.
type stderrReporter struct{}

func (stderrReporter) Progress(title string, done, total int) {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	switch {
	case total <= 0:
	case done >= total:
		fmt.Fprintf(os.Stderr, "\r%s: %d/%d\n", title, done, total)
	case tty:
		fmt.Fprintf(os.Stderr, "\r%s: %d/%d", title, done, total)
	}
}

func (stderrReporter) Message(text string) { fmt.Fprintln(os.Stderr, "note:", text) }

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ghostline/ghostline/engine"
	"github.com/ghostline/ghostline/eval"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/pipeline"
)

func init() {
	register(command{
		name:    "demo",
		summary: "complete as you would type, at real cursors of a repository's Go code: typed, suggested, really there, verdict",
		run:     func(ctx context.Context, args []string) error { return runDemo(ctx, args, os.Stdout) },
	})
}

// demoFiles are where the demo looks for cursors in ghostline's own code,
// one kind of cursor per file; another repository is searched file by file.
var demoFiles = []string{"pipeline/pipeline.go", "retrieval/watch.go", "telemetry/upload/upload.go", "engine/telemetry.go", "engine/engine.go"}

func runDemo(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("demo", "[DIR]")
	provider := fs.String("provider", "builtin", "shorthand for model.provider: builtin needs nothing; auto uses Ollama when it answers")
	sf := addSettingsFlags(fs, `{"model":{"provider":"auto"}}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := dirArg(fs)
	if err != nil {
		return err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	s, closeLog, err := sf.apply(*provider)
	if err != nil {
		return err
	}
	defer closeLog()
	files := demoSources(root)
	if len(files) == 0 {
		return fmt.Errorf("no Go files under %s to demonstrate on", root)
	}
	eng, err := engine.Open(ctx, root, s, stderrReporter{})
	if err != nil {
		return err
	}
	defer eng.Close()
	if err := eng.WaitReady(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "Completing at real cursors of %s with the %s model. Each line is cut where a\n"+
		"programmer would pause; the rest of it (for a block, its body) is removed from the file,\n"+
		"the index and the model before asking, so the answer cannot be copied from it.\n", root, eng.ModelName())

	for i, k := range eval.CutKinds {
		// One kind per file, in turn, a third of the way in: past the imports.
		var c eval.Cut
		var path string
		for j := range files {
			p := files[(i+j)%len(files)]
			src, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			var ok bool
			if c, ok = eval.FindCut(string(src), k, strings.Count(string(src), "\n")/3); ok {
				path = p
				break
			}
		}
		if path == "" {
			fmt.Fprintf(w, "\n(no cursor %s found)\n", k)
			continue
		}
		res, err := demoComplete(ctx, eng, path, c, true)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(w, "\n== %s:%d, %s\n", rel, c.Line, k)
		demoShow(w, "typed", c.Typed)
		demoShow(w, "suggested", res.Suggestion)
		demoShow(w, "really", c.Want)
		fmt.Fprintf(w, "   %-10s %s · %s\n", "verdict", eval.Verdict(res.Suggestion, c.Want), formatTimings(res.Timings))
	}
	if err := demoHidden(ctx, w, eng, root, files); err != nil {
		return err
	}
	if eng.ModelName() == "builtin" {
		fmt.Fprint(w, "\nThis was the built-in n-gram model: it needs nothing installed and knows only this\n"+
			"repository. For better suggestions run a code model with Ollama (https://ollama.com):\n"+
			"  ollama pull qwen2.5-coder:1.5b-base\n"+
			"then `ghostline demo --provider auto` (editors use it by themselves; `ghostline doctor` checks).\n")
	}
	return nil
}

// demoComplete asks for a completion at c as if the file read c.Text, then
// puts the file back.
func demoComplete(ctx context.Context, eng *engine.Engine, path string, c eval.Cut, invoked bool) (pipeline.Result, error) {
	orig, err := os.ReadFile(path)
	if err != nil {
		return pipeline.Result{}, err
	}
	if err := eng.UpdateNow(ctx, path, c.Text); err != nil {
		return pipeline.Result{}, err
	}
	defer eng.UpdateNow(context.WithoutCancel(ctx), path, string(orig))
	return eng.Complete(ctx, pipeline.Request{Path: path, Language: lang.Of(path), Text: c.Text, Offset: c.Offset, Invoked: invoked}), nil
}

// demoPrecision is the ranker.precision of the demo's automatic requests:
// at the default 0.9 the predictor hides only the least promising
// suggestions, rarely met in a few dozen.
const demoPrecision = 0.6

// demoHidden types at further cursors as an automatic (not invoked)
// request would, until the predictor holds one back, and says why.
func demoHidden(ctx context.Context, w io.Writer, eng *engine.Engine, root string, files []string) error {
	s := eng.Settings()
	defer eng.SetSettings(s)
	lower := s
	lower.Ranker.Precision = demoPrecision
	eng.SetSettings(lower)
	tried := 0
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, k := range eval.CutKinds[:4] {
			for from := 1; tried < 40; tried++ {
				c, ok := eval.FindCut(string(src), k, from)
				if !ok {
					break
				}
				from = c.Line + 1
				res, err := demoComplete(ctx, eng, p, c, false)
				if err != nil {
					return err
				}
				if res.Outcome != pipeline.OutcomeHidden && res.Outcome != pipeline.OutcomeSkipped {
					continue
				}
				rel, _ := filepath.Rel(root, p)
				what := "hid the suggestion"
				if res.Outcome == pipeline.OutcomeSkipped {
					what = "skipped generating at all"
				}
				fmt.Fprintf(w, "\n== %s:%d, %s, typing without asking (ranker.precision %.1f; default %.1f): the predictor %s\n",
					rel, c.Line, k, demoPrecision, s.Ranker.Precision, what)
				demoShow(w, "typed", c.Typed)
				demoShow(w, "really", c.Want)
				d := res.Decision
				fmt.Fprintf(w, "   %-10s P(accept) %.2f below the threshold %.2f; asking by hand (Alt+\\ or the editor's trigger) always shows one · %s\n",
					"why", d.Prob, d.Threshold, formatTimings(res.Timings))
				return nil
			}
		}
	}
	fmt.Fprintf(w, "\n(at ranker.precision %.1f the predictor held back none of %d automatic requests tried)\n", demoPrecision, tried)
	return nil
}

// demoShow prints a labelled value; further lines of a multi-line one
// line up under the first.
func demoShow(w io.Writer, label, text string) {
	if text == "" {
		text = "(nothing)"
	}
	lines := strings.Split(text, "\n")
	fmt.Fprintf(w, "   %-10s │%s\n", label, expandTabs(lines[0]))
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "   %-10s │%s\n", "", expandTabs(l))
	}
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

// demoSources lists ghostline's own demo files when root is its checkout,
// else the repository's Go files (not tests), up to 50.
func demoSources(root string) []string {
	var out []string
	for _, f := range demoFiles {
		if _, err := os.Stat(filepath.Join(root, f)); err == nil {
			out = append(out, filepath.Join(root, f))
		}
	}
	if len(out) > 0 {
		return out
	}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || len(out) >= 50 {
			return filepath.SkipDir
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "vendor" || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

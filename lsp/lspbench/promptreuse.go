package lspbench

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model"
)

// ReuseOptions describe the replay `ghostline bench prompt-reuse` runs: the
// last Lines lines of Functions functions of File typed back, VS Code style
// (didChange, $/cancelRequest of the unanswered request, inlineCompletion
// per keystroke), MinGap–MaxGap between keys, a Pause every 5–12
// characters and at line ends.
type ReuseOptions struct {
	Repo, File       string
	Functions, Lines int
	Seed             uint64
	MinGap, MaxGap   time.Duration
	Pause            time.Duration
	// PerToken is the fake server's time per prompt token its cache lacks.
	PerToken time.Duration
	// FIM is the family the prompts are rendered in (to tell their parts
	// apart in Diffs).
	FIM model.FIM
}

// ReuseResult is what the model server was sent during the replay.
type ReuseResult struct {
	Name       string
	Keystrokes int
	Requests   int // /api/generate requests
	// PromptChars are the rendered prompts' sizes; NewChars how much of
	// each differs from the previous prompt at or before that point (what
	// a server with a prompt cache evaluates).
	PromptChars, NewChars []int
	Prompts               []string // the rendered prompts, in order
	// Diffs say where and why each prompt first differs from the one before.
	Diffs            []Diff
	Pauses, Answered int
	PauseToAnswer    []time.Duration
	// Responded counts the pauses whose request was answered before the
	// next keystroke, with a suggestion or without one (a random-weights
	// model's text often leaves none); PauseToResponse their times.
	Responded       int
	PauseToResponse []time.Duration
}

// NewShare is the share of rendered prompt characters that were new work.
func (r ReuseResult) NewShare() float64 {
	var all, fresh int
	for i := range r.PromptChars {
		all += r.PromptChars[i]
		fresh += r.NewChars[i]
	}
	if all == 0 {
		return 0
	}
	return float64(fresh) / float64(all)
}

// NewBy is the share of rendered prompt characters that were new work
// for each cause of a request's first difference.
func (r ReuseResult) NewBy() map[Cause]float64 {
	var all int
	for _, n := range r.PromptChars {
		all += n
	}
	out := map[Cause]float64{}
	for _, d := range r.Diffs {
		out[d.Cause] += float64(d.New) / float64(max(all, 1))
	}
	return out
}

// MeanPrompt is the mean rendered prompt size in characters.
func (r ReuseResult) MeanPrompt() float64 {
	var all int
	for _, n := range r.PromptChars {
		all += n
	}
	return float64(all) / float64(max(len(r.PromptChars), 1))
}

// PauseQuantile returns the q-quantile of the pause-to-answer times.
func (r ReuseResult) PauseQuantile(q float64) time.Duration {
	return Percentile(slices.Clone(r.PauseToAnswer), q)
}

// ResponseQuantile returns the q-quantile of the pause-to-response times.
func (r ReuseResult) ResponseQuantile(q float64) time.Duration {
	return Percentile(slices.Clone(r.PauseToResponse), q)
}

// gap is one stretch of lines cut out of the file and typed back.
type gap struct {
	line int // 0-based line of the document with all gaps cut where typing starts
	text string
}

// reuseGaps picks n functions spread over the file whose bodies have more
// than lines lines and returns the document without the last lines lines
// of each body, and the gaps, last first (typing bottom-up keeps the lines
// above in place).
func reuseGaps(src string, n, lines int) (string, []gap, error) {
	all := strings.SplitAfter(src, "\n")
	var ends []int // lines holding a function's closing brace
	for i, l := range all {
		if strings.HasPrefix(l, "func ") && strings.HasSuffix(strings.TrimRight(l, "\n"), "{") {
			for j := i + 1; j < len(all); j++ {
				if strings.HasPrefix(all[j], "}") {
					if j-i > lines+1 {
						ends = append(ends, j)
					}
					break
				}
			}
		}
	}
	if len(ends) < n {
		return "", nil, fmt.Errorf("only %d functions with more than %d lines", len(ends), lines)
	}
	var picked []int
	for k := range n {
		picked = append(picked, ends[k*len(ends)/n])
	}
	var doc strings.Builder
	var gaps []gap
	removed, from := 0, 0
	for _, end := range picked {
		for _, l := range all[from : end-lines] {
			doc.WriteString(l)
		}
		gaps = append(gaps, gap{line: end - lines - removed, text: strings.Join(all[end-lines:end], "")})
		removed += lines
		from = end
	}
	for _, l := range all[from:] {
		doc.WriteString(l)
	}
	slices.Reverse(gaps)
	return doc.String(), gaps, nil
}

// reusePauses marks a pause every 5–12 characters and at every line end.
func reusePauses(typed string, rng *rand.Rand) map[int]bool {
	at := map[int]bool{}
	next := 5 + rng.IntN(8)
	for i, r := range []rune(typed) {
		next--
		if r == '\n' || next == 0 {
			at[i] = true
			next = 5 + rng.IntN(8)
		}
	}
	return at
}

// PromptReuse runs the replay against srv, whose backend is the fake
// Ollama ol, and measures what ol was sent; with ol nil (a real server,
// whose own log tells what it evaluated) only the keystrokes and pauses.
func PromptReuse(ctx context.Context, srv TypingServer, ol *lsptest.Ollama, o ReuseOptions) (ReuseResult, error) {
	res := ReuseResult{Name: srv.Name}
	src, err := os.ReadFile(filepath.Join(o.Repo, o.File))
	if err != nil {
		return res, err
	}
	doc, gaps, err := reuseGaps(string(src), cmp.Or(o.Functions, 5), cmp.Or(o.Lines, 3))
	if err != nil {
		return res, fmt.Errorf("%s: %w", o.File, err)
	}
	c, withStderr, err := startServer(ctx, srv, o.Repo, 0)
	if c == nil {
		return res, err
	}
	defer c.Close()
	fail := func(err error) (ReuseResult, error) { return res, withStderr(err) }
	if err != nil {
		return fail(err)
	}
	uri := "file://" + filepath.Join(o.Repo, o.File)
	if err := c.DidOpen(ctx, uri, "go", doc); err != nil {
		return fail(err)
	}
	calls0 := 0
	if ol != nil {
		ol.SetPromptCost(o.PerToken)
		calls0 = len(ol.Generates())
	}
	rng := rand.New(rand.NewPCG(o.Seed, 11))
	t := &typist{client: c, uri: uri, ver: 1, ask: srv.Ask, cancelPrevious: true}
	var keys []*keystroke
	for _, g := range gaps {
		t.line, t.col = uint32(g.line), 0
		ks, err := t.typeText(ctx, ReplayOptions{Typed: g.text, Seed: o.Seed, MinGap: o.MinGap, MaxGap: o.MaxGap, Pause: o.Pause,
			PauseAt: reusePauses(g.text, rng)})
		if err != nil {
			return fail(err)
		}
		keys = append(keys, ks...)
	}
	if err := waitKeys(ctx, keys); err != nil {
		return fail(err)
	}
	res.Pauses, res.Answered, res.PauseToAnswer = pauseAnswers(keys)
	for _, k := range keys {
		if k.pause && k.err == nil {
			res.Responded++
			res.PauseToResponse = append(res.PauseToResponse, k.answered.Sub(k.sent))
		}
	}
	res.Keystrokes = len(keys)
	if ol != nil {
		prev := ""
		for _, g := range ol.Generates()[calls0:] {
			p := g.Rendered()
			res.Prompts = append(res.Prompts, p)
			res.PromptChars = append(res.PromptChars, len(p))
			res.NewChars = append(res.NewChars, len(p)-lsptest.CommonPrefix(prev, p))
			prev = p
		}
		res.Requests = len(res.PromptChars)
		res.Diffs = diagnose(res.Prompts, o.FIM, string(src))
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Shutdown(sctx); err != nil {
		return fail(fmt.Errorf("shutdown: %w", err))
	}
	return res, nil
}

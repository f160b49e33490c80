package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/model/builtin"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/retrieval"
)

// Assembler builds a retrieval prompt; *retrieval.Index is one.
type Assembler = pipeline.Retriever

// Options configure Completion.
type Options struct {
	Repo    string
	Samples int
	Seed    uint64
	// Budget is the prompt's token budget; 0 is the retrieval default.
	Budget int
	// Model answers the samples; nil trains the built-in model on every
	// file that provides no sample (leave-file-out).
	Model model.Backend
	// Retrieval adds the retrieval-on row: the repository is indexed with
	// retrieval.Open into IndexDir (a temporary directory when empty).
	Retrieval bool
	IndexDir  string
	// MaxTokens bounds each generation (0: serve's model.maxTokens).
	MaxTokens int
	// Cursors, when set, receives every cursor's answer, one line each
	// (row, kind, file:line, the line before the cursor, want, got), so
	// the misses can be read and grouped.
	Cursors io.Writer
}

// Report is the outcome of Completion.
type Report struct {
	Repo          string
	Model         string
	Samples, Seed int
	Files         int
	// TrainFiles and Train describe the built-in model's training; zero for
	// other models.
	TrainFiles int
	Train      time.Duration
	Rows       []Row
}

// Row is one prompt configuration measured on every sample.
type Row struct {
	Name string
	All  Score
	// LineStart and MidLine split All by where the cursor was.
	LineStart, MidLine Score
	// Member is measured on other cursors: right after `x.`, the member
	// that follows hidden.
	Member Score
	Errors int
	// Latency per stage: retrieval, model, postprocess.
	Latency map[string][]time.Duration
}

// Score aggregates exact match and edit similarity.
type Score struct {
	N       int
	Exact   int
	EditSim float64 // sum; Mean divides
	Empty   int     // no suggestion
}

func (s *Score) add(got, want string) {
	s.N++
	if got == want {
		s.Exact++
	}
	if got == "" {
		s.Empty++
	}
	s.EditSim += EditSimilarity(got, want)
}

// ExactRate is the fraction of exact matches.
func (s Score) ExactRate() float64 { return ratio(float64(s.Exact), s.N) }

// MeanEditSim is the mean edit similarity.
func (s Score) MeanEditSim() float64 { return ratio(s.EditSim, s.N) }

func ratio(a float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return a / float64(n)
}

// Completion runs the evaluation.
func Completion(ctx context.Context, o Options) (Report, error) {
	if o.Samples <= 0 {
		return Report{}, errors.New("eval completion: samples must be positive")
	}
	files, err := ListFiles(ctx, o.Repo)
	if err != nil {
		return Report{}, err
	}
	samples, err := Draw(files, o.Samples, o.Seed)
	if err != nil {
		return Report{}, err
	}
	held := map[string]bool{}
	var heldFiles []retrieval.File
	for _, s := range samples {
		if !held[s.File.Path] {
			heldFiles = append(heldFiles, s.File)
		}
		held[s.File.Path] = true
	}
	// Member cursors come from the files already left out of training.
	members := DrawMembers(heldFiles, o.Samples, o.Seed)
	r := Report{Repo: o.Repo, Samples: len(samples), Seed: int(o.Seed), Files: len(files)}

	var bm *builtin.Model
	m := o.Model
	if m == nil {
		bm = builtin.New(builtin.Options{})
		m = bm
	}
	r.Model = m.Name()
	// learn is the leave-file-out training hook.
	learn := func(path string, src []byte) {
		if bm != nil && !held[path] {
			bm.Learn(path, src)
			r.TrainFiles++
		}
	}
	t0 := time.Now()
	var asm Assembler
	if o.Retrieval {
		x, done, err := openIndex(ctx, o.Repo, o.IndexDir, learn)
		if err != nil {
			return r, fmt.Errorf("eval completion: %w", err)
		}
		defer done()
		asm = x
	} else if bm != nil {
		if err := Train(ctx, bm, files, held); err != nil {
			return r, err
		}
		r.TrainFiles = len(files) - len(held)
	}
	if bm != nil {
		r.Train = time.Since(t0)
		slog.Info("built-in model trained", "files", r.TrainFiles, "took", r.Train, "stats", bm.Stats())
	}

	rows := []struct {
		name string
		asm  Assembler
	}{{"retrieval off", nil}}
	if asm != nil {
		rows = append(rows, struct {
			name string
			asm  Assembler
		}{"retrieval on", asm})
	}
	for _, row := range rows {
		res, err := runRow(ctx, row.name, row.asm, m, samples, members, o)
		if err != nil {
			return r, err
		}
		r.Rows = append(r.Rows, res)
	}
	return r, nil
}

// runRow completes every sample through the pipeline `serve` runs, with
// serve's settings and no acceptance gate (it would hide suggestions the
// evaluation must score).
func runRow(ctx context.Context, name string, asm Assembler, m model.Backend, samples, members []Sample, o Options) (Row, error) {
	row := Row{Name: name, Latency: map[string][]time.Duration{}}
	st := config.Defaults()
	st.Telemetry.Enabled, st.Ranker.Enabled = false, false
	st.Retrieval.Enabled = asm != nil
	if o.Budget > 0 {
		st.Retrieval.ContextTokens = o.Budget
	}
	if o.MaxTokens > 0 {
		st.Model.MaxTokens = o.MaxTokens
	}
	p := pipeline.New(pipeline.Options{Model: m, Retriever: asm}, st)
	complete := func(s Sample) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		res := p.Complete(ctx, pipeline.Request{Path: s.File.Abs, Language: s.File.Language, Text: s.Text, Offset: s.Offset, Invoked: true})
		for _, t := range res.Timings {
			row.Latency[string(t.Stage)] = append(row.Latency[string(t.Stage)], t.D)
		}
		switch res.Outcome {
		case pipeline.OutcomeCancelled:
			return "", ctx.Err()
		case pipeline.OutcomeError:
			row.Errors++
			slog.Debug("completion failed", "path", s.File.Path, "err", res.Err)
		}
		// The hidden text is the rest of the line: a multi-line suggestion
		// is scored by its first line.
		got, _, _ := strings.Cut(res.Suggestion, "\n")
		return strings.TrimRight(got, " \t"), nil
	}
	for _, s := range samples {
		got, err := complete(s)
		if err != nil {
			return row, err
		}
		row.All.add(got, s.Want)
		kind := "mid"
		if s.LineStart {
			row.LineStart.add(got, s.Want)
			kind = "start"
		} else {
			row.MidLine.add(got, s.Want)
		}
		if err := writeCursor(o.Cursors, name, kind, s, got); err != nil {
			return row, err
		}
	}
	for _, s := range members {
		got, err := complete(s)
		if err != nil {
			return row, err
		}
		row.Member.add(got, s.Want)
		if err := writeCursor(o.Cursors, name, "member", s, got); err != nil {
			return row, err
		}
	}
	return row, nil
}

// writeCursor writes one line for Options.Cursors: whether the answer
// matched, the row, the kind of cursor, where it is, the line before the
// cursor, what was hidden and what came.
func writeCursor(w io.Writer, row, kind string, s Sample, got string) error {
	if w == nil {
		return nil
	}
	mark := "miss"
	if got == s.Want {
		mark = "hit"
	}
	ls := strings.LastIndexByte(s.Text[:s.Offset], '\n') + 1
	line := strings.Count(s.Text[:ls], "\n") + 1
	_, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s:%d\t%q\t%q\t%q\n", mark, row, kind, s.File.Path, line, s.Text[ls:s.Offset], s.Want, got)
	return err
}

// Train teaches m every file except those in skip (repository-relative
// paths), reading with two goroutines: lexing runs outside m's lock.
func Train(ctx context.Context, m *builtin.Model, files []retrieval.File, skip map[string]bool) error {
	work := make(chan retrieval.File)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for f := range work {
				if b, err := os.ReadFile(f.Abs); err == nil {
					m.Learn(f.Path, b)
				}
			}
		})
	}
	defer wg.Wait()
	defer close(work)
	for _, f := range files {
		if skip[f.Path] {
			continue
		}
		select {
		case work <- f:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Percentile returns the p-th percentile (0..100) of ds, nearest rank.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Write prints the report as a table.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "completion evaluation of %s: %d samples (seed %d) from %d files, model %s\n", r.Repo, r.Samples, r.Seed, r.Files, r.Model)
	if r.TrainFiles > 0 {
		fmt.Fprintf(&b, "built-in model trained leave-file-out on %d files in %.1fs\n", r.TrainFiles, r.Train.Seconds())
	}
	fmt.Fprintf(&b, "\n%-14s %6s %7s %7s %7s %7s %7s %7s %7s %6s  %s\n", "row", "n", "exact", "editsim", "exact@0", "exact@m", "empty",
		"exact@.", "empty@.", "errors", "p50/p99 ms: retrieval  model  postprocess")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%-14s %6d %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %6d ", row.Name, row.All.N, row.All.ExactRate(), row.All.MeanEditSim(),
			row.LineStart.ExactRate(), row.MidLine.ExactRate(), ratio(float64(row.All.Empty), row.All.N),
			row.Member.ExactRate(), ratio(float64(row.Member.Empty), row.Member.N), row.Errors)
		for _, st := range []string{"retrieval", "model", "postprocess"} {
			fmt.Fprintf(&b, " %.2f/%.2f", ms(Percentile(row.Latency[st], 50)), ms(Percentile(row.Latency[st], 99)))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nexact@0: exact match at line starts; exact@m: mid-line; exact@. and empty@.: at %d cursors right after `x.`;\neditsim: mean 1 - Levenshtein/longer length. Every completion runs through the pipeline serve runs, gate off.\n", memberN(r.Rows))
	_, err := io.WriteString(w, b.String())
	return err
}

func memberN(rows []Row) int {
	if len(rows) == 0 {
		return 0
	}
	return rows[0].Member.N
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

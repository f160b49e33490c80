package eval

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/retrieval"
)

// Options configure one evaluation run.
type Options struct {
	Repo    string
	Samples int
	Seed    uint64
	Budget  int // tokens; 0: Config.ContextTokens
	// SuffixTokens caps the suffix (the model's layout); 0: a quarter of
	// the budget.
	SuffixTokens int
	Config       config.Retrieval // chunking and index location
	// Progress receives the indexing progress (the index is built or
	// refreshed first).
	Progress retrieval.Progress
	// CPUProfile, when not nil, receives Bench's CPU profile of its timed
	// re-indexing and assembly (for go tool pprof).
	CPUProfile io.Writer
}

// Row is one way of building the prompt, measured over every sample.
type Row struct {
	Name      string
	Overall   float64 // ground-truth identifiers present in the prompt
	CrossFile float64 // of those absent from the current file, present in the prompt
	// CrossFragment is CrossFile with the ground truth as it was defined
	// before: the identifier the cursor is inside counted from the cursor
	// on (a fragment no prompt can hold), kept so figures stay comparable.
	CrossFragment float64
	// Code is CrossFile over the identifiers of code only (not comments or
	// strings), the one the cursor is inside counted whole: what
	// declarations can supply.
	Code float64
	// Member is the share of cursors right after `x.` whose following
	// member (declared in the repository) the prompt contains; Signature
	// the share of cursors inside an open call whose callee's declaration
	// it contains.
	Member, Signature float64
	P50, P99          time.Duration
	MeanTokens        float64
}

// Report is the result of Run.
type Report struct {
	Repo                string
	Files, Samples      int
	Seed                uint64
	Budget              int
	Idents, CrossIdents int // ground-truth identifiers, and those not in the current file
	CrossFragments      int // CrossIdents with the identifier at the cursor cut there
	CodeIdents          int // those of code not in the current file
	Members, Calls      int // member and open-call cursors
	Rows                []Row
}

// regionTyped is how many lines before a sample's the region-stable row
// enters its region.
const regionTyped = 3

// recentFiles is how many "recently opened" files the Jaccard baseline
// looks at, as Copilot's neighbouring-tabs context does.
const recentFiles = 20

// evalLanguages are the languages with keyword lists: samples come from
// their files.
var evalLanguages = map[string]bool{
	"go": true, "python": true, "javascript": true, "javascriptreact": true, "typescript": true,
	"typescriptreact": true, "java": true, "rust": true, "c": true, "cpp": true,
}

// sample is one cursor with the rest of its line hidden.
type sample struct {
	file   *file
	q      retrieval.Query
	entry  retrieval.Query // the cursor regionTyped lines up, those lines not yet typed
	truth  []string        // distinct identifiers of the hidden rest of the line, the one at the cursor whole
	cross  []string        // those not in the current file
	frag   []string        // cross with the identifier at the cursor from the cursor on
	code   []string        // those of its code not in the current file, the one at the cursor whole
	inFile map[string]bool // identifiers of the visible current file
}

type file struct {
	rel, abs, lang string
	text           string
	lines          []int // line start offsets
	tokens         [][]int32
}

// Run indexes opts.Repo (or refreshes its index), draws the samples and
// measures every row on them.
func Run(ctx context.Context, o Options) (Report, error) {
	if o.Samples <= 0 {
		return Report{}, fmt.Errorf("eval: samples must be positive")
	}
	if o.Budget <= 0 {
		o.Budget = o.Config.ContextTokens
	}
	var files []*file
	err := retrieval.Walk(ctx, o.Repo, func(f retrieval.File) error {
		if evalLanguages[f.Language] {
			files = append(files, &file{rel: f.Path, abs: f.Abs, lang: f.Language})
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	if len(files) == 0 {
		return Report{}, fmt.Errorf("eval: no source files under %s", o.Repo)
	}
	samples, err := draw(files, o.Samples, o.Seed, o.Budget, o.SuffixTokens)
	if err != nil {
		return Report{}, err
	}
	x, err := retrieval.Open(ctx, o.Repo, o.Config, retrieval.Options{Progress: o.Progress})
	if err != nil {
		return Report{}, err
	}
	defer x.Close()
	if err := x.Wait(ctx); err != nil {
		return Report{}, err
	}

	byDir := map[string][]*file{}
	for _, f := range files {
		d := path.Dir(f.rel)
		byDir[d] = append(byDir[d], f)
	}
	window := max(o.Config.WindowLines, 1)
	in := interner{}
	share := o.Config.ContextShare
	rows := []struct {
		name string
		run  func(s sample) (retrieval.Prompt, error)
	}{
		{"in-file only", func(s sample) (retrieval.Prompt, error) { return retrieval.InFile(s.q), nil }},
		{rowJaccard, func(s sample) (retrieval.Prompt, error) {
			return retrieval.Compose(s.q, jaccard(s, byDir, window, in), share), nil
		}},
		{rowSnippets, func(s sample) (retrieval.Prompt, error) {
			return x.AssembleFrom(ctx, s.q, retrieval.Sources{NoDecls: true})
		}},
		{"declarations", func(s sample) (retrieval.Prompt, error) {
			return x.AssembleFrom(ctx, s.q, retrieval.Sources{NoSnippets: true})
		}},
		{rowBoth, func(s sample) (retrieval.Prompt, error) {
			return x.AssembleFrom(ctx, s.q, retrieval.Sources{})
		}},
		// As when typing: the block is computed on entering the region, at
		// the start of the line regionTyped lines up (with the lines typed
		// since not there yet), and held for the cursor unless a fresh one
		// is clearly better.
		{"region-stable, 3 lines up", func(s sample) (retrieval.Prompt, error) {
			if _, err := x.Assemble(ctx, s.entry); err != nil {
				return retrieval.Prompt{}, err
			}
			return x.Assemble(ctx, s.q)
		}},
	}
	members, calls, err := drawTargets(ctx, x, files, o.Samples, o.Seed, o.Budget)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Repo: o.Repo, Files: len(files), Samples: len(samples), Seed: o.Seed, Budget: o.Budget,
		Members: len(members), Calls: len(calls)}
	for _, s := range samples {
		rep.Idents += len(s.truth)
		rep.CrossIdents += len(s.cross)
		rep.CrossFragments += len(s.frag)
		rep.CodeIdents += len(s.code)
	}
	for _, r := range rows {
		var found, crossFound, fragFound, code, tokens int
		lat := make([]time.Duration, 0, len(samples))
		for _, s := range samples {
			t0 := time.Now()
			p, err := r.run(s)
			lat = append(lat, time.Since(t0))
			if err != nil {
				return Report{}, fmt.Errorf("eval %s: %w", r.name, err)
			}
			tokens += p.Tokens
			have := set(retrieval.Identifiers(s.q.Language, p.Prefix+p.Suffix))
			found += count(s.truth, have)
			crossFound += count(s.cross, have)
			fragFound += count(s.frag, have)
			code += count(s.code, have)
		}
		member, err := targetRecall(members, r.run, hasIdent)
		if err != nil {
			return Report{}, fmt.Errorf("eval %s: %w", r.name, err)
		}
		signature, err := targetRecall(calls, r.run, hasDeclaration)
		if err != nil {
			return Report{}, fmt.Errorf("eval %s: %w", r.name, err)
		}
		slices.Sort(lat)
		rep.Rows = append(rep.Rows, Row{
			Name: r.name, Overall: ratio(found, rep.Idents), CrossFile: ratio(crossFound, rep.CrossIdents),
			CrossFragment: ratio(fragFound, rep.CrossFragments), Code: ratio(code, rep.CodeIdents),
			Member: ratio(member, len(members)), Signature: ratio(signature, len(calls)),
			P50: lat[len(lat)/2], P99: lat[min(len(lat)-1, len(lat)*99/100)],
			MeanTokens: float64(tokens) / float64(len(samples)),
		})
	}
	return rep, nil
}

func ratio[T int | float64](a, b T) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// count is how many of ids have holds.
func count(ids []string, have map[string]bool) int {
	n := 0
	for _, id := range ids {
		if have[id] {
			n++
		}
	}
	return n
}

// absent returns the ids in not in.
func absent(ids []string, in map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// draw picks n cursors deterministically: a file uniformly, then a
// non-blank line; every other cursor at the line's first non-blank
// character, the others inside the line. Cursors whose hidden rest of line
// has no identifier are drawn again.
func draw(files []*file, n int, seed uint64, budget, suffixTokens int) ([]sample, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out []sample
	for tries := 0; len(out) < n && tries < n*50; tries++ {
		f := files[rng.IntN(len(files))]
		if err := f.load(); err != nil {
			continue
		}
		start, end := f.randomLine(rng)
		line := f.text[start:end]
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if strings.TrimSpace(line) == "" {
			continue
		}
		col := indent
		if len(out)%2 == 1 { // mid-line
			if len(line)-indent < 2 {
				continue
			}
			col = indent + 1 + rng.IntN(len(line)-indent-1)
			for col > indent && !utf8.RuneStart(line[col]) {
				col--
			}
		}
		// Drawn again as before the truth counted the identifier at the
		// cursor whole, so that the same seed draws the same cursors.
		frag := distinct(retrieval.Identifiers(f.lang, line[col:]))
		if len(frag) == 0 {
			continue
		}
		text := f.text[:start+col] + f.text[end:]
		inFile := set(retrieval.Identifiers(f.lang, text))
		truth := distinct(retrieval.Identifiers(f.lang, line[wordStart(line, col):]))
		from := start // regionTyped lines up
		for range regionTyped {
			if from > 0 {
				from = strings.LastIndexByte(f.text[:from-1], '\n') + 1
			}
		}
		q := retrieval.Query{Path: f.abs, Language: f.lang, Text: text, Offset: start + col, Budget: budget, SuffixTokens: suffixTokens}
		entry := q
		entry.Text, entry.Offset = f.text[:from]+f.text[end:], from
		out = append(out, sample{
			file:   f,
			q:      q,
			entry:  entry,
			truth:  truth,
			cross:  absent(truth, inFile),
			frag:   absent(frag, inFile),
			code:   codeTruth(f, start, col, inFile),
			inFile: inFile,
		})
	}
	if len(out) < n {
		return nil, fmt.Errorf("eval: only %d usable cursors found for %d samples", len(out), n)
	}
	return out, nil
}

// codeTruth returns the distinct identifiers in the code of f's line at
// start from column col on that inFile lacks, the first whole when col is
// inside it.
func codeTruth(f *file, start, col int, inFile map[string]bool) []string {
	l := lang.Get(f.lang)
	line := f.text[start:]
	line = line[:max(strings.IndexByte(line, '\n'), 0)]
	from := wordStart(line, col)
	var ids []string
	st := l.Scan(f.text[:start+from], lang.State{}, nil)
	l.Scan(line[from:], st, func(sp lang.Span) {
		if sp.Class == lang.Code {
			ids = append(ids, retrieval.Identifiers(f.lang, line[from+sp.Start:from+sp.End])...)
		}
	})
	return absent(distinct(ids), inFile)
}

// wordStart is where the identifier that col is inside starts in line;
// col when it is not inside one.
func wordStart(line string, col int) int {
	from := col
	for from > 0 && isIdentByte(line[from-1]) && col < len(line) && isIdentByte(line[col]) {
		from--
	}
	return from
}

func distinct(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// randomLine returns the bounds of a random line of the loaded f,
// without its newline.
func (f *file) randomLine(rng *rand.Rand) (start, end int) {
	li := rng.IntN(len(f.lines))
	start, end = f.lines[li], len(f.text)
	if li+1 < len(f.lines) {
		end = f.lines[li+1] - 1
	}
	return start, end
}

func (f *file) load() error {
	if f.lines != nil {
		return nil
	}
	b, err := os.ReadFile(f.abs)
	if err != nil {
		return err
	}
	f.text = strings.TrimSuffix(string(b), "\n") + "\n"
	f.lines = []int{0}
	for i := 0; i < len(f.text)-1; i++ {
		if f.text[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return nil
}

// Write prints the report as a table; timings=false leaves out the
// latency columns (for golden files).
func (r Report) Write(w io.Writer, timings bool) {
	fmt.Fprintf(w, "retrieval evaluation of %s: %d samples (seed %d) from %d files, budget %d tokens\n",
		r.Repo, r.Samples, r.Seed, r.Files, r.Budget)
	fmt.Fprintf(w, "ground truth: %d identifiers, %d of them not in the current file (%d counting from the cursor, %d in code); %d cursors after `x.`, %d in an open call\n\n",
		r.Idents, r.CrossIdents, r.CrossFragments, r.CodeIdents, r.Members, r.Calls)
	fmt.Fprintf(w, "%-26s %8s %11s %10s %10s %7s %10s %12s", "prompt", "recall", "cross-file", "cross-frag", "code-cross", "member", "signature", "mean tokens")
	if timings {
		fmt.Fprintf(w, " %9s %9s", "p50 ms", "p99 ms")
	}
	fmt.Fprintln(w)
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%-26s %8.3f %11.3f %10.3f %10.3f %7.3f %10.3f %12.0f", row.Name, row.Overall, row.CrossFile, row.CrossFragment, row.Code, row.Member, row.Signature, row.MeanTokens)
		if timings {
			fmt.Fprintf(w, " %9.2f %9.2f", ms(row.P50), ms(row.P99))
		}
		fmt.Fprintln(w)
	}
	// Issue 12's targets: both against snippets alone and against Jaccard,
	// on either definition of the ground truth.
	jac, snip, both := r.row(rowJaccard), r.row(rowSnippets), r.row(rowBoth)
	if jac == nil || snip == nil || both == nil {
		return
	}
	fmt.Fprintf(w, "\n%s vs %s: cross-file %+.3f, %.2fx Jaccard (cross-frag %+.3f, %.2fx; code-cross %+.3f)\n",
		rowBoth, rowSnippets, both.CrossFile-snip.CrossFile, ratio(both.CrossFile, jac.CrossFile),
		both.CrossFragment-snip.CrossFragment, ratio(both.CrossFragment, jac.CrossFragment), both.Code-snip.Code)
}

// The rows the targets compare.
const (
	rowJaccard  = "jaccard, 20 nearby files"
	rowSnippets = "snippets"
	rowBoth     = "declarations + snippets"
)

func (r Report) row(name string) *Row {
	for i := range r.Rows {
		if r.Rows[i].Name == name {
			return &r.Rows[i]
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// jaccard is the Copilot-style baseline: the 20 "recently opened" files are
// the current file's directory and its siblings; every window of window
// lines in them is scored by the Jaccard similarity of its identifier set
// with the last window lines before the cursor, and each file's best
// window is a candidate.
func jaccard(s sample, byDir map[string][]*file, window int, in interner) []retrieval.Part {
	cur := s.file
	query := map[int32]bool{}
	before := s.q.Text[:s.q.Offset]
	from := len(before)
	for n := 0; n < window && from > 0; n++ {
		from = strings.LastIndexByte(before[:from-1], '\n') + 1
		if from == 0 {
			break
		}
	}
	for _, id := range retrieval.Identifiers(cur.lang, before[from:]) {
		query[in.id(id)] = true
	}
	var parts []retrieval.Part
	for _, f := range nearby(cur, byDir) {
		if f.load() != nil {
			continue
		}
		f.tokenize(in)
		best, at := -1.0, 0
		counts := map[int32]int{}
		inter := 0
		for i := 0; i < len(f.tokens); i++ {
			for _, t := range f.tokens[i] {
				if counts[t] == 0 && query[t] {
					inter++
				}
				counts[t]++
			}
			if i >= window {
				for _, t := range f.tokens[i-window] {
					counts[t]--
					if counts[t] == 0 {
						delete(counts, t)
						if query[t] {
							inter--
						}
					}
				}
			}
			if i >= window-1 || i == len(f.tokens)-1 {
				union := len(query) + len(counts) - inter
				if union > 0 {
					if j := float64(inter) / float64(union); j > best {
						best, at = j, max(i-window+1, 0)
					}
				}
			}
		}
		if best <= 0 {
			continue
		}
		endLine := min(at+window, len(f.lines))
		endOff := len(f.text)
		if endLine < len(f.lines) {
			endOff = f.lines[endLine]
		}
		parts = append(parts, retrieval.Part{Kind: retrieval.PartSnippet, Path: f.rel,
			StartLine: at + 1, EndLine: endLine, Score: best, Text: f.text[f.lines[at]:endOff]})
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Score > parts[j].Score })
	return parts
}

// nearby returns up to recentFiles files other than cur: its directory's
// first, then its sibling directories', in path order.
func nearby(cur *file, byDir map[string][]*file) []*file {
	dir := path.Dir(cur.rel)
	parent := path.Dir(dir)
	var dirs []string
	for d := range byDir {
		if d != dir && path.Dir(d) == parent && d != parent {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	var out []*file
	for _, d := range append([]string{dir}, dirs...) {
		for _, f := range byDir[d] {
			if f != cur && len(out) < recentFiles {
				out = append(out, f)
			}
		}
	}
	return out
}

// interner numbers identifiers, so windows compare small integers.
type interner map[string]int32

func (in interner) id(s string) int32 {
	if id, ok := in[s]; ok {
		return id
	}
	id := int32(len(in))
	in[s] = id
	return id
}

func (f *file) tokenize(in interner) {
	if f.tokens != nil {
		return
	}
	f.tokens = make([][]int32, len(f.lines))
	for i, start := range f.lines {
		end := len(f.text)
		if i+1 < len(f.lines) {
			end = f.lines[i+1]
		}
		for _, id := range retrieval.Identifiers(f.lang, f.text[start:end]) {
			f.tokens[i] = append(f.tokens[i], in.id(id))
		}
	}
}

package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/ghostline/ghostline/postprocess"
)

// PostCase is one post-processing case: a document cut at the cursor, the
// model's raw answer, and what the editor should end up with.
type PostCase struct {
	Name           string
	File           string // the file's name: its language
	Prefix, Suffix string
	Raw            string
	// Expected is the text to insert at the cursor; nil: nothing should be
	// offered. It may also retype part of the rest of the cursor's line,
	// as a completion item with a range does ("number)" before ")").
	Expected   *string
	SingleLine bool     // the editor asked for one line
	Stop       []string // stop sequences the server did not apply
	// Known says why the case is known to fail: the tests expect it to.
	Known string
}

// Cursor marks the cursor in the document of a txtar case.
const Cursor = "█"

// LoadPostCases reads cases from a directory of txtar files (searched
// recursively) or from a JSON-lines file.
//
// A txtar case: the comment's first line describes it ("single" and
// "stop: X" lines set the options, "known: WHY" marks a known failure); one file named like the document
// ("main.go"), holding the document with Cursor where the cursor is; "raw",
// the model's answer; "want", the expected insertion, absent when nothing
// should be offered. The final newline of raw and want is not part of them.
//
// A JSON line: {"filename", "prefix", "suffix", "model_output", "expected"}
// with expected null when nothing should be offered; "name" is optional.
func LoadPostCases(path string) ([]PostCase, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readPostJSONL(f, filepath.Base(path))
	}
	var cases []PostCase
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txtar") {
			return err
		}
		c, err := readPostTxtar(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(path, p)
		c.Name = strings.TrimSuffix(filepath.ToSlash(rel), ".txtar")
		cases = append(cases, c)
		return nil
	})
	if err == nil && len(cases) == 0 {
		err = fmt.Errorf("no .txtar cases under %s", path)
	}
	return cases, err
}

func readPostTxtar(p string) (PostCase, error) {
	ar, err := txtar.ParseFile(p)
	if err != nil {
		return PostCase{}, err
	}
	var c PostCase
	for _, l := range strings.Split(string(ar.Comment), "\n") {
		switch {
		case l == "single":
			c.SingleLine = true
		case strings.HasPrefix(l, "stop: "):
			c.Stop = append(c.Stop, strings.TrimPrefix(l, "stop: "))
		case strings.HasPrefix(l, "known: "):
			c.Known = strings.TrimPrefix(l, "known: ")
		}
	}
	raw := false
	for _, f := range ar.Files {
		data := string(f.Data)
		switch f.Name {
		case "raw":
			c.Raw, raw = strings.TrimSuffix(data, "\n"), true
		case "want":
			w := strings.TrimSuffix(data, "\n")
			c.Expected = &w
		default:
			if c.File != "" {
				return c, fmt.Errorf("%s: two documents, %s and %s", p, c.File, f.Name)
			}
			before, after, ok := strings.Cut(data, Cursor)
			if !ok || strings.Contains(after, Cursor) {
				return c, fmt.Errorf("%s: document %s needs exactly one cursor %s", p, f.Name, Cursor)
			}
			c.File, c.Prefix, c.Suffix = f.Name, before, after
		}
	}
	if c.File == "" || !raw {
		return c, fmt.Errorf("%s: needs a document and a raw section", p)
	}
	return c, nil
}

// postLine is one JSON line of cases.
type postLine struct {
	Name        string  `json:"name"`
	Filename    string  `json:"filename"`
	Prefix      string  `json:"prefix"`
	Suffix      string  `json:"suffix"`
	ModelOutput *string `json:"model_output"`
	Expected    *string `json:"expected"`
}

func readPostJSONL(r io.Reader, source string) ([]PostCase, error) {
	var cases []PostCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l postLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", source, n, err)
		}
		if l.ModelOutput == nil {
			return nil, fmt.Errorf("%s:%d: no model_output", source, n)
		}
		name := l.Name
		if name == "" {
			name = fmt.Sprintf("%s:%d", source, n)
		}
		cases = append(cases, PostCase{Name: name, File: l.Filename, Prefix: l.Prefix, Suffix: l.Suffix, Raw: *l.ModelOutput, Expected: l.Expected})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	if len(cases) == 0 {
		return nil, errors.New(source + ": no cases")
	}
	return cases, nil
}

// Input is what the server's post-processing gets for this case.
func (c PostCase) Input() postprocess.Input {
	return postprocess.Input{
		Raw: c.Raw, Prefix: c.Prefix, Suffix: c.Suffix, Path: c.File,
		SingleLine: c.SingleLine, Stop: c.Stop,
	}
}

// Document is the document after the editor applied an item that inserts
// text at the cursor, replacing the next replace bytes of the suffix.
func (c PostCase) Document(text string, replace int) string {
	return c.Prefix + text + c.Suffix[min(max(replace, 0), len(c.Suffix)):]
}

// Check reports whether an item (text, replacing the next replace bytes)
// gives the document Expected asks for. Whitespace at the ends of the
// inserted lines does not count. Expected may or may not retype the rest of
// the cursor's line: either reading is accepted.
func (c PostCase) Check(text string, replace int) bool {
	return c.Accepts(c.Document(trimLineEnds(text), replace))
}

// Accepts reports whether doc, the whole document after the editor applied
// what the server offered, is what Expected asks for (see Check).
func (c PostCase) Accepts(doc string) bool {
	if c.Expected == nil {
		return doc == c.Prefix+c.Suffix
	}
	want := trimLineEnds(*c.Expected)
	rest, _, _ := strings.Cut(c.Suffix, "\n")
	for k := 0; k <= len(rest); k++ {
		if doc == c.Document(want, k) {
			return true
		}
	}
	return false
}

func trimLineEnds(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// PostOutcome is one case's result.
type PostOutcome struct {
	Case   PostCase
	Result postprocess.Result
	Pass   bool
}

// PostReport is the outcome of RunPost.
type PostReport struct {
	Outcomes []PostOutcome
	Passed   int
	// Decisions counts, per filter, the cases whose suggestion it changed.
	Decisions map[string]int
}

// RunPost runs every case through the server's post-processing.
func RunPost(cases []PostCase) PostReport {
	r := PostReport{Decisions: map[string]int{}}
	for _, c := range cases {
		res := postprocess.Process(c.Input())
		o := PostOutcome{Case: c, Result: res, Pass: c.Check(res.Text, res.Replace)}
		if o.Pass {
			r.Passed++
		}
		for _, f := range res.Changed {
			r.Decisions[f]++
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	return r
}

// Failures are the outcomes of the cases that failed.
func (r PostReport) Failures() []PostOutcome {
	var out []PostOutcome
	for _, o := range r.Outcomes {
		if !o.Pass {
			out = append(out, o)
		}
	}
	return out
}

// Write prints one line per case (failures with what was expected and
// what came out), the filters' decision counts and "N passed, M failed".
func (r PostReport) Write(w io.Writer) error {
	for _, o := range r.Outcomes {
		if o.Pass {
			fmt.Fprintf(w, "PASS %s\n", o.Case.Name)
			continue
		}
		want := "nothing"
		if o.Case.Expected != nil {
			want = fmt.Sprintf("%q", *o.Case.Expected)
		}
		fmt.Fprintf(w, "FAIL %s\n     want %s\n     got  %q replacing %q (filters: %s)\n", o.Case.Name, want,
			o.Result.Text, o.Case.Suffix[:min(o.Result.Replace, len(o.Case.Suffix))], strings.Join(o.Result.Changed, ", "))
	}
	names := make([]string, 0, len(r.Decisions))
	for n := range r.Decisions {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "\ncases each filter changed:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %d\n", n, r.Decisions[n])
	}
	failed := len(r.Failures())
	_, err := fmt.Fprintf(w, "\n%d passed, %d failed\n", r.Passed, failed)
	return err
}

package eval

import (
	"context"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/ghostline/ghostline/retrieval"
)

// target is a cursor with one identifier the prompt should carry: the
// member after `x.`, or the callee of the open call.
type target struct {
	q    retrieval.Query
	name string
}

var (
	memberRe = regexp.MustCompile(`\b[A-Za-z_$][\w$]*(?:\(\))?\.([A-Za-z_$][\w$]*)`)
	callRe   = regexp.MustCompile(`\b([A-Za-z_$][\w$]*)\(`)
	// notCallees are keywords that take parentheses.
	notCallees = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "return": true,
		"func": true, "function": true, "catch": true, "elif": true, "def": true, "print": true, "len": true,
		"make": true, "append": true, "sizeof": true, "typeof": true, "super": true, "assert": true}
)

// Declarer says whether a name is declared in the repository.
type Declarer interface {
	Declares(ctx context.Context, name string) (bool, error)
}

// drawTargets picks up to n cursors right after `x.` and n inside an open
// call, deterministically from seed, keeping those whose member or callee
// the repository declares (the others no retrieval can find). The rest
// of the cursor's line is hidden.
func drawTargets(ctx context.Context, d Declarer, files []*file, n int, seed uint64, budget int) (members, calls []target, err error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	declared := map[string]bool{}
	known := func(name string) (bool, error) {
		if v, ok := declared[name]; ok {
			return v, nil
		}
		v, err := d.Declares(ctx, name)
		declared[name] = v
		return v, err
	}
	for tries := 0; (len(members) < n || len(calls) < n) && tries < n*50; tries++ {
		f := files[rng.IntN(len(files))]
		if f.load() != nil {
			continue
		}
		start, end := f.randomLine(rng)
		line := f.text[start:end]
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "*") {
			continue
		}
		re, want := memberRe, &members
		if tries%2 == 1 {
			re, want = callRe, &calls
		}
		if len(*want) >= n {
			continue
		}
		ms := re.FindAllStringSubmatchIndex(line, -1)
		if len(ms) == 0 {
			continue
		}
		m := ms[rng.IntN(len(ms))]
		name := line[m[2]:m[3]]
		if notCallees[name] {
			continue
		}
		col := m[2] // after the dot
		if re == callRe {
			col = m[1] // after the paren
		}
		ok, err := known(name)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		text := f.text[:start+col] + f.text[end:]
		*want = append(*want, target{
			q:    retrieval.Query{Path: f.abs, Language: f.lang, Text: text, Offset: start + col, Budget: budget},
			name: name,
		})
	}
	return members, calls, nil
}

// targetRecall counts the targets whose prompt carries their name as has
// tells.
func targetRecall(ts []target, run func(sample) (retrieval.Prompt, error), has func(p retrieval.Prompt, name string) bool) (int, error) {
	n := 0
	for _, t := range ts {
		p, err := run(sample{q: t.q, file: &file{}})
		if err != nil {
			return 0, err
		}
		if has(p, t.name) {
			n++
		}
	}
	return n, nil
}

func hasIdent(p retrieval.Prompt, name string) bool {
	return identIn(p.Prefix, name) || identIn(p.Suffix, name)
}

// identIn: name occurs in s as a whole identifier.
func identIn(s, name string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return false
		}
		a, b := i+j, i+j+len(name)
		if (a == 0 || !isIdentByte(s[a-1])) && (b == len(s) || !isIdentByte(s[b])) {
			return true
		}
		i = a + 1
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// hasDeclaration: the prompt holds a line that declares name (a function,
// method or constructor signature), not only calls of it.
func hasDeclaration(p retrieval.Prompt, name string) bool {
	q := regexp.QuoteMeta(name)
	re := regexp.MustCompile(`(?m)(?:\b(?:func|def|fn|function)\s+(?:\([^)]*\)\s*)?` + q + `\s*[(\[<]` +
		`|^\s*(?:(?:public|private|protected|static|async|export|abstract|final|readonly|override|virtual|inline|const|[\w.<>\[\]*&:]+)\s+)*` + q + `\s*(?:<[^>]*>)?\([^)]*\)?\s*(?::[^=;{]*)?(?:\{|;|$|=>))`)
	return re.MatchString(p.Prefix) || re.MatchString(p.Suffix)
}

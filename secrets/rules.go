package secrets

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ghostline/ghostline/config"
)

// Rules are the built-in secret rules plus the user's. A Rules is immutable
// (but for RedactLines' memo) and safe for concurrent use; the zero value is not: use Default or For.
type Rules struct {
	paths    []string         // user globs
	patterns []*regexp.Regexp // user content patterns
	lines    lineCache        // RedactLines' memo
}

// Redacted replaces each secret value in text sent onward.
const Redacted = "[redacted]"

// A rule is one named content rule, applied to the lines that hold one of
// its literals (case-insensitively when fold is set): the prefilter keeps
// the rules at memory speed on code that holds no secret. re matches a
// secret, its group (0: the whole match) is the value; valid, if set, vets
// that value. The assignment rule has two value groups, quoted (2) and
// unquoted (3).
type rule struct {
	name     string
	literals []string
	fold     bool
	re       *regexp.Regexp
	group    int
	valid    func(value string, quoted bool) bool
	assign   bool
}

// rules are the known key formats (after gitleaks' published rules), then
// the generic ones.
var rules = []rule{
	{name: "aws-access-key-id", literals: []string{"AKIA", "ASIA", "ABIA", "ACCA", "A3T"}, re: regexp.MustCompile(`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`)},
	{name: "github-token", literals: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}, re: regexp.MustCompile(`\b(?:gh[pousr]_[0-9A-Za-z]{36,255}|github_pat_[0-9A-Za-z_]{22,255})\b`)},
	{name: "gitlab-token", literals: []string{"glpat-", "glptt-", "gldt-", "glrt-"}, re: regexp.MustCompile(`\bgl(?:pat|ptt|dt|rt)-[0-9A-Za-z_-]{20,}\b`)},
	{name: "stripe-key", literals: []string{"_live_", "_test_"}, re: regexp.MustCompile(`\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,99}\b`)},
	{name: "slack-token", literals: []string{"xox"}, re: regexp.MustCompile(`\bxox[abposr]-[0-9A-Za-z-]{10,}`)},
	{name: "slack-webhook", literals: []string{"hooks.slack.com/"}, re: regexp.MustCompile(`hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/_-]{20,}`)},
	{name: "google-api-key", literals: []string{"AIza"}, re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{name: "openai-anthropic-key", literals: []string{"sk-"}, re: regexp.MustCompile(`\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}`)},
	{name: "npm-token", literals: []string{"npm_"}, re: regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{name: "jwt", literals: []string{"eyJ"}, re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
	{name: "url-password", literals: []string{"://"}, re: regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:@/"'\x60]+:([^\s:@/"'\x60]+)@`), group: 1, valid: func(v string, _ bool) bool { return !placeholder(v) }},
	{name: "assignment", fold: true, literals: []string{"pass", "pwd", "secret", "token", "key", "credential"}, re: assignment, group: 2, valid: secretValue, assign: true},
}

// privateKey matches a private key block, or its start to the end of the
// text when the block is cut; group 1 is the key.
var privateKey = regexp.MustCompile(`^-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?s:(.*?))(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\z)`)

// assignment matches `name = value`, `name: value`, `"name": "value"`, …
// where the name says it holds a secret. Group 2 is the value, group 1 the
// quote it was in, if any.
var assignment = regexp.MustCompile(`(?i)(?:password|passwd|passphrase|\bpwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?|client[_-]?secret)[a-z0-9_.-]*["']?\s*(?::=|=>|==|=|:)\s*(?:([\x60"'])([^\x60"'\s]{4,})[\x60"']|([^\s"'\x60,;#(){}\[\]]{4,}))`)

// placeholder: values that stand for a secret rather than being one.
func placeholder(v string) bool {
	l := strings.ToLower(v)
	switch {
	case strings.ContainsAny(v, "$<>{}%") || strings.HasPrefix(l, "env") || strings.Contains(l, "getenv") || strings.Contains(l, "environ"):
		return true
	case strings.Trim(v, string(v[0])) == "": // xxxx, ****
		return true
	case l == "null" || l == "none" || l == "true" || l == "false" || l == "undefined" || l == "nil" || l == "required" || l == "optional":
		return true
	}
	return false
}

// secretValue vets an assignment's value: quoted values that are not
// placeholders count from 6 characters, or shorter with a digit or symbol;
// unquoted ones (code as often as config) need letters and digits mixed, or
// high entropy.
func secretValue(v string, quoted bool) bool {
	if placeholder(v) {
		return false
	}
	letters, digits, other := 0, 0, 0
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters++
		case r >= '0' && r <= '9':
			digits++
		case r != '_' && r != '-' && r != '.':
			other++
		}
	}
	if quoted {
		return len(v) >= 6 || digits > 0 || other > 0
	}
	return len(v) >= 6 && letters > 0 && (digits > 0 || other > 0) || len(v) >= 16 && entropy(v) >= 3.5
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	var n [256]int
	for i := 0; i < len(s); i++ {
		n[s[i]]++
	}
	h := 0.0
	for _, c := range n {
		if c > 0 {
			p := float64(c) / float64(len(s))
			h -= p * math.Log2(p)
		}
	}
	return h
}

var def = &Rules{}

// Default returns the built-in rules alone.
func Default() *Rules { return def }

// New returns the built-in rules plus the user's from settings. A pattern
// that does not compile is left out and reported in the error; the rules
// returned are usable either way.
func New(c config.Secrets) (*Rules, error) {
	r := &Rules{paths: slices.Clone(c.Paths)}
	var errs []string
	for _, g := range c.Paths {
		if _, err := path.Match(g, ""); err != nil {
			errs = append(errs, fmt.Sprintf("secrets.paths %q: %v", g, err))
		}
	}
	for _, p := range c.Patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			errs = append(errs, fmt.Sprintf("secrets.patterns %q: %v", p, err))
			continue
		}
		r.patterns = append(r.patterns, re)
	}
	if errs != nil {
		return r, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return r, nil
}

var last struct {
	sync.Mutex
	c     config.Secrets
	rules *Rules
	err   error
}

// For is New, remembering the last rules built, so that callers may ask
// for every request.
func For(c config.Secrets) (*Rules, error) {
	if len(c.Paths) == 0 && len(c.Patterns) == 0 {
		return def, nil
	}
	last.Lock()
	defer last.Unlock()
	if last.rules == nil || !slices.Equal(last.c.Paths, c.Paths) || !slices.Equal(last.c.Patterns, c.Patterns) {
		last.rules, last.err = New(c)
		last.c = config.Secrets{Paths: slices.Clone(c.Paths), Patterns: slices.Clone(c.Patterns)}
	}
	return last.rules, last.err
}

// Path reports whether the file at p (repository-relative or absolute)
// holds secrets by its name.
func (r *Rules) Path(p string) bool {
	if builtinPath(p) {
		return true
	}
	p = strings.ReplaceAll(p, "\\", "/")
	for _, g := range r.paths {
		if ok, _ := path.Match(g, p); ok {
			return true
		}
		if ok, _ := path.Match(g, path.Base(p)); ok {
			return true
		}
		// A relative glob also matches at the end of an absolute path.
		for i := strings.IndexByte(p, '/'); i >= 0 && !strings.HasPrefix(g, "/"); i = next(p, i) {
			if ok, _ := path.Match(g, p[i+1:]); ok {
				return true
			}
		}
	}
	return false
}

func next(p string, i int) int {
	j := strings.IndexByte(p[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// span is a secret value's byte range in a text, and the rule that found it.
type span struct {
	start, end int
	rule       string
}

// find returns the secret values in text, sorted and not overlapping.
func (r *Rules) find(text string) []span {
	var out []span
	for i := 0; ; {
		j := strings.Index(text[i:], "-----BEGIN")
		if j < 0 {
			break
		}
		i += j
		if m := privateKey.FindStringSubmatchIndex(text[i:]); m != nil && m[2] < m[3] {
			out = append(out, span{i + m[2], i + m[3], "private-key"})
			i += m[1]
			continue
		}
		i += len("-----BEGIN")
	}
	var lower string // text in lower case, made once if a rule folds
	for _, ru := range rules {
		hay := text
		if ru.fold {
			if lower == "" {
				lower = strings.ToLower(text)
			}
			hay = lower
		}
		for _, start := range candidateLines(hay, ru.literals) {
			line := text[start:lineEnd(text, start)]
			for _, m := range ru.re.FindAllStringSubmatchIndex(line, -1) {
				g, quoted := ru.group, ru.assign
				if ru.assign && m[2*3] >= 0 {
					g, quoted = 3, false
				}
				s, e := m[2*g], m[2*g+1]
				if s < 0 || s == e || ru.valid != nil && !ru.valid(line[s:e], quoted) {
					continue
				}
				out = append(out, span{start + s, start + e, ru.name})
			}
		}
	}
	out = append(out, highEntropy(text)...)
	for _, re := range r.patterns {
		for _, m := range re.FindAllStringIndex(text, -1) {
			if m[0] < m[1] {
				out = append(out, span{m[0], m[1], "secrets.patterns"})
			}
		}
	}
	if len(out) < 2 {
		return out
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	merged := out[:1]
	for _, s := range out[1:] {
		if l := &merged[len(merged)-1]; s.start <= l.end {
			l.end = max(l.end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// lineEnd is the offset of the end of the line of text that starts at
// start (its newline, or the end of text).
func lineEnd(text string, start int) int {
	if i := strings.IndexByte(text[start:], '\n'); i >= 0 {
		return start + i
	}
	return len(text)
}

// candidateLines returns the start of each line of text that holds one of
// literals, in order, each once. (strings.ToLower keeps byte offsets for
// ASCII; a text whose lower case changes length is searched as it is.)
func candidateLines(text string, literals []string) []int {
	var starts []int
	for _, lit := range literals {
		for i := 0; ; {
			j := strings.Index(text[i:], lit)
			if j < 0 {
				break
			}
			i += j
			starts = append(starts, strings.LastIndexByte(text[:i], '\n')+1)
			next := strings.IndexByte(text[i:], '\n')
			if next < 0 {
				break
			}
			i += next + 1
		}
	}
	slices.Sort(starts)
	return slices.Compact(starts)
}

// highEntropy finds runs of 40 or more base64 characters that look random
// (a key pasted whole, the body of a key block cut from its header).
func highEntropy(text string) []span {
	var out []span
	run := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && base64Char(text[i]) && (run == 0 || text[i-1] != '=' || text[i] == '=') {
			run++
			continue
		}
		if run >= 40 {
			if s := text[i-run : i]; entropy(s) >= 4.5 && !identifierLike(s) {
				out = append(out, span{i - run, i, "high-entropy"})
			}
		}
		run = 0
	}
	return out
}

// camelWord is a word of an identifier: "Reverse", "proxy".
var camelWord = regexp.MustCompile(`[A-Z]?[a-z]{2,}`)

// identifierLike tells a long identifier (TestReverseProxyInvalidUpstream100…)
// from random base64: most of its letters form words.
func identifierLike(s string) bool {
	if strings.ContainsAny(s, "+/=") {
		return false
	}
	n := 0
	for _, w := range camelWord.FindAllString(s, -1) {
		n += len(w)
	}
	return n*10 >= len(s)*7
}

func base64Char(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// Redact returns text with every secret value replaced by Redacted, and
// how many it replaced.
func (r *Rules) Redact(text string) (string, int) {
	spans := r.find(text)
	if len(spans) == 0 {
		return text, 0
	}
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, s := range spans {
		b.WriteString(text[at:s.start])
		b.WriteString(Redacted)
		at = s.end
	}
	b.WriteString(text[at:])
	return b.String(), len(spans)
}

// Refuse says why not to complete at byte offset off of the document at
// path with text, or "" to go ahead: never in a file the rules match by
// name or that holds a private key, nor on a line that holds a secret
// (the suggestion would be more of it).
func (r *Rules) Refuse(p, text string, off int) string {
	if r.Path(p) {
		return fmt.Sprintf("no suggestions in %s: the secret rules match its name", path.Base(strings.ReplaceAll(p, "\\", "/")))
	}
	if strings.Contains(text, "-----BEGIN") && slices.ContainsFunc(r.find(text), func(s span) bool { return s.rule == "private-key" }) {
		return fmt.Sprintf("no suggestions in %s: it holds a private key", path.Base(strings.ReplaceAll(p, "\\", "/")))
	}
	off = min(max(off, 0), len(text))
	start := strings.LastIndexByte(text[:off], '\n') + 1
	end := len(text)
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		end = off + i
	}
	if found := r.find(text[start:end]); len(found) > 0 {
		return fmt.Sprintf("no suggestions on a line that holds a secret (%s)", found[0].rule)
	}
	return ""
}

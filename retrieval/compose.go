package retrieval

import (
	"slices"
	"strings"

	"github.com/ghostline/ghostline/lang"
)

// The prompt's shares of the budget.
const (
	// declShare of the retrieved context is kept for declarations when
	// there are any; what they leave goes to snippets. More displaces
	// snippets that carry more (eval retrieval on Python's standard library
	// and zod: 0.4 lost up to 0.02 cross-file recall, 0.2 none).
	declShare        = 0.2
	minSnippetTokens = 48 // a part cut shorter than this is not worth its header
	minDeclTokens    = 16 // nor a declaration shorter than this
)

// Compose fits candidates (declarations and snippets from other files,
// best first) around the current file's prefix and suffix within q.Budget
// tokens. The suffix takes at most q.SuffixTokens (a quarter of the budget
// by default), as in InFile; retrieved context takes at least share of the
// rest (more when the prefix is short), declarations at most declShare of
// that. Snippets of one file that overlap or touch are merged; each part is
// headed by its path as a comment. In the prompt, declarations come first,
// then snippets, the best nearest the prefix, then the text below a
// capped suffix (cutAfter), then the prefix, cut at a line start.
func Compose(q Query, candidates []Part, share float64) Prompt {
	l := newLayout(q, share)
	return l.prompt(l.block(candidates, l.ctxBudget))
}

// layout is the division of one query's budget: the suffix, and the room
// the retrieved block and the prefix share.
type layout struct {
	q         Query
	share     float64
	prefix    string // the whole text before the cursor
	after            // suffix cut to its cap, and the text below it
	room      int    // tokens for block and prefix
	ctxBudget int    // tokens for the block at a fresh start
}

func newLayout(q Query, share float64) layout {
	if share <= 0 || share > 1 {
		share = DefaultContextShare
	}
	l := layout{q: q, share: share, prefix: q.Text[:q.Offset]}
	l.after = cutAfter(q)
	l.room = budgetOf(q) - EstimateTokens(l.suffix) - EstimateTokens(l.below)
	l.ctxBudget = l.blockBudget(0)
	return l
}

// blockBudget is what the block may take with reserve tokens kept free for
// the prefix to grow: at least share of the room, more when the prefix is
// short.
func (l layout) blockBudget(reserve int) int {
	return min(max(l.room-EstimateTokens(l.prefix)-reserve, l.minBlock()), l.room)
}

// minBlock is the room retrieved context keeps however long the prefix.
func (l layout) minBlock() int { return int(float64(l.room) * l.share) }

// language is the query's language, from its path when not given.
func (l layout) language() string {
	if l.q.Language != "" {
		return l.q.Language
	}
	return lang.Of(l.q.Path)
}

func (l layout) header(p string) string { return lang.Get(l.q.Language).Comment(p) + "\n" }

// block is the retrieved context of a prompt, in prompt order:
// declarations, then snippets.
type block struct {
	parts  []Part
	tokens int
	// headAt is where in the text before the cursor the prefix starts
	// when the block was held (see regions.choose); 0: cut tight.
	headAt int
}

// block chooses and renders the parts of the retrieved context within
// ctxBudget tokens. Snippets are chosen first, within what declShare
// leaves them when there are declarations; then the declarations within
// declShare, those the cursor names and those that name something the
// prompt does not hold yet (the visible prefix and suffix, the snippets,
// the declarations before it); then snippets again in what is left.
func (l layout) block(candidates []Part, ctxBudget int) block {
	var s selection
	snipBudget := ctxBudget
	if slices.ContainsFunc(candidates, func(c Part) bool { return c.Kind == PartDecl }) {
		snipBudget -= int(float64(ctxBudget) * declShare)
		s.known = l.visibleIdents(ctxBudget)
	}
	taken := make([]bool, len(candidates))
	l.addSnippets(&s, candidates, taken, snipBudget)
	if s.known != nil {
		l.addDecls(&s, candidates, min(ctxBudget, s.used+int(float64(ctxBudget)*declShare)))
		l.addSnippets(&s, candidates, taken, ctxBudget)
	}
	slices.Reverse(s.snips) // the best nearest the prefix
	return block{parts: append(s.decls, s.snips...), tokens: s.used}
}

// selection is a block being chosen.
type selection struct {
	decls, snips []Part
	used         int
	known        map[string]bool // identifiers the prompt holds so far
}

func (s *selection) learn(language, text string) {
	for _, id := range Identifiers(language, text) {
		s.known[id] = true
	}
}

// visibleIdents are the identifiers of the prefix and suffix that stay in
// the prompt however the block is filled.
func (l layout) visibleIdents(ctxBudget int) map[string]bool {
	known := map[string]bool{}
	for _, id := range Identifiers(l.language(), trimHead(l.prefix, l.room-ctxBudget)+l.suffix) {
		known[id] = true
	}
	return known
}

// addSnippets adds the snippets not taken yet, best first, while they fit
// in budget.
func (l layout) addSnippets(s *selection, candidates []Part, taken []bool, budget int) {
	for k, c := range candidates {
		if c.Kind != PartSnippet || taken[k] {
			continue
		}
		c.Text = withNewline(c.Text)
		if i := slices.IndexFunc(s.snips, func(p Part) bool {
			return p.Path == c.Path && c.StartLine <= p.EndLine+1 && p.StartLine <= c.EndLine+1
		}); i >= 0 {
			merged := mergeSnippets(s.snips[i], c, l.header(c.Path))
			if extra := merged.Tokens - s.snips[i].Tokens; s.used+extra <= budget {
				s.used += extra
				s.snips[i] = merged
				taken[k] = true
			}
			continue
		}
		cost := EstimateTokens(l.header(c.Path) + c.Text)
		if left := budget - s.used - EstimateTokens(l.header(c.Path)); cost > budget-s.used && left >= minSnippetTokens {
			// Too big for what is left: keep the head of the window.
			c.Text = withNewline(fitHead(c.Text, left))
			if n := strings.Count(c.Text, "\n"); n > 0 {
				c.EndLine = c.StartLine + n - 1
			}
			cost = EstimateTokens(l.header(c.Path) + c.Text)
		}
		if s.used+cost > budget || strings.TrimSpace(c.Text) == "" {
			continue // a smaller one further down may still fit
		}
		c.Text = l.header(c.Path) + c.Text
		c.Tokens = cost
		s.used += cost
		s.snips = append(s.snips, c)
		taken[k] = true
		if s.known != nil {
			s.learn(l.language(), c.Text)
		}
	}
}

// addDecls adds the declarations, best first, while they fit in budget:
// the targets, and the others that name something the prompt lacks.
// Those of one file share one header.
func (l layout) addDecls(s *selection, candidates []Part, budget int) {
	for _, c := range candidates {
		if c.Kind != PartDecl {
			continue
		}
		i := slices.IndexFunc(s.decls, func(p Part) bool { return p.Path == c.Path })
		hdr := 0
		if i < 0 {
			hdr = EstimateTokens(l.header(c.Path))
		}
		left := budget - s.used - hdr
		if left < minDeclTokens {
			continue // one of a file already shown may still fit
		}
		text := withNewline(c.Text)
		if !c.Target {
			text = l.novel(text, s.known)
		}
		if text == "" {
			continue
		}
		if EstimateTokens(text) > left {
			// Declarations carry more than doc comments: drop those first.
			text = withNewline(fitHead(dropComments(lang.Get(lang.Of(c.Path)), text), left))
			if strings.TrimSpace(text) == "" {
				continue
			}
		}
		s.learn(l.language(), text)
		cost := EstimateTokens(text) + hdr
		s.used += cost
		if i >= 0 {
			s.decls[i].Text += text
			s.decls[i].Tokens += cost
			continue
		}
		c.Text = l.header(c.Path) + text
		c.Tokens = cost
		s.decls = append(s.decls, c)
	}
}

// novel returns text when a line of it names something not in known,
// else "". A declaration is kept whole: without the lines the prompt
// already names, a struct would look empty.
func (l layout) novel(text string, known map[string]bool) string {
	for _, id := range Identifiers(l.language(), text) {
		if !known[id] {
			return text
		}
	}
	return ""
}

// prompt lays out b, then the prefix trimmed to what b leaves of the room,
// then the suffix.
func (l layout) prompt(b block) Prompt {
	// Cut tight: a prompt held for a region has its cut (headAt), and
	// the others are one-offs.
	prefix := fitTail(l.prefix, l.room-b.tokens)
	if b.headAt > 0 {
		prefix = l.prefix[b.headAt:]
	}
	var s strings.Builder
	parts := make([]Part, 0, len(b.parts)+3)
	for _, p := range b.parts {
		s.WriteString(p.Text)
		parts = append(parts, p)
	}
	if l.below != "" {
		s.WriteString(l.below)
		parts = append(parts, l.belowPart(l.q))
	}
	s.WriteString(prefix)
	parts = append(parts,
		Part{Kind: PartPrefix, Path: l.q.Path, Tokens: EstimateTokens(prefix), Text: prefix},
		Part{Kind: PartSuffix, Path: l.q.Path, Tokens: EstimateTokens(l.suffix), Text: l.suffix})
	out := Prompt{Prefix: s.String(), Suffix: l.suffix, Parts: parts}
	out.Tokens = EstimateTokens(out.Prefix) + EstimateTokens(out.Suffix)
	return out
}

// DefaultContextShare is the least share of the budget (after the suffix)
// given to retrieved context when the prefix would fill it.
const DefaultContextShare = 0.5

// dropComments removes the lines of a skeleton in language l that hold
// comments or strings (Python's docstrings) and no code.
func dropComments(l *lang.Language, s string) string {
	var b strings.Builder
	line, code, other := 0, false, false // the current line's start; what it holds
	l.Scan(s, lang.State{}, func(sp lang.Span) {
		for i := sp.Start; i < sp.End; i++ {
			switch {
			case s[i] == '\n':
				if code || !other {
					b.WriteString(s[line : i+1])
				}
				line, code, other = i+1, false, false
			case s[i] == ' ' || s[i] == '\t' || s[i] == '\r':
			case sp.Class == lang.Code:
				code = true
			default:
				other = true
			}
		}
	})
	if code || !other {
		b.WriteString(s[line:])
	}
	return b.String()
}

func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// mergeSnippets joins two overlapping or adjacent windows of one file; a
// is already headed by hdr, b is not.
func mergeSnippets(a, b Part, hdr string) Part {
	aLines := strings.SplitAfter(strings.TrimPrefix(a.Text, hdr), "\n")
	bLines := strings.SplitAfter(b.Text, "\n")
	aLines, bLines = trimEmpty(aLines), trimEmpty(bLines)
	start, end := min(a.StartLine, b.StartLine), max(a.EndLine, b.EndLine)
	lines := make([]string, end-start+1)
	for i, l := range bLines {
		if k := b.StartLine - start + i; k >= 0 && k < len(lines) {
			lines[k] = l
		}
	}
	for i, l := range aLines {
		if k := a.StartLine - start + i; k >= 0 && k < len(lines) {
			lines[k] = l
		}
	}
	a.Text = hdr + strings.Join(lines, "")
	a.StartLine, a.EndLine = start, end
	a.Score = max(a.Score, b.Score)
	a.Tokens = EstimateTokens(a.Text)
	return a
}

// trimEmpty drops the empty string SplitAfter leaves after a final newline.
func trimEmpty(l []string) []string {
	if n := len(l); n > 0 && l[n-1] == "" {
		return l[:n-1]
	}
	return l
}

package builtin

import (
	"context"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/ghostline/ghostline/lang"
	"github.com/ghostline/ghostline/model"
)

const (
	// The cache model reads at most this much of the prompt around the cursor.
	maxCachePrefix = 32 << 10
	maxCacheSuffix = 8 << 10
	beamWidth      = 4
	// perStep is how many continuations of one hypothesis are kept.
	perStep = 6
	// maxLineTokens bounds one generated line.
	maxLineTokens = 40
	// maxExtraLines bounds a multi-line block after the cursor's line.
	maxExtraLines = 4
	// multiLineMinLogProb is the mean log-probability per token a line needs
	// before the model goes on to, or keeps, another line (about 0.7).
	multiLineMinLogProb = -0.35
	// maxShortCands: a cache context of fewer than two tokens offers its
	// successors as candidates only when it has at most this many.
	maxShortCands = 16
	// cacheOrder is the n-gram order of the cache model: the prompt is
	// small, so its longer contexts cost little, and they let the model
	// copy what the file and its retrieved neighbours already spell out
	// (zod src, 200 cursors: exact match 0.260 → 0.340 with retrieval
	// on, at order 7 against 5; 9 adds nothing).
	cacheOrder = 7
	// partialScan bounds how many vocabulary tokens matching a partly typed
	// token are scored directly.
	partialScan = 256
)

// Complete implements model.Backend: it predicts the rest of the line (and,
// unless req.SingleLine, following lines while it is confident) from the
// n-gram counts mixed with a cache model of the prompt itself.
func (m *Model) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	res := model.Result{Model: m.Name(), Backend: "builtin"}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	language := req.Language
	if language == "" {
		language = lang.Of(req.Path)
	}
	retrieved, prefix, whole := splitContext(req, language)
	var st lang.State
	if whole {
		st = req.FileState
	}
	toks, end, trailingSpace := lexFrom(prefix, language, st, true)
	if end == lang.Comment || len(toks) == 0 {
		return res, nil
	}
	last := prefix[len(prefix)-1]
	partial := ""
	// A string literal the cursor is after is whole: nothing extends it.
	closed := end == lang.Code && isQuoted(toks[len(toks)-1])
	if last != ' ' && last != '\t' && last != '\n' && last != '\r' && !closed {
		partial = toks[len(toks)-1]
		toks = toks[:len(toks)-1]
		if partial == longString {
			return res, nil
		}
	}
	// Right after `x.` (or in a member typed after it) with the members
	// retrieval resolved, the member is the next token.
	afterDot := len(req.Members) > 0 && (partial == "." || len(toks) > 0 && toks[len(toks)-1] == ".")
	if afterDot && partial == "." {
		toks, partial = append(toks, partial), ""
	}
	suffix := req.Suffix[:min(len(req.Suffix), maxCacheSuffix)]
	sufToks, _, _ := lex(suffix, language, false)

	m.mu.RLock()
	defer m.mu.RUnlock()
	s := m.newSearch(language, toks, sufToks, retrieved)
	defer s.cache.release()
	s.partial, s.needSpace, s.afterWhole = partial, trailingSpace, closed
	s.setAbove(prefix)
	if afterDot {
		s.setMembers(req.Members)
	}
	if len(toks) <= 1 && lang.Get(language).Family == "go" {
		s.setPackages(m.dirPackages(req.Path))
	}
	s.setIndent(prefix)
	maxTok := req.MaxTokens
	if maxTok <= 0 {
		maxTok = 64
	}
	line, err := s.line(ctx, s.hist, true, maxTok)
	if err != nil {
		return res, err
	}
	out := []string{s.render(line.out, len(partial), trailingSpace)}
	logp, ntok := line.logp, len(line.out)+btoi(line.ended)
	if !req.SingleLine && line.ended && len(line.out) > 0 && logp/float64(ntok) >= multiLineMinLogProb {
		level := 0
		for prev := line; len(out) <= maxExtraLines && ntok < maxTok; {
			next, err := s.line(ctx, prev.hist, false, maxTok-ntok)
			if err != nil {
				return res, err
			}
			n := len(next.out) + 1
			if !next.ended || len(next.out) == 0 || next.logp/float64(n) < multiLineMinLogProb {
				break
			}
			d, _ := newlineDelta(s.str(prev.end))
			if level += d; level < -s.baseLevel {
				break
			}
			out = append(out, s.indent(level)+s.render(next.out, 0, false))
			logp, ntok, prev = logp+next.logp, ntok+n, next
		}
	}
	res.Text = applyStops(strings.Join(out, "\n"), req.Stop)
	res.Tokens = ntok
	if ntok > 0 {
		res.Confidence, res.HasConfidence = logp/float64(ntok), true
	}
	return res, nil
}

// splitContext separates the retrieved parts at the head of req.Prefix,
// each lexed on its own, from the current file's text before the cursor
// (its last maxCachePrefix bytes; whole when that is all of it). The parts
// nearest the cursor fill what is left of maxCachePrefix.
func splitContext(req model.Request, language string) (retrieved [][]string, prefix string, whole bool) {
	current := req.Prefix
	for _, part := range req.Context {
		if !strings.HasPrefix(current, part) {
			// Not the prompt's head after all: one text, as before retrieval.
			prefix = tailAtLine(req.Prefix, maxCachePrefix)
			return nil, prefix, false
		}
		current = current[len(part):]
	}
	prefix = tailAtLine(current, maxCachePrefix)
	whole = len(prefix) == len(current)
	room := maxCachePrefix - len(prefix)
	for i := len(req.Context) - 1; i >= 0 && room > 0; i-- {
		part := tailAtLine(req.Context[i], room)
		room -= len(part)
		toks, _, _ := lex(part, language, false)
		retrieved = append(retrieved, toks)
	}
	return retrieved, prefix, whole
}

// tailAtLine keeps at most n bytes of the end of s, starting at a line.
func tailAtLine(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func applyStops(s string, stops []string) string {
	for _, st := range stops {
		if st == "" {
			continue
		}
		if i := strings.Index(s, st); i >= 0 {
			s = s[:i]
		}
	}
	return s
}

// search holds one request's state: its token ids (tokens the vocabulary
// lacks get request-local ids) and the cache model built from the prompt.
type search struct {
	m         *Model
	lang      uint32
	hasLang   bool
	local     map[string]uint32
	localStrs []string
	cache     *cacheModel
	hist      []uint32
	partial   string
	needSpace bool
	// afterWhole: the cursor is right after a token nothing extends (a
	// closed string literal), so the next may come spaced or not.
	afterWhole bool
	// indentation of the cursor line, for rendering further lines.
	baseLevel int
	unit      string
	// members may follow the `.` before the cursor (model.Request.Members).
	members map[uint32]bool
	// pkgNames are the package names a Go file's `package` (pkgID) may
	// take at the file's head (dirPackages).
	pkgNames map[uint32]bool
	pkgID    uint32
	// order is the longest n-gram the request looks up (the cache's).
	order int
	// linePrefix is the cursor line before the cursor; above, the last
	// non-blank line before it, trimmed.
	linePrefix, above string
}

// memberBoost weighs a member of the receiver's type, right after its
// `.`, against the other tokens the counts suggest there: retrieval
// resolved what stands before the dot, the counts only know what often
// follows one (and resolution may miss a member, or be wrong).
const memberBoost = 8

// setMembers makes names candidates, boosted, for the token after the
// cursor's `.`; the counts (the repository's and the prompt's) rank them.
func (s *search) setMembers(names []string) {
	if len(names) == 0 {
		return
	}
	s.members = make(map[uint32]bool, len(names))
	for _, id := range s.ids(names) {
		s.members[id] = true
	}
}

const localBase = 1 << 31

// The cache model counts the current file fileWeight times and each
// retrieved part contextWeight times: other files' code is evidence of the
// code base's habits, weaker than the file being written.
const (
	fileWeight    = 2
	contextWeight = 1
)

func (m *Model) newSearch(lang string, prefix, suffix []string, retrieved [][]string) *search {
	n := len(prefix) + len(suffix)
	for _, r := range retrieved {
		n += len(r)
	}
	s := &search{m: m, local: map[string]uint32{}, order: max(m.opt.Order, cacheOrder)}
	s.cache = newCacheModel(n * s.order)
	s.lang, s.hasLang = m.langs[lang]
	for _, r := range retrieved {
		s.cache.learn(s.ids(r), s.order, contextWeight)
	}
	s.hist = s.ids(prefix)
	s.cache.learn(s.hist, s.order, fileWeight)
	s.cache.learn(s.ids(suffix), s.order, fileWeight)
	return s
}

func (s *search) ids(toks []string) []uint32 {
	out := make([]uint32, len(toks))
	for i, t := range toks {
		if id, ok := s.m.vocab.ids[t]; ok {
			out[i] = id
			continue
		}
		id, ok := s.local[t]
		if !ok {
			id = localBase + uint32(len(s.localStrs))
			s.local[t] = id
			s.localStrs = append(s.localStrs, t)
		}
		out[i] = id
	}
	return out
}

func (s *search) str(id uint32) string {
	if id >= localBase {
		return s.localStrs[id-localBase]
	}
	return s.m.vocab.strs[id]
}

// dist is the next-token distribution after one history: for each context
// length, the global entry and the cache context where they exist.
type dist struct {
	gk    []uint64
	ge    []*entry
	cc    []*cctx
	cache *cacheModel
	v     float64 // vocabulary size for the add-one base
}

// cacheBoost weighs a count in the prompt against a count elsewhere in the
// repository: code repeats itself locally (Hellendoorn & Devanbu's cache).
const cacheBoost = 2

func (s *search) dist(hist []uint32) *dist {
	d := &dist{cache: s.cache, v: float64(len(s.m.vocab.strs) + len(s.localStrs))}
	ck := uint64(cacheRoot)
	for k := 0; k < s.order && k <= len(hist); k++ {
		ctx := hist[len(hist)-k:]
		if k > 0 {
			ck = cacheKey(ck, ctx[0])
		}
		var ge *entry
		var gk uint64
		if s.hasLang && k < s.m.opt.Order {
			gk = ctxKey(s.lang, ctx)
			if e, ok := s.m.tab.getCtx(gk); ok {
				ge = &e
			}
		}
		cc := s.cache.lookup(ck)
		if ge == nil && cc == nil {
			break // a longer context cannot have been seen either
		}
		d.gk, d.ge, d.cc = append(d.gk, gk), append(d.ge, ge), append(d.cc, cc)
	}
	return d
}

// prob is Witten-Bell interpolation over the repository's counts with the
// prompt's counts added, boosted, at every context length.
func (s *search) prob(d *dist, id uint32) float64 {
	p := 1 / d.v
	for k := range d.ge {
		var c, total, distinct float64
		if e := d.ge[k]; e != nil {
			if id < localBase {
				c = float64(s.m.tab.count(d.gk[k], e, id))
			}
			total, distinct = float64(e.total), float64(e.distinct())
		}
		if cc := d.cc[k]; cc != nil {
			c += cacheBoost * float64(s.cache.count(cc, id))
			total += cacheBoost * float64(cc.total)
			distinct += float64(cc.distinct)
		}
		if k == 0 {
			p = (c + 1) / (total + d.v)
			continue
		}
		p = (c + distinct*p) / (total + distinct)
	}
	return p
}

// candidates lists plausible next tokens: the inline top successors of every
// global context and every successor in the cache contexts, past the
// unigram level (whose top is rarely right when a longer context exists).
func (d *dist) candidates(buf []uint32) []uint32 {
	for k := range d.ge {
		if k == 0 && len(d.ge) > 1 {
			continue
		}
		if e := d.ge[k]; e != nil {
			for j, id := range e.ids {
				if e.cnt[j] > 0 {
					buf = append(buf, id)
				}
			}
		}
		// Short cache contexts ("(", ".") have many successors; scoring
		// them all would cost more than it finds.
		if cc := d.cc[k]; cc != nil && (k >= 2 || cc.distinct <= maxShortCands) {
			buf = d.cache.successors(cc, buf)
		}
	}
	slices.Sort(buf)
	return slices.Compact(buf)
}

type hyp struct {
	hist  []uint32
	out   []uint32
	logp  float64
	ended bool   // the line ended
	end   uint32 // the line-break token that ended it
}

type scored struct {
	id uint32
	p  float64
}

// line runs a beam search for one line from hist. On the cursor's line
// (first) the partly typed token and a typed space constrain the first
// token. A line ends with any line-break token: their probabilities are
// summed (the line's end), and the likeliest says how the next line is
// indented.
func (s *search) line(ctx context.Context, hist []uint32, first bool, maxTok int) (hyp, error) {
	var breaks []uint32
	for delta := -4; delta <= 3; delta++ {
		if id, ok := s.id(newlineToken(delta)); ok {
			breaks = append(breaks, id)
		}
	}
	beam := []hyp{{hist: hist}}
	var done []hyp
	var buf []uint32
	for step := 0; step < min(maxLineTokens, maxTok) && len(beam) > 0; step++ {
		if err := ctx.Err(); err != nil {
			return hyp{}, err
		}
		constrained := step == 0 && first
		var next []hyp
		for _, h := range beam {
			d := s.dist(h.hist)
			var ids []uint32
			if constrained && s.partial != "" {
				ids = s.partialMatches(d, buf[:0])
			} else {
				ids = d.candidates(buf[:0])
			}
			boosted, only := s.boosted(h.hist, constrained)
			if boosted != nil {
				ids = s.boostedMatches(ids, boosted, constrained, only)
			}
			var cands []scored
			sum := 0.0
			for _, id := range ids {
				t := s.str(id)
				if id == unk || strings.IndexByte(t, 0) >= 0 { // line breaks are scored below; longString never
					continue
				}
				if constrained && s.partial == "" && !s.afterWhole && s.needSpace != strings.HasPrefix(t, " ") {
					continue
				}
				p := s.prob(d, id)
				if boosted[id] {
					p *= memberBoost
				}
				sum += p
				cands = append(cands, scored{id, p})
			}
			// The end of the line, unless a space was just typed.
			var endP float64
			var end uint32
			if !(constrained && s.needSpace) {
				for _, id := range breaks {
					p := s.prob(d, id)
					if p > endP || endP == 0 {
						end = id
					}
					endP += p
				}
				sum += endP
			}
			// The first token of the cursor's line is chosen among those the
			// typed text allows: renormalise over them.
			norm := 1.0
			if constrained && sum > 0 {
				norm = sum
			}
			if endP > 0 && len(h.out)+btoi(!first) > 0 && !s.afterDot(h.hist) && !(first && s.repeatsAbove(h.out)) {
				done = append(done, hyp{hist: append(slices.Clip(h.hist), end), out: h.out, logp: h.logp + math.Log(endP/norm), ended: true, end: end})
			}
			slices.SortFunc(cands, func(a, b scored) int {
				if c := cmpFloat(b.p, a.p); c != 0 {
					return c
				}
				return int(a.id) - int(b.id)
			})
			for _, c := range cands[:min(perStep, len(cands))] {
				next = append(next, hyp{hist: append(slices.Clip(h.hist), c.id), out: append(slices.Clip(h.out), c.id), logp: h.logp + math.Log(c.p/norm)})
			}
		}
		slices.SortStableFunc(next, func(a, b hyp) int { return cmpFloat(b.logp, a.logp) })
		beam = next[:min(beamWidth, len(next))]
		// Probabilities only shrink: once a finished line beats every open
		// one, nothing can overtake it.
		if best := bestOf(done); best >= 0 && (len(beam) == 0 || done[best].logp >= beam[0].logp) {
			return done[best], nil
		}
		for i := range beam {
			if len(beam[i].hist) > 64 {
				beam[i].hist = beam[i].hist[len(beam[i].hist)-s.order:]
			}
		}
	}
	if best := bestOf(done); best >= 0 {
		return done[best], nil
	}
	if len(beam) > 0 {
		return beam[0], nil
	}
	return hyp{hist: hist}, nil
}

// afterDot reports whether hist ends with a `.`: no line ends there,
// however flat the distribution of the members that may follow (where
// no member is likely on its own, the back-off gives the line's end more
// than any of them).
func (s *search) afterDot(hist []uint32) bool {
	id, ok := s.id(".")
	return ok && len(hist) > 0 && hist[len(hist)-1] == id
}

// setAbove records the cursor line's text before the cursor and the last
// non-blank line above it.
func (s *search) setAbove(prefix string) {
	i := strings.LastIndexByte(prefix, '\n')
	s.linePrefix = prefix[i+1:]
	if i >= 0 {
		before := strings.TrimRight(prefix[:i], "\n \t")
		s.above = strings.TrimSpace(before[strings.LastIndexByte(before, '\n')+1:])
	}
}

// repeatsAbove reports whether the cursor's line completed with out would
// repeat the line above it word for word: post-processing cuts such a line
// (a line of only brackets and punctuation may repeat), so the search
// finishes another.
func (s *search) repeatsAbove(out []uint32) bool {
	line := strings.TrimSpace(s.linePrefix + s.render(out, len(s.partial), s.needSpace))
	return line == s.above && strings.ContainsFunc(line, unicode.IsLetter)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// boosted is the set of tokens boosted after hist: the members of x's
// type for the cursor's own token after `x.`; right after a Go file's
// `package`, the directory's package names, the only candidates there
// (only: a file's package is its directory's); nil elsewhere.
func (s *search) boosted(hist []uint32, constrained bool) (set map[uint32]bool, only bool) {
	switch {
	case constrained && len(s.members) > 0:
		return s.members, false
	case len(s.pkgNames) > 0 && len(hist) == 1 && hist[0] == s.pkgID:
		return s.pkgNames, true
	}
	return nil, false
}

// boostedMatches adds to ids (or, only, puts in their place) the boosted
// tokens, on the cursor's own token (constrained) those that extend what
// is typed, without repeats, in id order.
func (s *search) boostedMatches(ids []uint32, boosted map[uint32]bool, constrained, only bool) []uint32 {
	n := len(ids)
	for id := range boosted {
		if !constrained || strings.HasPrefix(s.str(id), s.partial) {
			ids = append(ids, id)
		}
	}
	if only && len(ids) > n { // unless what is typed is none of them
		ids = ids[n:]
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// partialMatches lists tokens that extend the partly typed token.
func (s *search) partialMatches(d *dist, buf []uint32) []uint32 {
	if s.m.vocab.withPrefix(s.partial, partialScan, func(id uint32) { buf = append(buf, id) }) {
		for t, id := range s.local {
			if strings.HasPrefix(t, s.partial) {
				buf = append(buf, id)
			}
		}
		return buf
	}
	// Too many to score: keep those the contexts suggest.
	buf = buf[:0]
	for _, id := range d.candidates(nil) {
		if strings.HasPrefix(s.str(id), s.partial) {
			buf = append(buf, id)
		}
	}
	if id, ok := s.id(s.partial); ok {
		buf = append(buf, id)
	}
	return buf
}

// id looks a token up in the vocabulary, then among the request's own.
func (s *search) id(tok string) (uint32, bool) {
	if id, ok := s.m.vocab.ids[tok]; ok {
		return id, true
	}
	id, ok := s.local[tok]
	return id, ok
}

func bestOf(hs []hyp) int {
	best := -1
	for i, h := range hs {
		if best < 0 || h.logp > hs[best].logp {
			best = i
		}
	}
	return best
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// render turns generated tokens into text: the part of the first token
// already typed (skip bytes, or its separating space) is dropped.
func (s *search) render(ids []uint32, skip int, typedSpace bool) string {
	var b strings.Builder
	for i, id := range ids {
		t := s.str(id)
		if i == 0 {
			if typedSpace {
				t = strings.TrimPrefix(t, " ")
			}
			t = t[min(skip, len(t)):]
		}
		b.WriteString(t)
	}
	return b.String()
}

func (s *search) indent(level int) string {
	return strings.Repeat(s.unit, max(0, s.baseLevel+level))
}

// setIndent records the cursor line's indentation and the document's
// indentation unit, so further lines are indented as the document is.
func (s *search) setIndent(prefix string) {
	line := prefix[strings.LastIndexByte(prefix, '\n')+1:]
	ws := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	s.unit = strings.Repeat(" ", detectSpaceUnit(prefix))
	if strings.HasPrefix(ws, "\t") || (ws == "" && strings.Contains(prefix, "\n\t")) {
		s.unit = "\t"
	}
	s.baseLevel = strings.Count(ws, "\t") + strings.Count(ws, " ")/len(s.unit)
	if s.unit == "\t" {
		s.baseLevel = strings.Count(ws, "\t")
	}
}

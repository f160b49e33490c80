package retrieval

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// The retrieved block is held per region so that a model server's prompt
// cache keeps it while the user types there:
//
//   - A region is one file's enclosing top-level block: the text from the
//     nearest line above the cursor that starts in column 0 (not blank,
//     not a closing bracket) — a function, a type, a class — for at most
//     regionLines lines from where the block was computed.
//   - Entering a region (another file, another top-level block, a move of
//     more than regionLines lines, other budget settings) computes the
//     block afresh.
//   - Inside the region the query still runs at every request (it is
//     cheap), and its fresh block replaces the held one only when it is
//     clearly better (see clearlyBetter): its score is more than replaceMargin
//     above the held block's, rescored by the same query. The margin
//     doubles with each replacement in the region, so that two blocks
//     the query swings between do not take turns.
//   - When the prefix has grown past what the held block leaves it and
//     the block took more than its guaranteed share, the block is
//     recomputed with headSlack tokens kept free for the prefix to grow.
const (
	regionLines = 40
	// replaceMargin: a fresh block replaces the held one when its score
	// exceeds the held block's by this share. At 0.5 the BM25
	// declarations of each line's names (Open, then Delete) replaced the
	// block within a function, at 1.0 still a line calling i.i.Delete
	// with another type's Delete (bench prompt-reuse --why).
	replaceMargin = 2.0
	// headReserve is what a new cut above the prefix leaves free, in
	// tokens: the prefix grows by this much before the cut moves again.
	// It is budget the prompt leaves unused, which costs recall (eval
	// retrieval's region-stable row).
	headReserve = 64
	// maxRegions bounds the files whose blocks are held.
	maxRegions = 64
)

// region is where a held block was computed.
type region struct {
	start        int    // line of the enclosing top-level block, -1: none found
	head         string // that line's text
	anchor       int    // the cursor's line when the block was computed
	budget       int
	suffixTokens int
}

// same reports whether r and o are one region: the same block, the cursor
// within regionLines lines of the anchor, the same budget.
func (r region) same(o region) bool {
	d := r.anchor - o.anchor
	return r.start == o.start && r.head == o.head && d <= regionLines && -d <= regionLines &&
		r.budget == o.budget && r.suffixTokens == o.suffixTokens
}

// regionAt finds the region of q's cursor. Its start is looked for above
// the cursor's line, so that typing a new top-level line does not start a
// region per keystroke.
func regionAt(q Query) region {
	before := q.Text[:q.Offset]
	line := strings.Count(before, "\n")
	r := region{start: -1, anchor: line, budget: budgetOf(q), suffixTokens: suffixTokens(q)}
	from := strings.LastIndexByte(before, '\n') + 1
	for n := line - 1; n >= 0 && line-n <= maxRegionScan; n-- {
		end := from - 1
		from = strings.LastIndexByte(before[:end], '\n') + 1
		if l := before[from:end]; isRegionStart(l) {
			r.start, r.head = n, l
			break
		}
	}
	return r
}

// maxRegionScan bounds the lines looked at above the cursor for the start
// of its region.
const maxRegionScan = 2000

func lineEnd(text string, from int) int {
	if i := strings.IndexByte(text[from:], '\n'); i >= 0 {
		return from + i
	}
	return len(text)
}

// isRegionStart reports whether a line starts a top-level block.
func isRegionStart(l string) bool {
	if l == "" {
		return false
	}
	switch l[0] {
	case ' ', '\t', '\r', '}', ')', ']':
		return false
	}
	return true
}

// regions holds one block per file. Safe for concurrent use.
type regions struct {
	mu   sync.Mutex
	held map[string]*heldBlock // by query path
}

type heldBlock struct {
	region   region
	block    block
	replaced int               // times a clearly better block replaced it in this region
	hashes   map[string]string // of the parts' files when they were read
}

// choose returns the block for q: the held one while q is in its region,
// its files unchanged (hash gives a file's content hash in the index, ""
// when gone) and nothing replaces it, else fresh (or one computed for the
// grown prefix), which is then held.
func (rs *regions) choose(q Query, l layout, candidates []Part, fresh block, hash func(path string) string) block {
	r := regionAt(q)
	rs.mu.Lock()
	h := rs.held[q.Path]
	rs.mu.Unlock()
	b, replaced, kept := fresh, 0, false
	switch {
	case h == nil || !h.region.same(r) || !h.current(hash):
	case h.block.tokens > l.minBlock() && EstimateTokens(l.prefix) > l.room-h.block.tokens:
		// The prefix outgrew what the block leaves it: shrink the block,
		// with room for the prefix to grow on.
		b = l.block(candidates, l.blockBudget(headSlack))
	case !clearlyBetter(fresh, h.block, candidates, h.replaced):
		b, r, replaced, kept = h.block, h.region, h.replaced, true
	default:
		r, replaced = h.region, h.replaced+1
	}
	// The cut above the prefix stays with the block while the prefix fits
	// below it (a moved cut changes everything after the block). A new cut
	// leaves headReserve tokens free for the prefix to grow.
	if room := l.room - b.tokens; !kept || b.headAt <= 0 || b.headAt > len(l.prefix) || l.prefix[b.headAt-1] != '\n' ||
		EstimateTokens(l.prefix[b.headAt:]) > room {
		b.headAt = 0
		if EstimateTokens(l.prefix) > room {
			b.headAt = len(l.prefix) - len(fitTail(l.prefix, room-min(headReserve, room/slackPart)))
		}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.held == nil || len(rs.held) >= maxRegions && rs.held[q.Path] == nil {
		rs.held = map[string]*heldBlock{}
	}
	nh := &heldBlock{region: r, block: b, replaced: replaced, hashes: map[string]string{}}
	for _, p := range b.parts {
		nh.hashes[p.Path] = hash(p.Path)
	}
	rs.held[q.Path] = nh
	return b
}

// current reports whether the files h's parts came from are unchanged
// (and were known to the index when read: its file list may lag its
// search by a moment).
func (h *heldBlock) current(hash func(path string) string) bool {
	for p, sum := range h.hashes {
		if sum == "" || hash(p) != sum {
			return false
		}
	}
	return true
}

// clearlyBetter reports whether fresh is clearly better than held by the current
// candidates: its best parts' score, as many as held has, is more than
// replaceMargin above held's, or its
// best part that held lacks scores that much above held's best part. Each
// held part counts its best matching candidate's score, or, when none
// matches, floor's for a snippet and the score it was held with for a
// declaration: resolution looks at the names around the cursor, which
// change from line to line, and a declaration resolved in the region
// stays as relevant to it while they do (counted as 0, every line with
// other names replaced the block). Resolved declarations rank above every
// hit without a score of their own: here they count as much as the best
// hit, so that they are weighed with the rest, not above it.
func clearlyBetter(fresh, held block, candidates []Part, replaced int) bool {
	if len(candidates) == 0 || len(fresh.parts) == 0 {
		return false
	}
	var topHit float64
	for _, c := range candidates {
		if !resolved(c) {
			topHit = max(topHit, c.Score)
		}
	}
	score := func(p Part) float64 {
		if resolved(p) {
			return topHit
		}
		return p.Score
	}
	var sum, best float64
	for _, p := range held.parts {
		s := floor(p.Kind, candidates)
		if p.Kind == PartDecl {
			s = score(p)
		}
		for _, c := range candidates {
			if overlaps(c, p) {
				s = max(s, score(c))
			}
		}
		sum += s
		best = max(best, s)
	}
	var newBest float64
	scores := make([]float64, 0, len(fresh.parts))
	for _, p := range fresh.parts {
		scores = append(scores, score(p))
		if !slices.ContainsFunc(held.parts, func(h Part) bool { return overlaps(h, p) }) {
			newBest = max(newBest, score(p))
		}
	}
	// As many of the fresh block's best parts as held has: a fresh block
	// with room for one more part is not better for that alone.
	slices.SortFunc(scores, func(a, b float64) int { return cmp.Compare(b, a) })
	var top float64
	for _, s := range scores[:min(len(scores), max(len(held.parts), 1))] {
		top += s
	}
	margin := 1 + replaceMargin*float64(int(1)<<min(replaced, 8))
	return top > margin*sum || newBest > margin*best
}

// resolved reports whether p is a declaration resolution found at the
// cursor (ranked by resolvedScore, less its place).
func resolved(p Part) bool { return p.Kind == PartDecl && p.Score > resolvedScore/2 }

// floor is what a part of kind that the search did not return may score
// at most: nothing when the kind is not searched by rank or the search
// returned fewer hits than it asks for (it found all that match), else
// the weakest hit's score.
func floor(kind PartKind, candidates []Part) float64 {
	if kind != PartSnippet {
		return 0
	}
	n, weakest := 0, math.Inf(1)
	for _, c := range candidates {
		if c.Kind == kind {
			n++
			weakest = min(weakest, c.Score)
		}
	}
	if n < topHits {
		return 0
	}
	return weakest
}

// overlaps reports whether a and b are the same declaration part or
// snippets of one file that share lines.
func overlaps(a, b Part) bool {
	return a.Kind == b.Kind && a.Path == b.Path && (a.Kind != PartSnippet || a.StartLine <= b.EndLine && b.StartLine <= a.EndLine)
}

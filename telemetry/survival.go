package telemetry

import (
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// SurvivalOptions configure a Survival tracker; zero values take the defaults.
type SurvivalOptions struct {
	// Checkpoints after acceptance; default 30 s, 2 min, 5 min, 10 min.
	Checkpoints []time.Duration
	// MaxTracked bounds the acceptances followed at once (the oldest is
	// forgotten); default 1000.
	MaxTracked int
	Now        func() time.Time                      // default time.Now
	AfterFunc  func(d time.Duration, f func()) Timer // default time.AfterFunc
}

// Timer is a scheduled call, as time.AfterFunc returns.
type Timer interface{ Stop() bool }

// Survival measures how much of each accepted suggestion is still in its
// document at each checkpoint, and records a KindSurvival event then.
//
// It follows the accepted text through the stream of document texts: each
// change (the span where old and new text differ) shifts the text's region
// when it lies before it and widens or narrows it when it overlaps it.
// Typing right before or after the text stays outside. At a checkpoint the
// similarity is that of the accepted text with the best-matching substring
// of its region (Sellers' approximate substring match), so text that was
// deleted scores 0, text left alone 1 and text edited a little close to 1.
type Survival struct {
	rec interface{ Record(Event) }
	opt SurvivalOptions

	mu     sync.Mutex
	closed bool
	docs   map[string]*survivalDoc
	accs   map[*acceptance]struct{}
	seq    uint64 // orders document updates, to forget the least recent
}

// survivalDoc is the last text seen of a document.
type survivalDoc struct {
	text    string
	known   bool   // a text was seen
	version uint64 // the seq of its last update
	accs    []*acceptance
}

type acceptance struct {
	ev         Event // the accepted event
	path, text string
	at         time.Time
	// The accepted text's region of the document's current text, in bytes.
	// Until the text is seen in place (the editor's insertion may arrive
	// after the acceptance), start is the insertion point and end unused.
	start, end int
	anchored   bool
	next       int // index of the next checkpoint
	timer      Timer
}

// Memory bounds: idle documents (no acceptance pending) are remembered only
// so that an acceptance arriving just after its insertion finds the text;
// windows bound the cost of one measurement.
const (
	maxIdleDocs    = 8
	maxWindowRunes = 1 << 16
	fallbackMargin = 32 // bytes searched around an insertion point never seen filled
)

// NewSurvival returns a tracker recording to rec; Close stops it.
func NewSurvival(rec interface{ Record(Event) }, opt SurvivalOptions) *Survival {
	if len(opt.Checkpoints) == 0 {
		opt.Checkpoints = []time.Duration{30 * time.Second, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}
	}
	if opt.MaxTracked <= 0 {
		opt.MaxTracked = 1000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.AfterFunc == nil {
		opt.AfterFunc = func(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
	}
	return &Survival{rec: rec, opt: opt, docs: map[string]*survivalDoc{}, accs: map[*acceptance]struct{}{}}
}

// Accepted starts following text, accepted at byte offset of path; e is the
// accepted event, whose ids and dimensions the survival events repeat.
func (s *Survival) Accepted(e Event, path string, offset int, text string) {
	if text == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if len(s.accs) >= s.opt.MaxTracked {
		var oldest *acceptance
		for a := range s.accs {
			if oldest == nil || a.at.Before(oldest.at) {
				oldest = a
			}
		}
		s.forget(oldest)
	}
	d := s.docs[path]
	if d == nil {
		d = &survivalDoc{}
		s.docs[path] = d
	}
	a := &acceptance{ev: e, path: path, text: text, at: s.opt.Now(), start: offset, end: offset}
	if d.known {
		a.anchor(d.text)
	}
	d.accs = append(d.accs, a)
	s.accs[a] = struct{}{}
	s.schedule(a)
}

// Document takes the full text of path after a change.
func (s *Survival) Document(path, text string, _ time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.seq++
	d := s.docs[path]
	if d == nil {
		d = &survivalDoc{}
		s.docs[path] = d
	}
	if len(d.accs) > 0 {
		var c change
		if d.known {
			c = diff(d.text, text)
		}
		for _, a := range d.accs {
			if d.known {
				a.apply(c)
			}
			if !a.anchored {
				a.anchor(text)
			}
		}
	}
	d.text, d.known, d.version = text, true, s.seq
	s.forgetIdle()
}

// Close stops every pending measurement.
func (s *Survival) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for a := range s.accs {
		a.timer.Stop()
	}
	s.accs, s.docs = nil, nil
}

func (s *Survival) schedule(a *acceptance) {
	wait := a.at.Add(s.opt.Checkpoints[a.next]).Sub(s.opt.Now())
	a.timer = s.opt.AfterFunc(max(wait, 0), func() { s.fire(a) })
}

// fire measures a at its next checkpoint. The measurement runs outside the
// lock: it may take a while on a long text, and edits must not wait.
func (s *Survival) fire(a *acceptance) {
	s.mu.Lock()
	if _, ok := s.accs[a]; !ok {
		s.mu.Unlock()
		return
	}
	d := s.docs[a.path]
	text, known := d.text, d.known
	start, end, anchored := a.start, a.end, a.anchored
	cp := s.opt.Checkpoints[a.next]
	a.next++
	if a.next < len(s.opt.Checkpoints) {
		s.schedule(a)
	} else {
		s.forget(a)
	}
	s.mu.Unlock()
	if !known {
		return // the document was never seen: nothing to measure
	}
	var window string
	if anchored {
		window = text[start:end]
	} else {
		clamp := func(i int) int { return min(max(i, 0), len(text)) }
		window = text[clamp(start-len(a.text)-fallbackMargin):clamp(start+2*len(a.text)+fallbackMargin)]
	}
	s.rec.Record(Event{
		ID: newID(), Kind: KindSurvival, Time: s.opt.Now().UTC(),
		SuggestionID: a.ev.SuggestionID, SessionID: a.ev.SessionID, UserID: a.ev.UserID, Repo: a.ev.Repo,
		Language: a.ev.Language, Model: a.ev.Model, Invoked: a.ev.Invoked,
		SurvivalAfterS: int(math.Round(cp.Seconds())), Survival: similarity(a.text, window),
	})
}

// forget stops following a; the caller holds the lock.
func (s *Survival) forget(a *acceptance) {
	a.timer.Stop()
	delete(s.accs, a)
	d := s.docs[a.path]
	for i, b := range d.accs {
		if b == a {
			d.accs = append(d.accs[:i], d.accs[i+1:]...)
			break
		}
	}
	s.forgetIdle()
}

// forgetIdle drops the least recently updated documents with nothing
// pending beyond maxIdleDocs; the caller holds the lock.
func (s *Survival) forgetIdle() {
	for {
		idle, oldest := 0, ""
		for p, d := range s.docs {
			if len(d.accs) == 0 {
				idle++
				if oldest == "" || d.version < s.docs[oldest].version {
					oldest = p
				}
			}
		}
		if idle <= maxIdleDocs {
			return
		}
		delete(s.docs, oldest)
	}
}

// anchor fixes the region once the accepted text is at its insertion point.
func (a *acceptance) anchor(text string) {
	if a.start >= 0 && a.start <= len(text) && strings.HasPrefix(text[a.start:], a.text) {
		a.end = a.start + len(a.text)
		a.anchored = true
	}
}

// change is one edit: old text [at, oldEnd) became new text [at, newEnd).
type change struct{ at, oldEnd, newEnd int }

// diff finds the span where old and new differ: everything before is their
// common prefix, everything after their common suffix. Bounds are kept on
// rune starts.
func diff(old, new string) change {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	for p > 0 && p < len(old) && !utf8.RuneStart(old[p]) {
		p--
	}
	sfx := 0
	for sfx < len(old)-p && sfx < len(new)-p && old[len(old)-1-sfx] == new[len(new)-1-sfx] {
		sfx++
	}
	for sfx > 0 && !utf8.RuneStart(old[len(old)-sfx]) {
		sfx--
	}
	return change{at: p, oldEnd: len(old) - sfx, newEnd: len(new) - sfx}
}

// apply moves a's region (or insertion point) through c.
func (a *acceptance) apply(c change) {
	delta := c.newEnd - c.oldEnd
	if !a.anchored || a.start == a.end {
		// A point: text inserted at it goes after it, so that an insertion
		// (or an undone deletion) there can fill it.
		switch {
		case a.start <= c.at:
		case a.start >= c.oldEnd:
			a.start += delta
		default:
			a.start = c.at
		}
		if a.anchored {
			a.end = a.start
			if c.at == a.start && c.oldEnd == c.at {
				a.end = c.newEnd
			}
		}
		return
	}
	// The start stays put when a deletion or replacement begins there; text
	// inserted at it lies before the region.
	switch {
	case a.start < c.at || a.start == c.at && c.at < c.oldEnd:
	case a.start >= c.oldEnd:
		a.start += delta
	default:
		a.start = c.at
	}
	// Text inserted at the end lies after the region; a replacement that
	// overlaps the end is taken in.
	switch {
	case a.end <= c.at:
	case a.end >= c.oldEnd:
		a.end += delta
	default:
		a.end = c.newEnd
	}
}

// similarity is the edit similarity of text with the substring of window
// closest to it: 1 - Levenshtein/max(len(text), len(substring)), in runes,
// minimised over substrings with Sellers' algorithm (the edit-distance
// matrix with a free start and end in window).
func similarity(text, window string) float64 {
	if text == window {
		return 1
	}
	p, t := []rune(text), []rune(window)
	if len(t) > maxWindowRunes {
		t = t[:maxWindowRunes]
	}
	m := len(p)
	if m == 0 {
		return 0
	}
	// dist[i]: the least distance of p[:i] to a substring of t ending at
	// the current column; from[i]: where that substring starts.
	dist, from := make([]int, m+1), make([]int, m+1)
	for i := range dist {
		dist[i] = i
	}
	best := 0.0
	for j := 1; j <= len(t); j++ {
		diag, diagFrom := dist[0], from[0]
		dist[0], from[0] = 0, j
		for i := 1; i <= m; i++ {
			d, f := diag, diagFrom
			if p[i-1] != t[j-1] {
				d++
			}
			if dist[i]+1 < d {
				d, f = dist[i]+1, from[i]
			}
			if dist[i-1]+1 < d {
				d, f = dist[i-1]+1, from[i-1]
			}
			diag, diagFrom = dist[i], from[i]
			dist[i], from[i] = d, f
		}
		best = max(best, 1-float64(dist[m])/float64(max(m, j-from[m])))
	}
	return best
}

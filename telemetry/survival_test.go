package telemetry_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/telemetry"
)

// Survival is the pipeline's tracker.
var _ pipeline.SurvivalTracker = (*telemetry.Survival)(nil)

func TestSimilarity(t *testing.T) {
	const text = "fmt.Println(\"hello, world\")" // 27 runes
	for _, tc := range []struct {
		name, text, window string
		want               float64
	}{
		{"identical", text, text, 1},
		{"inside a longer window", text, "x := 1\n\t" + text + "\n}\n", 1},
		{"empty window", text, "", 0},
		{"one substitution", text, strings.Replace(text, "w", "W", 1), 1 - 1.0/27},
		{"five substitutions", text, strings.Replace(text, "world", "there", 1), 1 - 5.0/27},
		{"one deletion", text, strings.Replace(text, ",", "", 1), 1 - 1.0/27},
		{"half of it", text, "\"hello, world\")", 15.0 / 27},
		{"insertion in the middle", text, strings.Replace(text, "hello", "hello there and", 1), 1 - 10.0/37},
		{"nothing in common", "abc", "xyz", 0},
		{"runes, not bytes", "héllo wörld", "héllo world", 1 - 1.0/11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := telemetry.Similarity(tc.text, tc.window); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("similarity %v, want %v", got, tc.want)
			}
		})
	}
}

// fakeClock runs timers when Advance passes them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at          time.Time
	f           func()
	done, stops bool
}

func (t *fakeTimer) Stop() bool {
	was := !t.done
	t.done, t.stops = true, true
	return was
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) telemetry.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock by d, running the timers due on the way in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.done && !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		c.now, next.done = next.at, true
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
}

type collector struct {
	mu sync.Mutex
	es []telemetry.Event
}

func (c *collector) Record(e telemetry.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.es = append(c.es, e)
}

func (c *collector) events() []telemetry.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]telemetry.Event(nil), c.es...)
}

func newTracker(opt telemetry.SurvivalOptions) (*telemetry.Survival, *fakeClock, *collector) {
	clock := &fakeClock{now: t0}
	rec := &collector{}
	opt.Now, opt.AfterFunc = clock.Now, clock.AfterFunc
	return telemetry.NewSurvival(rec, opt), clock, rec
}

const (
	pre  = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\t"
	acc  = "fmt.Println(\"hello, world\")"
	post = "\n}\n\nfunc other() int {\n\treturn 42\n}\n"
)

// typing returns the documents seen while s is typed at pos, one rune at a time.
func typing(doc string, pos int, s string) []string {
	var out []string
	for _, r := range s {
		doc = doc[:pos] + string(r) + doc[pos:]
		pos += len(string(r))
		out = append(out, doc)
	}
	return out
}

// backspacing returns the documents seen while n bytes before pos are deleted one at a time.
func backspacing(doc string, pos, n int) []string {
	var out []string
	for range n {
		doc = doc[:pos-1] + doc[pos:]
		pos--
		out = append(out, doc)
	}
	return out
}

func TestSurvivalFollowsEdits(t *testing.T) {
	filled := pre + acc + post
	at := len(pre)
	end := at + len(acc)
	last := func(docs []string) string { return docs[len(docs)-1] }
	deleted := last(backspacing(filled, end, len(acc)))
	for _, tc := range []struct {
		name   string
		before []string // documents seen before the acceptance
		after  []string // and after
		want   float64  // -1: no measurement
		tol    float64
	}{
		{"unchanged", []string{pre + post, filled}, nil, 1, 0},
		{"insertion seen after the acceptance", []string{pre + post}, []string{filled}, 1, 0},
		{"document never seen", nil, nil, -1, 0},
		{"only the filled document seen", []string{filled}, nil, 1, 0},
		{"typing after it", []string{filled}, typing(filled, end, "\n\tx := 1"), 1, 0},
		{"typing right before it", []string{filled}, typing(filled, at, "x := 1; "), 1, 0},
		{"lines added above", []string{filled}, typing(filled, 0, "// Package main says hello.\n"), 1, 0},
		{"lines removed above", []string{filled}, []string{filled[len("package main\n\n"):]}, 1, 0},
		{"deleted with backspace", []string{filled}, backspacing(filled, end, len(acc)), 0, 0},
		{"deleted with its line", []string{filled}, []string{pre[:len(pre)-len("func main() {\n\t")] + "}\n\nfunc other() int {\n\treturn 42\n}\n"}, 0, 0},
		{"deleted, then other text typed there", []string{filled}, typing(deleted, at, "return"), 0, 0.1},
		{"deleted and undone", []string{filled}, []string{deleted, filled}, 1, 0},
		{"a word rewritten", []string{filled}, append(backspacing(filled, end-2, 5), typing(last(backspacing(filled, end-2, 5)), end-7, "there")...), 1 - 5.0/27, 0},
		{"whole document replaced, text kept", []string{filled}, []string{"package foo\n\n" + strings.TrimPrefix(pre, "package main\n\n") + acc + "\n}\n"}, 1, 0},
		{"edits above, below and one inside", []string{filled},
			[]string{"// x\n" + pre + strings.Replace(acc, "w", "W", 1) + post + "// y\n"}, 1 - 1.0/27, 0},
		{"replaced by a different call", []string{filled}, []string{pre + "log.Printf(\"bye %d\", n)" + post}, 0, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, clock, rec := newTracker(telemetry.SurvivalOptions{})
			defer s.Close()
			for _, d := range tc.before {
				s.Document("/r/main.go", d, clock.Now())
			}
			s.Accepted(telemetry.Event{SuggestionID: "sug"}, "/r/main.go", at, acc)
			for _, d := range tc.after {
				clock.Advance(time.Second)
				s.Document("/r/main.go", d, clock.Now())
			}
			clock.Advance(10 * time.Minute)
			es := rec.events()
			switch {
			case tc.want == -1:
				if len(es) != 0 {
					t.Fatalf("%d events for a document never seen", len(es))
				}
				return
			case len(es) != 4:
				t.Fatalf("%d survival events, want 4", len(es))
			}
			if got := es[len(es)-1].Survival; math.Abs(got-tc.want) > max(tc.tol, 1e-9) {
				t.Errorf("survival %v, want %v ± %v", got, tc.want, tc.tol)
			}
		})
	}
}

func TestSurvivalCheckpoints(t *testing.T) {
	s, clock, rec := newTracker(telemetry.SurvivalOptions{})
	filled := pre + acc + post
	s.Document("/r/main.go", pre+post, clock.Now())
	s.Document("/r/main.go", filled, clock.Now())
	accepted := telemetry.Event{ID: "acc-event", Kind: telemetry.KindAccepted, Time: t0, SuggestionID: "sug", SessionID: "sess",
		UserID: "user", Repo: "repo", Language: "go", Model: "model", Invoked: true, AcceptedChars: len(acc)}
	s.Accepted(accepted, "/r/main.go", len(pre), acc)
	// Survival per checkpoint: intact, then deleted, then undone.
	clock.Advance(30 * time.Second)
	s.Document("/r/main.go", pre+post, clock.Now())
	clock.Advance(90 * time.Second)
	s.Document("/r/main.go", filled, clock.Now())
	clock.Advance(time.Hour)
	s.Close()

	es := rec.events()
	want := []struct {
		after int
		v     float64
	}{{30, 1}, {120, 0}, {300, 1}, {600, 1}}
	if len(es) != len(want) {
		t.Fatalf("%d events, want %d", len(es), len(want))
	}
	ids := map[string]bool{}
	for i, e := range es {
		if e.Kind != telemetry.KindSurvival || e.SurvivalAfterS != want[i].after || e.Survival != want[i].v {
			t.Errorf("event %d: %s after %ds = %v; want survival after %ds = %v", i, e.Kind, e.SurvivalAfterS, e.Survival, want[i].after, want[i].v)
		}
		if wantTime := t0.Add(time.Duration(want[i].after) * time.Second); !e.Time.Equal(wantTime) || e.Time.Location() != time.UTC {
			t.Errorf("event %d at %v, want %v UTC", i, e.Time, wantTime)
		}
		if e.ID == "" || e.ID == accepted.ID || ids[e.ID] {
			t.Errorf("event %d: id %q not new and unique", i, e.ID)
		}
		ids[e.ID] = true
		if e.SuggestionID != "sug" || e.SessionID != "sess" || e.UserID != "user" || e.Repo != "repo" ||
			e.Language != "go" || e.Model != "model" || !e.Invoked || e.AcceptedChars != 0 {
			t.Errorf("event %d does not repeat the accepted event's ids: %+v", i, e)
		}
	}
}

func TestSurvivalRealTimers(t *testing.T) {
	rec := &collector{}
	s := telemetry.NewSurvival(rec, telemetry.SurvivalOptions{Checkpoints: []time.Duration{20 * time.Millisecond, 60 * time.Millisecond}})
	defer s.Close()
	filled := pre + acc + post
	s.Document("/a.go", filled, time.Now())
	start := time.Now()
	s.Accepted(telemetry.Event{SuggestionID: "a"}, "/a.go", len(pre), acc)
	s.Accepted(telemetry.Event{SuggestionID: "b"}, "/b.go", 0, acc) // never seen: no events
	for len(rec.events()) < 2 {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%d events after 5 s", len(rec.events()))
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	es := rec.events()
	if elapsed < 60*time.Millisecond || !es[0].Time.Before(es[1].Time) || es[0].Time.Sub(start) < 20*time.Millisecond {
		t.Errorf("checkpoints 20 ms and 60 ms measured at %v and %v", es[0].Time.Sub(start), es[1].Time.Sub(start))
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(rec.events()); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
}

func TestSurvivalIsBounded(t *testing.T) {
	s, clock, rec := newTracker(telemetry.SurvivalOptions{MaxTracked: 3, Checkpoints: []time.Duration{time.Minute}})
	defer s.Close()
	for i := range 5 {
		path := fmt.Sprintf("/r/%d.go", i)
		s.Document(path, acc, clock.Now())
		clock.Advance(time.Second)
		s.Accepted(telemetry.Event{SuggestionID: fmt.Sprint(i)}, path, 0, acc)
	}
	for i := range 20 {
		s.Document(fmt.Sprintf("/r/idle%d.go", i), "x", clock.Now())
	}
	if n := s.Docs(); n > telemetry.MaxIdleDocs+3 {
		t.Errorf("%d documents remembered, want at most %d idle + 3 pending", n, telemetry.MaxIdleDocs)
	}
	clock.Advance(time.Hour)
	var got []string
	for _, e := range rec.events() {
		got = append(got, e.SuggestionID)
	}
	if strings.Join(got, ",") != "2,3,4" {
		t.Errorf("measured %v, want the newest 3: 2,3,4", got)
	}
	if n := s.Docs(); n > telemetry.MaxIdleDocs {
		t.Errorf("%d documents remembered with nothing pending, want at most %d", n, telemetry.MaxIdleDocs)
	}
}

func TestSurvivalClose(t *testing.T) {
	s, clock, rec := newTracker(telemetry.SurvivalOptions{})
	s.Document("/a.go", acc, clock.Now())
	s.Accepted(telemetry.Event{SuggestionID: "a"}, "/a.go", 0, acc)
	s.Close()
	clock.Advance(time.Hour)
	s.Document("/a.go", "", clock.Now())
	s.Accepted(telemetry.Event{SuggestionID: "b"}, "/a.go", 0, acc)
	if n := len(rec.events()); n != 0 {
		t.Errorf("%d events after Close", n)
	}
	for _, tm := range clock.timers {
		if !tm.stops {
			t.Error("a timer was left running")
		}
	}
}

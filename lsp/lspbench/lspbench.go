package lspbench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/lsp"
	"github.com/ghostline/ghostline/lsp/lsptest"
	"github.com/ghostline/ghostline/model"
	"github.com/ghostline/ghostline/pipeline"
	"github.com/ghostline/ghostline/secrets"
)

// GoSource returns the first lines lines of the Go standard library's
// net/http package, concatenated: a real file of a chosen size.
func GoSource(lines int) (string, error) {
	files, err := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "net", "http", "*.go"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no Go sources under GOROOT %s", runtime.GOROOT())
	}
	var b strings.Builder
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if n == lines {
				return b.String(), nil
			}
			b.WriteString(line)
			if strings.HasSuffix(line, "\n") {
				n++
			}
		}
	}
	return "", fmt.Errorf("only %d lines of Go source in net/http", n)
}

// builtinRules are the secret rules a server with default settings applies.
var builtinRules, _ = secrets.For(config.Secrets{})

// instant is a model that answers at once.
type instant struct{ calls atomic.Int64 }

func (m *instant) Name() string { return "instant" }

func (m *instant) Complete(ctx context.Context, req model.Request) (model.Result, error) {
	m.calls.Add(1)
	return model.Result{Text: "err != nil {", Model: "instant"}, nil
}

// Session is an in-process server, connected over a pipe, with one
// document open and the cursor at its end.
type Session struct {
	client *lsptest.Client
	model  *instant
	cancel context.CancelFunc
	uri    string
	lines  []string // the document, line by line (for positions)
	line   uint32
	col    uint32
	ver    int32
	rng    *rand.Rand
}

// NewSession starts a server with settings (JSON, as initializationOptions)
// and opens text as a Go document.
func NewSession(ctx context.Context, text string, settings any) (*Session, error) {
	ctx, cancel := context.WithCancel(ctx)
	m := &instant{}
	srv := lsp.New(func(ctx context.Context, root string, s config.Settings, r lsp.Reporter) (*lsp.Session, error) {
		return &lsp.Session{Core: pipeline.New(pipeline.Options{Model: m}, s), ModelName: m.Name}, nil
	}, "bench")
	a, b := net.Pipe()
	go func() { _ = srv.Serve(ctx, a) }()
	c := lsptest.Connect(ctx, b)
	s := &Session{client: c, model: m, cancel: cancel, uri: "file:///bench/main.go", lines: strings.Split(text, "\n"), ver: 1, rng: rand.New(rand.NewPCG(1, 2))}
	if _, err := c.Initialize(ctx, lsptest.InitOptions{RootURI: "file:///bench", Settings: settings}); err != nil {
		s.Close()
		return nil, err
	}
	if err := c.DidOpen(ctx, s.uri, "go", text); err != nil {
		s.Close()
		return nil, err
	}
	s.line = uint32(len(s.lines) - 1)
	s.col = uint32(lsp.UnitLen(s.lines[s.line], lsp.UTF16))
	return s, nil
}

// Close ends the session.
func (s *Session) Close() {
	_ = s.client.Close()
	s.cancel()
}

// ModelCalls is the number of model calls so far.
func (s *Session) ModelCalls() int { return int(s.model.calls.Load()) }

// Keystroke types one character at the end of a random line (below the
// first fifth of the document, so that the prompt is always cut to its
// budget, as in a real file) and asks for a completion there, as an editor
// does per keystroke; it returns the time from sending the edit to having
// the answer. Lines the built-in secret rules refuse to complete on (a
// URL with a password in a test table) are not typed on.
func (s *Session) Keystroke(ctx context.Context) (time.Duration, error) {
	line := len(s.lines)/5 + s.rng.IntN(len(s.lines)-len(s.lines)/5)
	for builtinRules.Refuse(s.uri, s.lines[line]+"x", len(s.lines[line])+1) != "" {
		line = len(s.lines)/5 + s.rng.IntN(len(s.lines)-len(s.lines)/5)
	}
	col := uint32(lsp.UnitLen(s.lines[line], lsp.UTF16))
	s.lines[line] += "x"
	s.ver++
	t0 := time.Now()
	if err := s.client.DidChange(ctx, s.uri, s.ver, lsptest.Insert(uint32(line), col, "x")); err != nil {
		return 0, err
	}
	list, err := s.client.InlineCompletion(ctx, s.uri, uint32(line), col+1, lsp.TriggerAutomatic)
	d := time.Since(t0)
	if err != nil {
		return d, err
	}
	if len(list.Items) != 1 {
		return d, fmt.Errorf("keystroke at %d:%d: no suggestion", line, col+1)
	}
	return d, nil
}

// OpenLarge opens text as the document uri, then types a keystroke in the
// session's document. The server has read the didOpen when the client's
// write returns (a synchronous pipe); next is the time from then to the
// keystroke's answer, applied the time to the answer of a request on the
// document opened, which waits for it. The document is closed after.
func (s *Session) OpenLarge(ctx context.Context, uri, text string) (next, applied time.Duration, err error) {
	if err := s.client.DidOpen(ctx, uri, "go", text); err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	if _, err := s.Keystroke(ctx); err != nil {
		return 0, 0, err
	}
	next = time.Since(t0)
	if _, err := s.client.InlineCompletion(ctx, uri, 0, 0, lsp.TriggerInvoked); err != nil {
		return 0, 0, err
	}
	applied = time.Since(t0)
	return next, applied, s.client.DidClose(ctx, uri)
}

// Percentile returns the q-quantile (0..1) of ds, which it sorts.
func Percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(q*float64(len(ds))))]
}

// OverheadResult is the server's latency per keystroke with an instant model.
type OverheadResult struct {
	Lines, Keystrokes int
	P50, P99, Max     time.Duration
}

// Overhead types n keystrokes into a document of text (after a warm-up)
// and measures each edit-to-suggestion round trip.
func Overhead(ctx context.Context, text string, n int) (OverheadResult, error) {
	s, err := NewSession(ctx, text, map[string]any{"completion": map[string]any{"debounceMs": 0}})
	if err != nil {
		return OverheadResult{}, err
	}
	defer s.Close()
	for range min(n/10, 100) {
		if _, err := s.Keystroke(ctx); err != nil {
			return OverheadResult{}, err
		}
	}
	ds := make([]time.Duration, 0, n)
	for range n {
		d, err := s.Keystroke(ctx)
		if err != nil {
			return OverheadResult{}, err
		}
		ds = append(ds, d)
	}
	return OverheadResult{
		Lines: strings.Count(text, "\n"), Keystrokes: n,
		P50: Percentile(ds, 0.50), P99: Percentile(ds, 0.99), Max: Percentile(ds, 1),
	}, nil
}

// ReplayOptions describe a typing replay.
type ReplayOptions struct {
	Document string // the document typed into, at its end
	Typed    string // what is typed, one keystroke per character
	Pauses   int    // pauses in the middle of typing (the end is one more)
	Seed     uint64
	// Settings as initializationOptions; nil: the defaults.
	Settings any
	// Gaps between keystrokes are drawn from [MinGap, MaxGap); a pause
	// lasts Pause ± 50 ms. Zero: 40 ms, 120 ms, 500 ms.
	MinGap, MaxGap, Pause time.Duration
	// PauseAnywhere pauses after any keystroke that ends a token, not only
	// at line ends.
	PauseAnywhere bool
	// PauseAt, when set, marks the keystrokes (rune indexes) after which
	// the typist pauses, instead of Pauses.
	PauseAt map[int]bool
}

// ReplayResult counts what the replay cost.
type ReplayResult struct {
	Keystrokes int
	Pauses     int // including the end of typing
	ModelCalls int
	Answered   int // requests answered with a suggestion
	Cancelled  int // requests cancelled by the next keystroke
	Duration   time.Duration
}

// Replay types o.Typed with a request per keystroke, as an editor that asks
// for an inline completion after every edit does. Gaps between keystrokes
// are drawn from 40–120 ms; o.Pauses times, at line ends spread through the
// text, the typist pauses for about 500 ms. With the server's debounce the
// model should be called once per pause, not once per keystroke.
func Replay(ctx context.Context, o ReplayOptions) (ReplayResult, error) {
	s, err := NewSession(ctx, o.Document, o.Settings)
	if err != nil {
		return ReplayResult{}, err
	}
	defer s.Close()
	t := &typist{client: s.client, uri: s.uri, line: s.line, col: s.col, ver: s.ver, ask: inlineRequest}
	start := time.Now()
	keys, err := t.typeText(ctx, o)
	if err != nil {
		return ReplayResult{}, err
	}
	res := ReplayResult{Keystrokes: len(keys), Pauses: o.Pauses + 1}
	for _, k := range keys {
		<-k.done
		switch {
		case k.err == nil && hasItems(k.result):
			res.Answered++
		case k.err != nil && isCancelled(k.err):
			res.Cancelled++
		case k.err != nil:
			return res, k.err
		}
	}
	res.Duration = time.Since(start)
	res.ModelCalls = s.ModelCalls()
	return res, nil
}

// typist types into one open document of a connected server, with a
// completion request after every keystroke.
type typist struct {
	client    *lsptest.Client
	uri       string
	line, col uint32 // the cursor
	ver       int32
	// ask sends the completion request at the cursor.
	ask func(ctx context.Context, c *lsptest.Client, uri string, line, col uint32) *lsptest.Pending
	// cancelPrevious sends $/cancelRequest for the previous keystroke's
	// request when it is still unanswered, as VS Code does.
	cancelPrevious bool
}

// keystroke is one character typed and the request sent after it.
type keystroke struct {
	sent     time.Time
	pause    bool // the typist paused after it
	done     chan struct{}
	answered time.Time // when the answer arrived
	result   json.RawMessage
	err      error
}

func inlineRequest(ctx context.Context, c *lsptest.Client, uri string, line, col uint32) *lsptest.Pending {
	return c.GoInlineCompletion(ctx, uri, line, col, lsp.TriggerAutomatic)
}

// typeText types o.Typed at the cursor on o's schedule and returns the
// keystrokes, whose answers arrive in their own time (wait on done).
func (t *typist) typeText(ctx context.Context, o ReplayOptions) ([]*keystroke, error) {
	minGap, maxGap, pause := cmp.Or(o.MinGap, 40*time.Millisecond), cmp.Or(o.MaxGap, 120*time.Millisecond), cmp.Or(o.Pause, 500*time.Millisecond)
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	pauseAt := o.PauseAt
	if pauseAt == nil {
		pauseAt = pausePoints(o.Typed, o.Pauses, o.PauseAnywhere)
	}
	var keys []*keystroke
	var prev *lsptest.Pending
	next := time.Now()
	for i, r := range o.Typed {
		ch := string(r)
		change := lsptest.Insert(t.line, t.col, ch)
		if ch == "\n" {
			t.line, t.col = t.line+1, 0
		} else {
			t.col += uint32(lsp.UnitLen(ch, lsp.UTF16))
		}
		t.ver++
		if err := t.client.DidChange(ctx, t.uri, t.ver, change); err != nil {
			return keys, err
		}
		if prev != nil && t.cancelPrevious && !keys[len(keys)-1].isDone() {
			if err := t.client.Cancel(ctx, prev); err != nil {
				return keys, err
			}
		}
		k := &keystroke{sent: time.Now(), pause: pauseAt[i] || i == len(o.Typed)-1, done: make(chan struct{})}
		prev = t.ask(ctx, t.client, t.uri, t.line, t.col)
		go func(p *lsptest.Pending) {
			k.err = p.Wait(ctx, &k.result)
			k.answered = time.Now()
			close(k.done)
		}(prev)
		keys = append(keys, k)
		gap := minGap + time.Duration(rng.Int64N(int64(maxGap-minGap)))
		if pauseAt[i] {
			gap = pause + time.Duration(rng.Int64N(int64(100*time.Millisecond))) - 50*time.Millisecond
		}
		// Sleep to an absolute schedule, so that one late wake-up does not
		// shift every later keystroke.
		next = next.Add(gap)
		time.Sleep(time.Until(next))
	}
	return keys, nil
}

func (k *keystroke) isDone() bool {
	select {
	case <-k.done:
		return true
	default:
		return false
	}
}

// hasItems reports whether a completion answer (a list with items, or an
// array of items) holds any.
func hasItems(raw json.RawMessage) bool {
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(raw, &list) == nil && len(list.Items) > 0 {
		return true
	}
	var arr []json.RawMessage
	return json.Unmarshal(raw, &arr) == nil && len(arr) > 0
}

// pausePoints picks n positions spread evenly through typed, each moved
// to the next line end (people pause at the end of a statement), or with
// anywhere to the next keystroke that ends a token (after a space, a dot,
// a bracket: where a suggestion is expected), skipping positions taken.
func pausePoints(typed string, n int, anywhere bool) map[int]bool {
	at := map[int]bool{}
	runes := []rune(typed)
	ends := func(i int) bool {
		if !anywhere {
			return runes[i] == '\n'
		}
		r := runes[i]
		return !at[i] && !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
	}
	for k := 1; k <= n; k++ {
		i := k * len(runes) / (n + 1)
		for i < len(runes)-1 && !ends(i) {
			i++
		}
		at[i] = true
	}
	return at
}

func isCancelled(err error) bool {
	var e *jsonrpc2.Error
	return errors.As(err, &e) && e.Code == lsp.CodeRequestCancelled
}

// TypingSample returns a document and 300-odd characters to type after it,
// both real Go: the typed part is the body of a function from strings.go.
func TypingSample() (doc, typed string, err error) {
	data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "strings", "strings.go"))
	if err != nil {
		return "", "", err
	}
	text := string(data)
	i := strings.Index(text, "\nfunc genSplit(")
	if i < 0 {
		return "", "", errors.New("strings.go: genSplit not found")
	}
	body := text[i+1:]
	end := 0
	for end < 300 {
		j := strings.IndexByte(body[end:], '\n')
		if j < 0 {
			break
		}
		end += j + 1
	}
	return text[:i+1], body[:end], nil
}

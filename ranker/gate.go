package ranker

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghostline/ghostline/config"
)

// ReloadInterval is how often, at most, a Gate looks at its model file's
// modification time.
const ReloadInterval = 3 * time.Second

// maxFeatures bounds the stack buffer a gate extracts into.
const maxFeatures = 96

func init() {
	if NumFeatures > maxFeatures {
		panic(fmt.Sprintf("ranker: %d features exceed maxFeatures", NumFeatures))
	}
}

// Gate is the acceptance predictor the pipeline calls before generation
// (Before, gate 1) and after it (After, gate 2). It uses the user's model
// file when there is a usable one, blended with the shipped default until
// the user's model was trained on ranker.minUserDecisions decisions, and
// picks up a rewritten file without a restart. Safe for concurrent use.
type Gate struct {
	path  string // user's model file; "" for the default only
	def   *Model
	scale ConfidenceScale
	user  atomic.Pointer[userModel]
	cfg   atomic.Pointer[config.Ranker]
	next  atomic.Int64 // unix nanos of the next look at the file
	busy  atomic.Bool  // a reload is running
	mu    sync.Mutex   // serialises reloads
	// Under mu: the file last read (good or bad) and the last warning.
	stamp    fileStamp
	warned   bool
	warnedAt fileStamp
}

type userModel struct{ m *Model }

type fileStamp struct {
	mod  time.Time
	size int64
}

var (
	defaultOnce  sync.Once
	defaultModel *Model
	defaultErr   error
)

func shippedModel() (*Model, error) {
	defaultOnce.Do(func() { defaultModel, defaultErr = DefaultModel() })
	return defaultModel, defaultErr
}

// DefaultGate returns a gate using only the shipped model, with default settings.
func DefaultGate() (*Gate, error) {
	return LoadGate("", config.Defaults().Ranker)
}

// LoadGate returns a gate that reads the user's model at path (when path
// is empty: c.ModelPath, else $XDG_DATA_HOME/ghostline/ranker.json). A
// missing file is not an error; an unusable one is logged once and the
// shipped model used. The error is only for a broken build (the embedded
// model does not load) or an unknowable home directory.
func LoadGate(path string, c config.Ranker) (*Gate, error) {
	def, err := shippedModel()
	if err != nil {
		return nil, fmt.Errorf("shipped ranker model: %w", err)
	}
	g := &Gate{path: path, def: def}
	g.cfg.Store(&c)
	if g.path == "" {
		g.path = c.ModelPath
	}
	if g.path == "" {
		if g.path, err = DefaultModelPath(); err != nil {
			return nil, err
		}
	}
	g.Reload()
	return g, nil
}

// NewGate returns a gate around the given model alone (tests, eval).
func NewGate(m *Model, c config.Ranker) *Gate {
	g := &Gate{def: m}
	g.cfg.Store(&c)
	return g
}

// SetConfig applies changed ranker settings to later decisions.
func (g *Gate) SetConfig(c config.Ranker) { g.cfg.Store(&c) }

// Path is the user's model file the gate watches ("" for none).
func (g *Gate) Path() string { return g.path }

// UserModel returns the user's model in use, or nil.
func (g *Gate) UserModel() *Model {
	if u := g.user.Load(); u != nil {
		return u.m
	}
	return nil
}

// Reload looks at the model file now and loads it if it changed.
func (g *Gate) Reload() {
	if g.path == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	fi, err := os.Stat(g.path)
	if errors.Is(err, fs.ErrNotExist) {
		if g.user.Swap(nil) != nil {
			slog.Info("ranker model removed; using the shipped model", "path", g.path)
		}
		g.stamp = fileStamp{}
		return
	}
	if err != nil {
		g.bad(fileStamp{}, err)
		return
	}
	st := fileStamp{fi.ModTime(), fi.Size()}
	if st == g.stamp {
		return
	}
	g.stamp = st
	data, err := os.ReadFile(g.path)
	if err != nil {
		g.bad(st, err)
		return
	}
	m, err := ParseModel(data)
	if err != nil {
		g.bad(st, err)
		return
	}
	g.warned = false
	g.user.Store(&userModel{m: m})
	slog.Info("ranker model loaded", "path", g.path, "decisions", m.Decisions, "gate1", m.Gate1.Model, "gate2", m.Gate2.Model)
}

// bad falls back to the shipped model, warning once per file version (an
// unchanged bad file is neither re-read nor re-logged).
func (g *Gate) bad(st fileStamp, err error) {
	g.user.Store(nil)
	if g.warned && g.warnedAt == st {
		return
	}
	g.warned, g.warnedAt = true, st
	slog.Warn("ranker model unusable; using the shipped model", "path", g.path, "err", err)
}

// maybeReload starts a background look at the file every ReloadInterval,
// so the request path never waits for the file system.
func (g *Gate) maybeReload(now time.Time) {
	if g.path == "" || now.UnixNano() < g.next.Load() {
		return
	}
	g.next.Store(now.Add(ReloadInterval).UnixNano())
	if !g.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer g.busy.Store(false)
		g.Reload()
	}()
}

// Before is gate 1: should a suggestion be generated at all?
func (g *Gate) Before(c Context) Decision {
	var buf [maxFeatures]float64
	x := buf[:NumFeatures]
	Extract(&c, nil, x)
	return g.decide(&c, x, false)
}

// After is gate 2: should the generated suggestion be shown? The
// suggestion's confidence is read as its percentile among the same backend
// and model's recent ones, unless s carries a percentile already.
func (g *Gate) After(c Context, s Suggestion) Decision {
	if s.HasConfidence && !s.HasPercentile {
		s.Percentile, s.HasPercentile = g.scale.Rank(ScaleKey(s.Backend, s.Model), s.Confidence)
	}
	var buf [maxFeatures]float64
	x := buf[:NumFeatures]
	Extract(&c, &s, x)
	return g.decide(&c, x, true)
}

func (g *Gate) decide(c *Context, x []float64, gate2 bool) Decision {
	g.maybeReload(time.Now())
	cfg := g.cfg.Load()
	prob, thr := g.score(g.def, x, gate2, cfg.Precision)
	if u := g.user.Load(); u != nil {
		w := 1.0
		if cfg.MinUserDecisions > 0 {
			w = min(1, float64(u.m.Decisions)/float64(cfg.MinUserDecisions))
		}
		up, ut := g.score(u.m, x, gate2, cfg.Precision)
		prob, thr = w*up+(1-w)*prob, w*ut+(1-w)*thr
	}
	n := NumGate1
	if gate2 {
		n = NumFeatures
	}
	d := Decision{Prob: prob, Threshold: thr, Vector: slices.Clone(x[:n]), Show: true, Held: prob < thr}
	switch {
	case c.Invoked:
		d.Reason = "invoked"
	case d.Held:
		d.Show, d.Reason = false, "below threshold"
	default:
		d.Reason = "above threshold"
	}
	return d
}

func (g *Gate) score(m *Model, x []float64, gate2 bool, precision float64) (prob, thr float64) {
	t := m.Threshold(precision)
	if gate2 {
		prob, thr = m.Gate2.Prob(x[:NumFeatures]), t.Gate2
	} else {
		prob, thr = m.Gate1.Prob(x[:NumGate1]), t.Gate1
	}
	if math.IsNaN(prob) {
		return 1, 0 // never hide on a numerical accident
	}
	return prob, thr
}

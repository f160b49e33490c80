package ranker

import (
	"bytes"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
)

// captureLog sends slog output to a buffer for the test's duration.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

// constModel returns the shipped model with gate 2 replaced by a constant
// logistic regression (probability p) trained on n decisions.
func constModel(t *testing.T, p float64, n int, gate2Threshold float64) *Model {
	t.Helper()
	def, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	m := *def
	nf := NumFeatures
	l := &Logistic{Mean: make([]float64, nf), Std: make([]float64, nf), Weights: make([]float64, nf), Bias: math.Log(p / (1 - p))}
	for i := range l.Std {
		l.Std[i] = 1
	}
	m.Gate2 = GateModel{Features: FeatureNames(true), Model: "const", Logistic: l, Calibration: Platt{A: 1}}
	m.Decisions = n
	m.Thresholds = []Threshold{{Precision: 0.9, Gate2: gate2Threshold}}
	return &m
}

func writeModel(t *testing.T, path string, m *Model, mod time.Time) {
	t.Helper()
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

var ctx0 = Context{Language: "python", Prefix: "def f(x):\n    return ", Now: time.Unix(1e9, 0)}

func TestDefaultGate(t *testing.T) {
	g, err := DefaultGate()
	if err != nil {
		t.Fatal(err)
	}
	d := g.Before(ctx0)
	if d.Prob <= 0 || d.Prob >= 1 || len(d.Features()) != NumGate1 || d.Reason == "" {
		t.Errorf("gate 1: %+v", d)
	}
	d = g.After(ctx0, Suggestion{Text: "x + 1", Confidence: -0.1, HasConfidence: true})
	if d.Prob <= 0 || d.Prob >= 1 || len(d.Features()) != NumFeatures {
		t.Errorf("gate 2: %+v", d)
	}
}

func TestInvokedNeverHidden(t *testing.T) {
	g := NewGate(constModel(t, 0.01, 1000, 0.5), config.Defaults().Ranker)
	c := ctx0
	if d := g.After(c, Suggestion{Text: "x"}); d.Show || d.Reason != "below threshold" {
		t.Errorf("automatic: %+v, want hidden", d)
	}
	c.Invoked = true
	if d := g.After(c, Suggestion{Text: "x"}); !d.Show || d.Reason != "invoked" || d.Prob >= 0.5 {
		t.Errorf("invoked: %+v, want shown with its low probability", d)
	}
}

func TestGateReloadAndBlend(t *testing.T) {
	log := captureLog(t)
	path := filepath.Join(t.TempDir(), "ranker.json")
	cfg := config.Defaults().Ranker
	cfg.MinUserDecisions = 200
	g, err := LoadGate(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	g.next.Store(math.MaxInt64) // only the explicit Reloads below
	if g.UserModel() != nil {
		t.Fatal("user model without a file")
	}
	s := Suggestion{Text: "x"}
	def := g.After(ctx0, s)

	// A user model trained on 100 decisions: half its weight.
	t0 := time.Now().Add(-time.Minute)
	writeModel(t, path, constModel(t, 0.9, 100, 0.2), t0)
	g.Reload()
	got := g.After(ctx0, s)
	if want := 0.5*0.9 + 0.5*def.Prob; abs(got.Prob-want) > 1e-9 {
		t.Errorf("blended prob %v, want %v", got.Prob, want)
	}
	if want := 0.5*0.2 + 0.5*def.Threshold; abs(got.Threshold-want) > 1e-9 {
		t.Errorf("blended threshold %v, want %v", got.Threshold, want)
	}

	// Enough decisions: the user's model alone.
	writeModel(t, path, constModel(t, 0.3, 500, 0.4), t0.Add(time.Second))
	g.Reload()
	if got := g.After(ctx0, s); abs(got.Prob-0.3) > 1e-9 || got.Threshold != 0.4 || got.Show {
		t.Errorf("user model: %+v", got)
	}

	// A corrupt file: the shipped model, one warning however often we look.
	if err := os.WriteFile(path, []byte(`{"format":"ghostline-ranker","version":1,"gate1":`), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, t0.Add(2*time.Second), t0.Add(2*time.Second))
	for range 3 {
		g.Reload()
	}
	if got := g.After(ctx0, s); got.Prob != def.Prob {
		t.Errorf("corrupt file: prob %v, want the default's %v", got.Prob, def.Prob)
	}
	if n := strings.Count(log.String(), "ranker model unusable"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, log)
	}

	// Removed: the shipped model.
	os.Remove(path)
	g.Reload()
	if g.UserModel() != nil {
		t.Error("user model kept after its file was removed")
	}
}

// TestGateReloadsInBackground: a rewritten file is picked up by the
// decisions themselves within ReloadInterval, without calling Reload.
func TestGateReloadsInBackground(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for ReloadInterval")
	}
	path := filepath.Join(t.TempDir(), "ranker.json")
	g, err := LoadGate(path, config.Defaults().Ranker)
	if err != nil {
		t.Fatal(err)
	}
	writeModel(t, path, constModel(t, 0.77, 1000, 0), time.Now())
	deadline := time.Now().Add(2*ReloadInterval + time.Second)
	for time.Now().Before(deadline) {
		if d := g.After(ctx0, Suggestion{Text: "x"}); abs(d.Prob-0.77) < 1e-9 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("rewritten model file not picked up")
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

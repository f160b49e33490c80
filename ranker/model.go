package ranker

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/ghostline/ghostline/config"
)

// ModelFormat and ModelVersion identify the model file format.
const (
	ModelFormat  = "ghostline-ranker"
	ModelVersion = 1
)

// Model is the content of a model file: both gates, their calibration and
// the cascade thresholds for several precision targets.
type Model struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	FeatureSet int    `json:"featureSet"`
	Source     string `json:"source,omitempty"` // what it was trained on
	Decisions  int    `json:"decisions"`        // examples trained on: drives blending
	Accepted   int    `json:"accepted"`
	Groups     int    `json:"groups"` // programmers (or sessions) in the data

	Gate1      GateModel   `json:"gate1"`
	Gate2      GateModel   `json:"gate2"`
	Thresholds []Threshold `json:"thresholds"`
}

// GateModel is one gate's predictor.
type GateModel struct {
	Features    []string         `json:"features"`
	Model       string           `json:"model"` // the candidate kept, e.g. "gbt depth=2 trees=100"
	Logistic    *Logistic        `json:"logistic,omitempty"`
	GBT         *GBT             `json:"gbt,omitempty"`
	Calibration Platt            `json:"calibration"`
	CV          []CandidateScore `json:"cv,omitempty"` // every candidate's cross-validated score
}

// CandidateScore is a candidate's out-of-fold result during training.
type CandidateScore struct {
	Name    string  `json:"name"`
	LogLoss float64 `json:"logLoss"`
	AUC     float64 `json:"auc"`
}

// Threshold is the cascade for one precision target: skip generation when
// gate 1's P(accept) < Gate1, hide when gate 2's < Gate2 (0: never).
// Hidden, Skipped, Expected (the precision of what was hidden) and Held
// (the share of programmers for whom it reached Precision) are what the
// thresholds did out of fold in training; files from before they were
// recorded read Expected and Held as 0.
type Threshold struct {
	Precision float64 `json:"precision"`
	Gate1     float64 `json:"gate1"`
	Gate2     float64 `json:"gate2"`
	Hidden    float64 `json:"hidden"`
	Skipped   float64 `json:"skipped"`
	Expected  float64 `json:"expected,omitempty"`
	Held      float64 `json:"held,omitempty"`
}

// Prob is the calibrated P(accept) for feature vector x. The gate holds
// exactly one of Logistic and GBT (ParseModel checks it).
func (g *GateModel) Prob(x []float64) float64 {
	if g.Logistic != nil {
		return g.Calibration.Prob(g.Logistic.Score(x))
	}
	return g.Calibration.Prob(g.GBT.Score(x))
}

// Threshold returns the thresholds for the smallest carried precision at
// least p (the strictest one when p is above all of them).
func (m *Model) Threshold(p float64) Threshold {
	for _, t := range m.Thresholds {
		if t.Precision >= p-1e-9 {
			return t
		}
	}
	if len(m.Thresholds) == 0 {
		return Threshold{Precision: p}
	}
	return m.Thresholds[len(m.Thresholds)-1]
}

// ErrIncompatible: the model file is of another format, version or feature set.
var ErrIncompatible = errors.New("incompatible ranker model")

// ParseModel decodes and validates a model file.
func ParseModel(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode ranker model: %w", err)
	}
	if m.Format != ModelFormat || m.Version != ModelVersion || m.FeatureSet != FeatureSet {
		return nil, fmt.Errorf("%w: format %q version %d feature set %d (want %q %d %d)",
			ErrIncompatible, m.Format, m.Version, m.FeatureSet, ModelFormat, ModelVersion, FeatureSet)
	}
	for i, g := range []*GateModel{&m.Gate1, &m.Gate2} {
		if err := g.validate(i == 1); err != nil {
			return nil, fmt.Errorf("%w: gate %d: %v", ErrIncompatible, i+1, err)
		}
	}
	for _, t := range m.Thresholds {
		if !inUnit(t.Precision) || !inUnit(t.Gate1) || !inUnit(t.Gate2) {
			return nil, fmt.Errorf("%w: threshold out of [0,1]: %+v", ErrIncompatible, t)
		}
	}
	slices.SortFunc(m.Thresholds, func(a, b Threshold) int {
		switch {
		case a.Precision < b.Precision:
			return -1
		case a.Precision > b.Precision:
			return 1
		}
		return 0
	})
	return &m, nil
}

func (g *GateModel) validate(gate2 bool) error {
	if !slices.Equal(g.Features, FeatureNames(gate2)) {
		return errors.New("feature list differs from this version's")
	}
	nf := len(g.Features)
	if !isFinite(g.Calibration.A) || !isFinite(g.Calibration.B) {
		return errors.New("calibration is not finite")
	}
	switch {
	case g.Logistic != nil && g.GBT == nil:
		l := g.Logistic
		if len(l.Weights) != nf || len(l.Mean) != nf || len(l.Std) != nf {
			return fmt.Errorf("logistic regression has %d weights for %d features", len(l.Weights), nf)
		}
		for i := range nf {
			if !isFinite(l.Weights[i]) || !isFinite(l.Mean[i]) || !isFinite(l.Std[i]) || l.Std[i] <= 0 {
				return fmt.Errorf("logistic regression: bad parameter for %s", g.Features[i])
			}
		}
	case g.GBT != nil && g.Logistic == nil:
		if err := g.GBT.validate(nf); err != nil {
			return err
		}
	default:
		return errors.New("want exactly one of logistic or gbt")
	}
	return nil
}

func inUnit(x float64) bool   { return x >= 0 && x <= 1 }
func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Marshal encodes m as indented JSON.
func (m *Model) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode ranker model: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteFile writes m to path atomically (temp file + rename), so a server
// reloading it never reads half a file.
func (m *Model) WriteFile(path string) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write ranker model: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ranker-*.json")
	if err != nil {
		return fmt.Errorf("write ranker model: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write ranker model: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write ranker model: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write ranker model: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write ranker model: %w", err)
	}
	return nil
}

// defaultModelJSON is trained on the CUPS study (see gen.go).
//
//go:embed default_model.json
var defaultModelJSON []byte

// DefaultModel returns the shipped model.
func DefaultModel() (*Model, error) {
	return ParseModel(defaultModelJSON)
}

// DefaultModelPath is $XDG_DATA_HOME/ghostline/ranker.json
// (~/.local/share/ghostline/ranker.json without XDG_DATA_HOME).
func DefaultModelPath() (string, error) {
	dir, err := config.DataDir()
	if err != nil {
		return "", fmt.Errorf("ranker model path: %w", err)
	}
	return filepath.Join(dir, "ranker.json"), nil
}

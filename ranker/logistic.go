package ranker

import "math"

// Logistic is an L2-regularised logistic regression on standardised
// features (trained by ranker/offline). Score returns the logit.
type Logistic struct {
	Mean    []float64 `json:"mean"`
	Std     []float64 `json:"std"`
	Weights []float64 `json:"weights"`
	Bias    float64   `json:"bias"`
	Lambda  float64   `json:"lambda"`
}

// Score is the logit of x (len(x) >= len(Weights)).
func (m *Logistic) Score(x []float64) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * (x[i] - m.Mean[i]) / m.Std[i]
	}
	return z
}

// Platt maps a raw score to a calibrated probability: sigmoid(A·s + B).
type Platt struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// Prob is the calibrated probability of score s.
func (p Platt) Prob(s float64) float64 { return Sigmoid(p.A*s + p.B) }

// Sigmoid is the logistic function, computed without overflow.
func Sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

package offline

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"

	"github.com/ghostline/ghostline/ranker"
)

// trainLogistic fits weights minimising the mean log-loss plus
// lambda/2·|w|²/n with L-BFGS (gonum/optimize).
func trainLogistic(X [][]float64, y []float64, lambda float64) (*ranker.Logistic, error) {
	n := len(X)
	if n == 0 {
		return nil, fmt.Errorf("logistic regression: no examples")
	}
	d := len(X[0])
	m := &ranker.Logistic{Mean: make([]float64, d), Std: make([]float64, d), Lambda: lambda}
	for j := range d {
		var s, ss float64
		for _, x := range X {
			s += x[j]
			ss += x[j] * x[j]
		}
		mean := s / float64(n)
		v := ss/float64(n) - mean*mean
		m.Mean[j] = mean
		m.Std[j] = 1
		if v > 1e-12 {
			m.Std[j] = math.Sqrt(v)
		}
	}
	Z := make([][]float64, n)
	for i, x := range X {
		Z[i] = make([]float64, d)
		for j := range d {
			Z[i][j] = (x[j] - m.Mean[j]) / m.Std[j]
		}
	}
	inv := 1 / float64(n)
	// params: d weights then the bias.
	lossGrad := func(grad, p []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		loss := 0.0
		for i, z := range Z {
			s := p[d] + floats.Dot(p[:d], z)
			loss += logLossLogit(s, y[i])
			if grad != nil {
				r := (ranker.Sigmoid(s) - y[i]) * inv
				floats.AddScaled(grad[:d], r, z)
				grad[d] += r
			}
		}
		reg := 0.5 * lambda * inv * floats.Dot(p[:d], p[:d])
		if grad != nil {
			floats.AddScaled(grad[:d], lambda*inv, p[:d])
		}
		return loss*inv + reg
	}
	prob := optimize.Problem{
		Func: func(p []float64) float64 { return lossGrad(nil, p) },
		Grad: func(grad, p []float64) { lossGrad(grad, p) },
	}
	res, err := optimize.Minimize(prob, make([]float64, d+1), &optimize.Settings{GradientThreshold: 1e-7, MajorIterations: 500}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("logistic regression: %w", err)
	}
	m.Weights = append([]float64(nil), res.X[:d]...)
	m.Bias = res.X[d]
	return m, nil
}

// fitPlatt fits A and B on out-of-fold scores by Newton's method, with
// Platt's smoothed targets so that separable folds do not blow up.
func fitPlatt(scores, y []float64) ranker.Platt {
	var pos, neg float64
	for _, v := range y {
		if v > 0.5 {
			pos++
		} else {
			neg++
		}
	}
	hi, lo := (pos+1)/(pos+2), 1/(neg+2)
	t := make([]float64, len(y))
	for i, v := range y {
		t[i] = lo
		if v > 0.5 {
			t[i] = hi
		}
	}
	a, b := 1.0, math.Log((pos+1)/(neg+1))
	for range 100 {
		var g0, g1, h00, h01, h11 float64
		for i, s := range scores {
			p := ranker.Sigmoid(a*s + b)
			r := p - t[i]
			w := max(p*(1-p), 1e-12)
			g0 += r * s
			g1 += r
			h00 += w * s * s
			h01 += w * s
			h11 += w
		}
		h00 += 1e-9
		h11 += 1e-9
		det := h00*h11 - h01*h01
		if det <= 0 {
			break
		}
		da := (h11*g0 - h01*g1) / det
		db := (h00*g1 - h01*g0) / det
		a, b = a-da, b-db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	if math.IsNaN(a) || math.IsNaN(b) {
		return ranker.Platt{A: 1}
	}
	return ranker.Platt{A: a, B: b}
}

// logLossLogit is the log-loss of label y given logit s, computed stably.
func logLossLogit(s, y float64) float64 {
	// log(1+exp(s)) - y*s
	var sp float64
	if s > 0 {
		sp = s + math.Log1p(math.Exp(-s))
	} else {
		sp = math.Log1p(math.Exp(s))
	}
	return sp - y*s
}

func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

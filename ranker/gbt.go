package ranker

import "fmt"

// GBT is a gradient-boosted ensemble of small regression trees on the
// logistic loss (trained by ranker/offline). Score returns the logit.
type GBT struct {
	Base      float64 `json:"base"`
	Shrinkage float64 `json:"shrinkage"`
	Depth     int     `json:"depth"`
	Trees     []Tree  `json:"trees"`
}

// Tree is a flat binary tree: node 0 is the root; a node with Feature < 0
// is a leaf.
type Tree []Node

// Node goes Left when x[Feature] <= Threshold.
type Node struct {
	Feature   int     `json:"f"`
	Threshold float64 `json:"t,omitempty"`
	Left      int     `json:"l,omitempty"`
	Right     int     `json:"r,omitempty"`
	Value     float64 `json:"v,omitempty"`
}

// Score is the logit of x.
func (m *GBT) Score(x []float64) float64 {
	z := m.Base
	for _, t := range m.Trees {
		z += t.Value(x)
	}
	return z
}

// Value is the value of the leaf x falls into.
func (t Tree) Value(x []float64) float64 {
	i := 0
	for t[i].Feature >= 0 {
		if x[t[i].Feature] <= t[i].Threshold {
			i = t[i].Left
		} else {
			i = t[i].Right
		}
	}
	return t[i].Value
}

func (m *GBT) validate(nf int) error {
	for ti, t := range m.Trees {
		if len(t) == 0 {
			return fmt.Errorf("tree %d is empty", ti)
		}
		for ni, n := range t {
			if n.Feature >= nf {
				return fmt.Errorf("tree %d node %d: feature %d out of range", ti, ni, n.Feature)
			}
			// Children come after their parent, so walking always ends.
			if n.Feature >= 0 && (n.Left <= ni || n.Right <= ni || n.Left >= len(t) || n.Right >= len(t)) {
				return fmt.Errorf("tree %d node %d: bad children", ti, ni)
			}
		}
	}
	return nil
}

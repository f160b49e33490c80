package offline

import (
	"slices"

	"github.com/ghostline/ghostline/ranker"
)

// No well-kept Go library trains gradient-boosted trees: dmitryikh/leaves
// only runs LightGBM/XGBoost models, sjwhitworth/golearn has no boosting
// and is unmaintained, goml has no trees. With a few thousand examples a
// small histogram-based booster is a page of code.

// gbtParams are the booster's hyperparameters.
type gbtParams struct {
	Trees     int
	Depth     int
	Shrinkage float64
	MinLeaf   int     // minimum examples per leaf
	L2        float64 // on leaf values
}

const maxBins = 32

// trainGBT fits a booster. Candidate split points are up to maxBins
// quantiles of each feature.
func trainGBT(X [][]float64, y []float64, p gbtParams) *ranker.GBT {
	n, d := len(X), len(X[0])
	cuts := make([][]float64, d)
	bins := make([][]uint8, d) // bins[j][i]: bin of example i on feature j
	col := make([]float64, n)
	for j := range d {
		for i, x := range X {
			col[i] = x[j]
		}
		cuts[j] = quantileCuts(col)
		bins[j] = make([]uint8, n)
		for i, v := range col {
			b, _ := slices.BinarySearch(cuts[j], v)
			bins[j][i] = uint8(b)
		}
	}
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	base := logit((pos + 1) / (float64(n) + 2))
	m := &ranker.GBT{Base: base, Shrinkage: p.Shrinkage, Depth: p.Depth}
	score := make([]float64, n)
	for i := range score {
		score[i] = base
	}
	g, h := make([]float64, n), make([]float64, n)
	idx := make([]int, n)
	b := &treeBuilder{p: p, cuts: cuts, bins: bins, g: g, h: h}
	for range p.Trees {
		for i := range n {
			q := ranker.Sigmoid(score[i])
			g[i], h[i] = q-y[i], max(q*(1-q), 1e-6)
		}
		for i := range idx {
			idx[i] = i
		}
		b.tree = ranker.Tree{{}}
		b.grow(0, idx, 0)
		for i, x := range X {
			score[i] += b.tree.Value(x)
		}
		m.Trees = append(m.Trees, b.tree)
	}
	return m
}

// quantileCuts returns sorted distinct split values: x <= cut goes left.
func quantileCuts(col []float64) []float64 {
	s := slices.Clone(col)
	slices.Sort(s)
	s = slices.Compact(s)
	if len(s) <= maxBins {
		if len(s) > 0 {
			s = s[:len(s)-1] // the largest value splits nothing off
		}
		return s
	}
	out := make([]float64, 0, maxBins)
	for k := 1; k < maxBins; k++ {
		v := s[k*len(s)/maxBins]
		if len(out) == 0 || v > out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

type treeBuilder struct {
	p    gbtParams
	cuts [][]float64
	bins [][]uint8
	g, h []float64
	tree ranker.Tree
}

func (b *treeBuilder) leaf(node int, idx []int) {
	var G, H float64
	for _, i := range idx {
		G += b.g[i]
		H += b.h[i]
	}
	b.tree[node] = ranker.Node{Feature: -1, Value: -G / (H + b.p.L2) * b.p.Shrinkage}
}

func (b *treeBuilder) grow(node int, idx []int, depth int) {
	if depth >= b.p.Depth || len(idx) < 2*b.p.MinLeaf {
		b.leaf(node, idx)
		return
	}
	var G, H float64
	for _, i := range idx {
		G += b.g[i]
		H += b.h[i]
	}
	parent := G * G / (H + b.p.L2)
	bestGain, bestF, bestBin := 1e-9, -1, 0
	var hg, hh [maxBins]float64
	var hc [maxBins]int
	for f, col := range b.bins {
		nc := len(b.cuts[f])
		if nc == 0 {
			continue
		}
		hg, hh, hc = [maxBins]float64{}, [maxBins]float64{}, [maxBins]int{}
		for _, i := range idx {
			k := col[i]
			hg[k] += b.g[i]
			hh[k] += b.h[i]
			hc[k]++
		}
		var gl, hl float64
		cl := 0
		for k := 0; k < nc; k++ {
			gl, hl, cl = gl+hg[k], hl+hh[k], cl+hc[k]
			if cl < b.p.MinLeaf {
				continue
			}
			if len(idx)-cl < b.p.MinLeaf {
				break
			}
			gr, hr := G-gl, H-hl
			gain := gl*gl/(hl+b.p.L2) + gr*gr/(hr+b.p.L2) - parent
			if gain > bestGain {
				bestGain, bestF, bestBin = gain, f, k
			}
		}
	}
	if bestF < 0 {
		b.leaf(node, idx)
		return
	}
	var left, right []int
	for _, i := range idx {
		if int(b.bins[bestF][i]) <= bestBin {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	l := len(b.tree)
	b.tree = append(b.tree, ranker.Node{}, ranker.Node{})
	b.tree[node] = ranker.Node{Feature: bestF, Threshold: b.cuts[bestF][bestBin], Left: l, Right: l + 1}
	b.grow(l, left, depth+1)
	b.grow(l+1, right, depth+1)
}

package offline

import (
	"math"
	"slices"
	"sort"
)

// AUC is the area under the ROC curve of scores for labels y (1 accepted),
// with ties counted half. It is 0.5 when either class is missing.
func AUC(scores, y []float64) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean 1-based rank of the tie block
		for k := i; k < j; k++ {
			if y[idx[k]] > 0.5 {
				rankSum += avg
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return 0.5
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// LogLoss is the mean negative log-likelihood of probabilities p.
func LogLoss(p, y []float64) float64 {
	if len(p) == 0 {
		return 0
	}
	s := 0.0
	for i, q := range p {
		q = min(max(q, 1e-6), 1-1e-6)
		if y[i] > 0.5 {
			s -= math.Log(q)
		} else {
			s -= math.Log(1 - q)
		}
	}
	return s / float64(len(p))
}

// hideStats counts what hiding (hidden[i]) does: how many are hidden, how
// many of those were rejected, and how many accepted ones are lost.
type hideStats struct {
	N, Accepted, Hidden, HiddenRejected, Skipped int
}

func (s hideStats) add(o hideStats) hideStats {
	return hideStats{s.N + o.N, s.Accepted + o.Accepted, s.Hidden + o.Hidden, s.HiddenRejected + o.HiddenRejected, s.Skipped + o.Skipped}
}

func (s hideStats) hiddenFrac() float64  { return ratio(s.Hidden, s.N) }
func (s hideStats) skippedFrac() float64 { return ratio(s.Skipped, s.N) }
func (s hideStats) lostFrac() float64    { return ratio(s.Hidden-s.HiddenRejected, s.Accepted) }

// precision is the fraction of hidden suggestions that were rejected (NaN
// when nothing is hidden).
func (s hideStats) precision() float64 {
	if s.Hidden == 0 {
		return math.NaN()
	}
	return float64(s.HiddenRejected) / float64(s.Hidden)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// hiddenAtPrecision is the largest fraction of examples that can be hidden,
// lowest score first, with at least the given fraction of the hidden ones
// rejected. Ties hide together. It is the best any threshold on this score
// can do on these examples.
func hiddenAtPrecision(scores, y []float64, precision float64) float64 {
	t := fitThreshold(scores, y, promise{Precision: precision})
	n := 0
	for _, s := range scores {
		if s < t {
			n++
		}
	}
	return ratio(n, len(scores))
}

// promise is what fitted thresholds must keep on the examples they are
// fitted on: at least Precision of what is hidden or skipped was rejected,
// pooled and, when Groups is set, for at least Share of the programmers
// (Groups[i] is example i's programmer, 0..n-1; a programmer with nothing
// hidden keeps it). Pooled precision alone is an average over programmers
// that a new programmer often misses; asking it of most programmers one by
// one, each scored by models that never saw them, is what holds out of
// sample (see `ghostline eval ranker`, column "held").
type promise struct {
	Precision float64
	Groups    []int
	Share     float64
}

// newPromise is the promise for a precision target over programmers
// groups with TrainOptions.Share's meaning of share (0: DefaultShare,
// negative: pooled only).
func newPromise(precision float64, groups []int, share float64) promise {
	switch {
	case share == 0:
		share = DefaultShare
	case share < 0:
		groups = nil
	}
	return promise{Precision: precision, Groups: groups, Share: share}
}

// keeper tracks, per programmer, how much is hidden and how much of it
// was rejected, and how many programmers miss the precision.
type keeper struct {
	p         float64
	hid, rej  []int
	failing   int
	groups    []int
	minGroups int // programmers that must keep the promise
}

func newKeeper(pr promise) *keeper {
	k := &keeper{p: pr.Precision, groups: pr.Groups}
	if len(pr.Groups) > 0 {
		n := slices.Max(pr.Groups) + 1
		k.hid, k.rej = make([]int, n), make([]int, n)
		k.minGroups = int(math.Ceil(pr.Share*float64(n) - 1e-9))
	}
	return k
}

// hide counts example i (with label y) as hidden.
func (k *keeper) hide(i int, y float64) {
	if k.groups == nil {
		return
	}
	g := k.groups[i]
	before := meets(k.rej[g], k.hid[g], k.p)
	k.hid[g]++
	if y < 0.5 {
		k.rej[g]++
	}
	if after := meets(k.rej[g], k.hid[g], k.p); before != after {
		if after {
			k.failing--
		} else {
			k.failing++
		}
	}
}

// kept reports whether enough programmers keep the promise.
func (k *keeper) kept() bool {
	return k.groups == nil || len(k.hid)-k.failing >= k.minGroups
}

func (k *keeper) copyFrom(o *keeper) {
	copy(k.hid, o.hid)
	copy(k.rej, o.rej)
	k.failing = o.failing
}

// fitThreshold returns t maximising how many examples have score < t
// subject to the promise; -Inf when no threshold keeps it.
func fitThreshold(scores, y []float64, pr promise) float64 {
	p1 := make([]float64, len(scores))
	for i := range p1 {
		p1[i] = math.Inf(1) // no gate 1
	}
	_, t := fitCascade(p1, scores, y, pr)
	return t
}

// fitCascade chooses the gate-1 and gate-2 thresholds as CDHF does: hide
// (skip at gate 1 when p1 < t1, else hide at gate 2 when p2 < t2) as many
// suggestions as possible while keeping the promise; between equal totals,
// skipping more wins, since a skipped generation saves its latency.
// Thresholds sit halfway between neighbouring scores; -Inf means the gate
// never hides.
func fitCascade(p1, p2, y []float64, pr promise) (t1, t2 float64) {
	n := len(y)
	precision := pr.Precision
	order1 := sortedIdx(p1)
	order2 := sortedIdx(p2)
	t1, t2 = math.Inf(-1), math.Inf(-1)
	bestHidden, bestSkipped := 0, 0
	// Candidate t1: skip the k lowest by p1, at tie boundaries, every step-th
	// k; gate 1 must meet the pooled precision on its own.
	const maxCandidates = 200
	step := max(1, n/maxCandidates)
	skipped := make([]bool, n)
	sRej := 0
	skip, all := newKeeper(pr), newKeeper(pr)
	for k := 0; k <= n; k++ {
		if k > 0 {
			i := order1[k-1]
			skipped[i] = true
			skip.hide(i, y[i])
			if y[i] < 0.5 {
				sRej++
			}
		}
		if k < n && k > 0 && p1[order1[k]] == p1[order1[k-1]] {
			continue // not a boundary
		}
		if k%step != 0 && k != n {
			continue
		}
		if k > 0 && !meets(sRej, k, precision) {
			continue // gate 1 alone already misses the precision
		}
		cand1 := threshAt(p1, order1, k)
		// Scan gate 2 over the rest.
		all.copyFrom(skip)
		h, hRej := 0, 0
		for j := 0; j <= n; j++ {
			if j > 0 {
				i := order2[j-1]
				if !skipped[i] {
					h++
					all.hide(i, y[i])
					if y[i] < 0.5 {
						hRej++
					}
				}
			}
			if j < n && j > 0 && p2[order2[j]] == p2[order2[j-1]] {
				continue
			}
			tot, rej := k+h, sRej+hRej
			if tot == 0 || !meets(rej, tot, precision) || !all.kept() {
				continue
			}
			if tot > bestHidden || tot == bestHidden && k > bestSkipped {
				bestHidden, bestSkipped = tot, k
				t1, t2 = cand1, threshAt(p2, order2, j)
				if h == 0 {
					t2 = math.Inf(-1)
				}
			}
		}
	}
	return t1, t2
}

func meets(rejected, hidden int, precision float64) bool {
	return float64(rejected) >= precision*float64(hidden)
}

// threshAt is a threshold below which exactly the k lowest of scores fall.
func threshAt(scores []float64, order []int, k int) float64 {
	switch {
	case k == 0:
		return math.Inf(-1)
	case k == len(order):
		return math.Nextafter(scores[order[k-1]], math.Inf(1))
	}
	return (scores[order[k-1]] + scores[order[k]]) / 2
}

func sortedIdx(s []float64) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case s[a] < s[b]:
			return -1
		case s[a] > s[b]:
			return 1
		}
		return 0
	})
	return idx
}

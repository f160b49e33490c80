package offline

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ghostline/ghostline/ranker"
)

func TestAUC(t *testing.T) {
	tests := []struct {
		s, y []float64
		want float64
	}{
		{[]float64{0.1, 0.2, 0.8, 0.9}, []float64{0, 0, 1, 1}, 1},
		{[]float64{0.9, 0.8, 0.2, 0.1}, []float64{0, 0, 1, 1}, 0},
		{[]float64{0.5, 0.5, 0.5, 0.5}, []float64{0, 1, 0, 1}, 0.5},
		{[]float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, 0.75},
		{[]float64{0.3, 0.4}, []float64{1, 1}, 0.5},
	}
	for _, tt := range tests {
		if got := AUC(tt.s, tt.y); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("AUC(%v, %v) = %v, want %v", tt.s, tt.y, got, tt.want)
		}
	}
}

func TestFitCascade(t *testing.T) {
	// 10 examples: gate 1 separates the 3 lowest cleanly, gate 2 two more.
	p1 := []float64{0.1, 0.1, 0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}
	p2 := []float64{0.9, 0.9, 0.9, 0.1, 0.15, 0.3, 0.6, 0.7, 0.8, 0.9}
	y := []float64{0, 0, 0, 0, 0, 1, 1, 1, 0, 1}
	t1, t2 := fitCascade(p1, p2, y, promise{Precision: 0.9})
	var st hideStats
	for i := range y {
		st = st.add(hideOne(p1[i], p2[i], ranker.Threshold{Gate1: t1, Gate2: t2}, y[i] > 0.5))
	}
	if st.Hidden != 5 || st.Skipped != 3 || st.HiddenRejected != 5 {
		t.Errorf("t1=%v t2=%v: %+v, want 5 hidden (3 skipped), all rejected", t1, t2, st)
	}
	// Nothing can be hidden at precision 0.9 when every example is accepted.
	ones := []float64{1, 1, 1}
	if t1, t2 := fitCascade(ones, ones, ones, promise{Precision: 0.9}); !math.IsInf(t1, -1) || !math.IsInf(t2, -1) {
		t.Errorf("all accepted: thresholds %v %v, want -Inf", t1, t2)
	}
	if got := hiddenAtPrecision(p2, y, 0.9); got != 0.2 {
		t.Errorf("hiddenAtPrecision = %v, want 0.2", got)
	}
}

// synthetic returns examples whose label depends on two features
// non-linearly, grouped into 6 programmers.
func synthetic(n int) *Dataset {
	r := rand.New(rand.NewPCG(1, 2))
	ds := &Dataset{}
	for i := range n {
		x := make([]float64, ranker.NumFeatures)
		for j := range x {
			x[j] = r.NormFloat64()
		}
		z := 2*x[ranker.FeatureIndex("prefix_chars_log")] - 1.5*x[ranker.FeatureIndex("confidence_pct")] + 1.5*math.Abs(x[ranker.FeatureIndex("doc_chars_log")]) - 1
		ds.Examples = append(ds.Examples, Example{
			Group: string(rune('a' + i%6)), Accepted: r.Float64() < ranker.Sigmoid(z), X: x,
		})
	}
	return ds
}

func TestLearners(t *testing.T) {
	ds := synthetic(1200)
	y := labels(ds.Examples)
	X := columns(ds.Examples, ranker.NumFeatures)
	folds := groupFolds(ds.Examples, 3)
	for _, c := range candidates {
		raw, err := crossScores(X, y, folds, c)
		if err != nil {
			t.Fatal(err)
		}
		if auc := AUC(raw, y); auc < 0.75 {
			t.Errorf("%s: out-of-fold AUC %.3f, want >= 0.75", c.Name, auc)
		}
	}
}

func TestPlatt(t *testing.T) {
	// Scores that are twice the true logit: calibration should halve them.
	r := rand.New(rand.NewPCG(3, 4))
	var s, y []float64
	for range 4000 {
		z := r.NormFloat64() * 2
		s = append(s, 2*z)
		if r.Float64() < ranker.Sigmoid(z) {
			y = append(y, 1)
		} else {
			y = append(y, 0)
		}
	}
	p := fitPlatt(s, y)
	if math.Abs(p.A-0.5) > 0.08 || math.Abs(p.B) > 0.1 {
		t.Errorf("Platt = %+v, want about {0.5 0}", p)
	}
}

func TestGroupFoldsKeepGroupsTogether(t *testing.T) {
	ds := synthetic(100)
	folds := groupFolds(ds.Examples, 4)
	fold := map[string]int{}
	for i, e := range ds.Examples {
		if f, ok := fold[e.Group]; ok && f != folds[i] {
			t.Fatalf("group %s in folds %d and %d", e.Group, f, folds[i])
		}
		fold[e.Group] = folds[i]
	}
	used := map[int]bool{}
	for _, f := range fold {
		used[f] = true
	}
	if len(used) != 4 {
		t.Errorf("%d folds used, want 4", len(used))
	}
}

func TestTrainRoundTrip(t *testing.T) {
	ds := synthetic(300)
	m, err := Train(ds, TrainOptions{Folds: 3, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/sub/ranker.json"
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ranker.ParseModel(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ds.Examples[:20] {
		if a, b := m.Gate2.Prob(e.X), back.Gate2.Prob(e.X); math.Abs(a-b) > 1e-12 {
			t.Fatalf("gate 2 prob %v after round trip, %v before", b, a)
		}
		if a, b := m.Gate1.Prob(e.X[:ranker.NumGate1]), back.Gate1.Prob(e.X[:ranker.NumGate1]); math.Abs(a-b) > 1e-12 {
			t.Fatalf("gate 1 prob %v after round trip, %v before", b, a)
		}
	}
	if len(back.Thresholds) != len(Precisions) || back.Threshold(0.9).Precision != 0.9 {
		t.Errorf("thresholds: %+v", back.Thresholds)
	}
}

func TestTrainTooFew(t *testing.T) {
	ds := synthetic(10)
	if _, err := Train(ds, TrainOptions{}); !errors.Is(err, ErrTooFewDecisions) {
		t.Errorf("err = %v, want ErrTooFewDecisions", err)
	}
	ds = synthetic(50)
	for i := range ds.Examples {
		ds.Examples[i].Accepted = true
	}
	if _, err := Train(ds, TrainOptions{}); !errors.Is(err, ErrTooFewDecisions) {
		t.Errorf("one outcome: err = %v, want ErrTooFewDecisions", err)
	}
}

// TestFitCascadeShare: the pooled precision can hold while one programmer's
// does not; Share decides how many programmers must keep it.
func TestFitCascadeShare(t *testing.T) {
	// Programmer 1's one accept has the lowest score; programmer 0's nine
	// rejects and programmer 1's reject follow; the rest are accepted.
	p2 := []float64{0.05, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.2, 0.6, 0.7, 0.8}
	y := []float64{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}
	groups := []int{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1}
	hidden := func(pr promise) int {
		th := fitThreshold(p2, y, pr)
		n := 0
		for _, p := range p2 {
			if p < th {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct {
		pr   promise
		want int
	}{
		{promise{Precision: 0.9}, 11},
		{promise{Precision: 0.9, Groups: groups, Share: 0.5}, 11},
		{promise{Precision: 0.9, Groups: groups, Share: 1}, 0},
	} {
		if got := hidden(tt.pr); got != tt.want {
			t.Errorf("share %v (groups %v): %d hidden, want %d", tt.pr.Share, tt.pr.Groups != nil, got, tt.want)
		}
	}
}

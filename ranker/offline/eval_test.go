package offline

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/ghostline/ghostline/ranker"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestEvaluateGolden(t *testing.T) {
	_, ds := readSlice(t)
	r, err := Evaluate(context.Background(), ds, EvalOptions{Precision: 0.9, InnerFolds: 3})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/eval_slice.golden"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("eval report differs from %s (go test -update to accept):\n%s", golden, buf.String())
	}
	if r.Folds != 4 || r.Decisions != len(ds.Examples) {
		t.Errorf("folds %d decisions %d", r.Folds, r.Decisions)
	}
	all := r.Row("show everything")
	if all == nil || all.Hidden != 0 || all.AcceptedLost != 0 {
		t.Errorf("show everything: %+v", all)
	}
	for _, row := range r.Rows {
		if row.Hidden < 0 || row.Hidden > 1 || row.Skipped > row.Hidden {
			t.Errorf("%s: hidden %v skipped %v", row.Name, row.Hidden, row.Skipped)
		}
	}
}

func TestEvaluateNeedsTwoGroups(t *testing.T) {
	ds := synthetic(40)
	for i := range ds.Examples {
		ds.Examples[i].Group = "one"
	}
	if _, err := Evaluate(context.Background(), ds, EvalOptions{}); err == nil {
		t.Error("no error with a single programmer")
	}
}

// TestScore applies the shipped model to the slice as it is: what it hides
// is what its own thresholds say, counted pooled and per programmer.
func TestScore(t *testing.T) {
	_, ds := readSlice(t)
	m, err := ranker.DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Score(ds, m, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	th := m.Threshold(0.9)
	hidden, held := 0, map[string][2]int{}
	for _, e := range ds.Examples {
		if m.Gate1.Prob(e.X[:ranker.NumGate1]) < th.Gate1 || m.Gate2.Prob(e.X) < th.Gate2 {
			hidden++
			h := held[e.Group]
			h[0]++
			if !e.Accepted {
				h[1]++
			}
			held[e.Group] = h
		}
	}
	kept := len(ds.Groups()) - len(held)
	for _, h := range held {
		if float64(h[1]) >= 0.9*float64(h[0]) {
			kept++
		}
	}
	cascade := r.Row("ranker cascade (gate 1 + 2)")
	if cascade == nil || math.Abs(cascade.Hidden-float64(hidden)/float64(len(ds.Examples))) > 1e-12 || cascade.Held != kept {
		t.Errorf("cascade row %+v, want hidden %d/%d, held %d", cascade, hidden, len(ds.Examples), kept)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "expected precision") || !strings.Contains(buf.String(), "the model's own thresholds") {
		t.Errorf("report does not say what the model expected:\n%s", buf.String())
	}
	if _, err := Score(&Dataset{}, m, 0.9); err == nil {
		t.Error("no error scoring no decisions")
	}
}

package offline

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"
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

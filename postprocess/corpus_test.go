package postprocess_test

import (
	"strings"
	"testing"

	"github.com/ghostline/ghostline/eval"
)

// TestCorpus runs the golden corpus (testdata/corpus, one txtar per case:
// see eval.LoadPostCases) and logs how many cases each filter decided.
func TestCorpus(t *testing.T) {
	cases, err := eval.LoadPostCases("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	r := eval.RunPost(cases)
	for _, o := range r.Outcomes {
		if o.Pass && o.Case.Known != "" {
			t.Errorf("%s passes: it is no longer a known failure (%s)", o.Case.Name, o.Case.Known)
		}
		if !o.Pass && o.Case.Known == "" {
			want := "nothing"
			if o.Case.Expected != nil {
				want = *o.Case.Expected
			}
			t.Errorf("%s:\nraw:  %q\nwant: %q\ngot:  %q replacing %d bytes (filters %s)", o.Case.Name, o.Case.Raw, want, o.Result.Text, o.Result.Replace, strings.Join(o.Result.Changed, ", "))
		}
	}
	t.Logf("%d of %d cases pass; cases each filter changed: %v", r.Passed, len(cases), r.Decisions)
}

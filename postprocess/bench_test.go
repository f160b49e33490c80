package postprocess_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ghostline/ghostline/eval"
	"github.com/ghostline/ghostline/lsp/lspbench"
	"github.com/ghostline/ghostline/postprocess"
)

// BenchmarkProcess runs every corpus case with its document put in the
// middle of a 5,000-line Go file (the bracket stack reads 8 KB either
// side of the cursor) and reports the p50 and p99 of one Process call.
// Budget: well under the server's p99 of 5 ms per keystroke.
func BenchmarkProcess(b *testing.B) {
	big, err := lspbench.GoSource(5000)
	if err != nil {
		b.Skip(err)
	}
	cases, err := eval.LoadPostCases("testdata/corpus")
	if err != nil {
		b.Fatal(err)
	}
	half := len(big) / 2
	ins := make([]postprocess.Input, len(cases))
	for i, c := range cases {
		in := c.Input()
		in.Prefix, in.Suffix = big[:half]+in.Prefix, in.Suffix+big[half:]
		ins[i] = in
	}
	ds := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		postprocess.Process(ins[i%len(ins)])
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "p99-µs")
}

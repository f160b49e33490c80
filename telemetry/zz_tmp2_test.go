package telemetry_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func BenchmarkTmpInsert(b *testing.B) {
	st, _ := openStoreB(b, filepath.Join(b.TempDir(), "t.db"))
	es := events(256, t0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range es {
			es[j].ID = fmt.Sprintf("%d-%d", i, j)
		}
		if err := st.Insert(context.Background(), es); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*256)/b.Elapsed().Seconds(), "events/s")
}

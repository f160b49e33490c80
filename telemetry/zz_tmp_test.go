package telemetry_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

func TestTmpQuickCheckCost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.db")
	st := openStore(t, path)
	ctx := context.Background()
	for b := 0; b < 300; b++ {
		es := events(1000, t0)
		for i := range es {
			es[i].ID = es[i].ID + "-" + string(rune('a'+b%26)) + time.Duration(b).String()
		}
		if err := st.Insert(ctx, es); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	fi, _ := os.Stat(path)
	for range 2 {
		start := time.Now()
		st2, err := telemetry.Open(ctx, path, telemetry.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("size %d MB, open %v", fi.Size()>>20, time.Since(start))
		st2.Close()
	}
}

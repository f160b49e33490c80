package telemetry_test

import (
	"context"
	"testing"

	"github.com/ghostline/ghostline/telemetry"
)

func openStoreB(b *testing.B, path string) (*telemetry.Store, error) {
	st, err := telemetry.Open(context.Background(), path, telemetry.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, nil
}

package telemetry_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ghostline/ghostline/telemetry"
)

func TestLocalUserID(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ghostline")
	id, err := telemetry.LocalUserID(dir)
	if err != nil || len(id) != 32 {
		t.Fatalf("user id %q, %v", id, err)
	}
	if again, err := telemetry.LocalUserID(dir); err != nil || again != id {
		t.Errorf("second call: %q, %v; want %q", again, err, id)
	}
	if other, err := telemetry.LocalUserID(t.TempDir()); err != nil || other == id {
		t.Errorf("another folder: %q, %v; want a different id", other, err)
	}
	// A damaged file is replaced by a new id that then stays.
	if err := os.WriteFile(filepath.Join(dir, "user-id"), []byte("not an id!"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh, err := telemetry.LocalUserID(dir)
	if err != nil || fresh == id || len(fresh) != 32 {
		t.Fatalf("after damage: %q, %v", fresh, err)
	}
	if again, _ := telemetry.LocalUserID(dir); again != fresh {
		t.Errorf("after damage, second call %q, want %q", again, fresh)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "user-id.*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestLocalUserIDConcurrentFirstUse(t *testing.T) {
	dir := t.TempDir()
	ids := make([]string, 16)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			id, err := telemetry.LocalUserID(dir)
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent first use gave different ids: %v", ids)
		}
	}
}

func TestNewSessionID(t *testing.T) {
	a, b := telemetry.NewSessionID(), telemetry.NewSessionID()
	if len(a) != 32 || a == b {
		t.Errorf("session ids %q and %q", a, b)
	}
}

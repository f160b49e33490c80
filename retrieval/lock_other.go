//go:build !unix

package retrieval

import (
	"context"
	"fmt"
	"os"
)

// waitLock takes no lock where flock is missing: two processes could both
// write one index there. ghostline's supported platforms are unix.
func waitLock(ctx context.Context, path string, report func(title string, done, total int)) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("index lock: %w", err)
	}
	return f, nil
}

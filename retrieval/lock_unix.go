//go:build unix

package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"time"
)

// waitLock takes an exclusive flock on path, waiting while another process
// holds it. The kernel releases the lock when the process dies, so a crash
// never leaves the index locked.
func waitLock(ctx context.Context, path string, report func(title string, done, total int)) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("index lock: %w", err)
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("index lock %s: %w", path, err)
		}
		if !told {
			slog.Info("another ghostline process is indexing this repository; waiting for it (completions use the current file meanwhile)", "lock", path)
			report("ghostline: waiting for another process's index", 0, 0)
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// lockPoll is how often a waiting process retries the lock.
var lockPoll = time.Second

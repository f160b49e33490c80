package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// A full disk, then room again: the recorder keeps the newest events it
// can hold (dropping the oldest, counted), stores what fits as soon as some
// room comes back, everything it kept once there is enough, and tells the
// user once. It needs root, for a small tmpfs of its own.
func TestRecorderDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs; the disk-full path is not tested here")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s); the disk-full path is not tested here", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	st := openStore(t, filepath.Join(dir, "t.db"))

	// Fill the disk, in files that can be freed one at a time.
	var fillers []string
	chunk := make([]byte, 64<<10)
	for i := 0; ; i++ {
		p := filepath.Join(dir, fmt.Sprintf("filler%d", i))
		err := os.WriteFile(p, chunk, 0o600)
		fillers = append(fillers, p)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	var told []string
	const retained = 300
	r := telemetry.NewRecorder(st, telemetry.RecorderOptions{BatchSize: 128, Interval: 10 * time.Millisecond, MaxRetained: retained,
		Notify: func(m string) { mu.Lock(); told = append(told, m); mu.Unlock() }})
	in := events(600, t0)
	for i := range in {
		in[i].PromptText = strings.Repeat(fmt.Sprintf("%04d text that the user opted to keep ", i), 25) // ~1 KB each
		r.Record(in[i])
		if i%100 == 99 {
			time.Sleep(30 * time.Millisecond) // a few write attempts while it fills
		}
	}
	waitFor(t, "writes to fail", func() bool { return r.WriteErrors() > 0 && r.Failed() >= int64(len(in)-retained) })

	// Some room: what fits is stored now, not once the whole backlog fits.
	for _, p := range fillers[len(fillers)-3:] {
		os.Remove(p)
	}
	waitFor(t, "some events stored with a little room", func() bool { return len(readAll(t, st)) > 0 })
	partial := len(readAll(t, st))
	// Enough room: everything kept is stored.
	for _, p := range fillers {
		os.Remove(p)
	}
	waitFor(t, "the backlog stored", func() bool { return int64(len(readAll(t, st)))+r.Failed() == int64(len(in)) })
	got := readAll(t, st)
	if got[0].ID != in[len(in)-len(got)].ID || got[len(got)-1].ID != in[len(in)-1].ID {
		t.Errorf("stored %s..%s, want the newest %d ending %s", got[0].ID, got[len(got)-1].ID, len(got), in[len(in)-1].ID)
	}
	// And new events go straight in.
	for _, e := range events(650, t0)[600:] {
		r.Record(e)
	}
	if err := r.Flush(context.Background()); err != nil {
		t.Fatalf("flush after recovery: %v", err)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 1 || !strings.Contains(told[0], "cannot store events") {
		t.Errorf("user told %q, want one message", told)
	}
	t.Logf("disk full: %d events stored with a little room, %d in all, %d dropped (oldest first), %d failed writes",
		partial, len(got), r.Failed(), r.WriteErrors())
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

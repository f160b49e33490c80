package telemetry_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// Compile-time: the store is what a recorder writes to.
var _ telemetry.Writer = (*telemetry.Store)(nil)

// gated holds every write until the gate opens.
type gated struct {
	w    telemetry.Writer
	gate chan struct{}
}

func (g gated) Insert(ctx context.Context, es []telemetry.Event) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.w.Insert(ctx, es)
}

// slowestRecord is the longest a Record call took.
func slowestRecord(r *telemetry.Recorder, es []telemetry.Event) time.Duration {
	var worst time.Duration
	for _, e := range es {
		start := time.Now()
		r.Record(e)
		worst = max(worst, time.Since(start))
	}
	return worst
}

func TestRecorderWritesEverything(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	r := telemetry.NewRecorder(st, telemetry.RecorderOptions{BatchSize: 64, Interval: 20 * time.Millisecond})
	in := events(1000, t0)
	for _, e := range in {
		r.Record(e)
	}
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(readAll(t, st)); got != len(in) {
		t.Errorf("after Flush: %d events stored, want %d", got, len(in))
	}
	// A few events are written by the interval alone.
	for _, e := range events(1003, t0)[1000:] {
		r.Record(e)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(readAll(t, st)) != 1003 {
		if time.Now().After(deadline) {
			t.Fatalf("events not written by the interval: %d stored", len(readAll(t, st)))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.Dropped() != 0 || r.Failed() != 0 || r.WriteErrors() != 0 {
		t.Errorf("dropped %d failed %d write errors %d", r.Dropped(), r.Failed(), r.WriteErrors())
	}
}

func TestRecorderCloseDrains(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	r := telemetry.NewRecorder(st, telemetry.RecorderOptions{Interval: time.Hour})
	for _, e := range events(300, t0) {
		r.Record(e)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(readAll(t, st)); got != 300 {
		t.Errorf("after Close: %d events stored, want 300", got)
	}
	// After Close: counted, no panic, no write.
	r.Record(event(500, telemetry.KindShown, t0))
	if r.Dropped() != 1 {
		t.Errorf("record after close: dropped %d, want 1", r.Dropped())
	}
	if err := r.Flush(context.Background()); err == nil {
		t.Error("Flush after Close succeeded")
	}
	if err := r.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRecorderDropsWhenFull(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	g := gated{st, make(chan struct{})}
	const queue, n = 16, 200
	r := telemetry.NewRecorder(g, telemetry.RecorderOptions{QueueSize: queue, BatchSize: 1, Interval: time.Hour})
	if worst := slowestRecord(r, events(n, t0)); worst > 50*time.Millisecond {
		t.Errorf("Record blocked for %v with the writer stuck", worst)
	}
	// At most a full queue and a full retry buffer (MaxRetained defaults to
	// the queue size) get through; the writer may drain the queue into that
	// buffer while Record runs, so some are given up there rather than
	// dropped at the queue. Either way each one is counted.
	lost := r.Dropped() + r.Failed()
	if lost < n-2*queue-1 {
		t.Errorf("dropped %d and gave up %d of %d with a queue of %d", r.Dropped(), r.Failed(), n, queue)
	}
	close(g.gate)
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := int64(len(readAll(t, st))); got+r.Dropped()+r.Failed() != n {
		t.Errorf("stored %d + dropped %d + given up %d != recorded %d", got, r.Dropped(), r.Failed(), n)
	}
}

// lockWrites makes another connection hold the write lock until the
// returned function is called.
func lockWrites(t *testing.T, path string) (release func()) {
	t.Helper()
	conn, err := rawDB(t, path).Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
	}
}

func TestRecorderLockedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	st := openStore(t, path) // busy timeout 200 ms
	r := telemetry.NewRecorder(st, telemetry.RecorderOptions{BatchSize: 50, Interval: 20 * time.Millisecond})
	release := lockWrites(t, path)
	in := events(500, t0)
	if worst := slowestRecord(r, in); worst > 50*time.Millisecond {
		t.Errorf("Record blocked for %v on a locked database", worst)
	}
	if err := r.Flush(context.Background()); err == nil {
		t.Fatal("Flush succeeded on a locked database")
	}
	if r.WriteErrors() == 0 {
		t.Error("no write errors counted")
	}
	// Once the lock is gone the retained events are written.
	release()
	if err := r.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := int64(len(readAll(t, st))); got+r.Dropped()+r.Failed() != int64(len(in)) || got == 0 {
		t.Errorf("stored %d, dropped %d, failed %d of %d", got, r.Dropped(), r.Failed(), len(in))
	}
	if r.Dropped()+r.Failed() > 0 {
		t.Logf("dropped %d, failed %d while locked", r.Dropped(), r.Failed())
	}
}

func TestRecorderGivesUpOldestWhenRetryBufferFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	st := openStore(t, path)
	release := lockWrites(t, path)
	const retained, n = 40, 100
	r := telemetry.NewRecorder(st, telemetry.RecorderOptions{BatchSize: 10, MaxRetained: retained, Interval: time.Hour})
	// The first failure stops batch-size writes; the rest pile up.
	for i, e := range events(n, t0) {
		r.Record(e)
		if i == 0 || i == n-1 {
			if err := r.Flush(context.Background()); err == nil {
				t.Fatal("Flush succeeded on a locked database")
			}
		}
	}
	release()
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, st)
	if len(got) > retained || int64(len(got))+r.Failed() != n || r.Dropped() != 0 {
		t.Fatalf("stored %d (at most %d), failed %d, dropped %d of %d", len(got), retained, r.Failed(), r.Dropped(), n)
	}
	// The newest are kept.
	if want := fmt.Sprintf("e%04d", n-1); got[len(got)-1].ID != want {
		t.Errorf("last stored %s, want %s", got[len(got)-1].ID, want)
	}
}

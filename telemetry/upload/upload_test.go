package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/telemetry"
	"github.com/ghostline/ghostline/telemetry/collector"
)

// memSource is a local store in memory: the cursor of event i is i+1.
type memSource struct {
	mu     sync.Mutex
	events []telemetry.Event
	state  map[string]string
}

func (m *memSource) add(evs ...telemetry.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, evs...)
}

func (m *memSource) ReadAfter(_ context.Context, cursor int64, limit int) ([]telemetry.Event, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	end := min(int(cursor)+limit, len(m.events))
	if int(cursor) >= end {
		return nil, cursor, nil
	}
	return append([]telemetry.Event(nil), m.events[cursor:end]...), int64(end), nil
}

func (m *memSource) LastCursor(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.events)), nil
}

func (m *memSource) GetState(_ context.Context, k string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state[k], nil
}

func (m *memSource) SetState(_ context.Context, k, v string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state == nil {
		m.state = map[string]string{}
	}
	m.state[k] = v
	return nil
}

// flakyTransport fails some requests after the collector has handled them
// (the answer is lost), so the uploader must resend batches already stored.
type flakyTransport struct {
	n, every int64
	errors   atomic.Int64
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		f.errors.Add(1)
		return nil, err
	}
	if r.Method == "POST" && atomic.AddInt64(&f.n, 1)%f.every == 0 {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		f.errors.Add(1)
		return nil, errors.New("connection reset (simulated lost answer)")
	}
	return resp, nil
}

// collectorProc is a real collector on a fixed loopback address that can
// be stopped and started again over the same database file.
type collectorProc struct {
	t    *testing.T
	db   string
	addr string
	st   *collector.Store
	hs   *http.Server
}

func (c *collectorProc) start() {
	st, err := collector.Open(context.Background(), c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		c.t.Fatal(err)
	}
	c.addr, c.st = ln.Addr().String(), st
	c.hs = &http.Server{Handler: collector.NewServer(st, collector.Options{RatePerToken: 1e6})}
	go c.hs.Serve(ln)
}

func (c *collectorProc) stop() {
	c.hs.Close() // drops connections mid-request, like a crash
	c.st.Close()
}

func TestSurvivesCollectorRestart(t *testing.T) {
	c := &collectorProc{t: t, db: filepath.Join(t.TempDir(), "collector.db"), addr: "127.0.0.1:0"}
	c.start()
	tok, _, err := c.st.AddToken(context.Background(), "alice", "core", collector.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	src := &memSource{}
	flaky := &flakyTransport{every: 7}
	up, err := New(context.Background(), src, Options{URL: "http://" + c.addr, Token: tok, Interval: 10 * time.Millisecond, Batch: 40,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Client: &http.Client{Transport: flaky, Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- up.Run(ctx) }()

	syn := collector.NewSynth(collector.SynthOptions{Teams: 1, Members: 1, Repos: []string{"r"}, Languages: []string{"go"},
		Models: []string{"m"}, Start: time.Now().UTC().AddDate(0, 0, -2), Days: 2, Seed: 9})
	want := map[telemetry.Kind]int64{}
	produce := func(requests int) {
		for range requests {
			_, evs := syn.Next()
			for _, e := range evs {
				want[e.Kind]++
			}
			src.add(evs...)
			up.Notify()
			time.Sleep(200 * time.Microsecond)
		}
	}
	produce(300)
	c.stop() // mid-stream: events keep arriving while the collector is down
	produce(300)
	time.Sleep(150 * time.Millisecond)
	c.start()
	produce(300)

	total := int64(len(src.events))
	deadline := time.Now().Add(20 * time.Second)
	for {
		cur, _ := src.GetState(ctx, up.key)
		if n, _ := strconv.ParseInt(cur, 10, 64); n == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cursor %s of %d after 20 s", cur, total)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	defer c.stop()
	if flaky.errors.Load() == 0 {
		t.Error("no upload ever failed: the test did not exercise retries")
	}
	r, err := c.st.Report(context.Background(), collector.Filter{From: "2020-01-01", To: "2100-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[telemetry.Kind]int64{
		telemetry.KindRequested: r.Total.Requested, telemetry.KindSkipped: r.Total.Skipped, telemetry.KindGenerated: r.Total.Generated,
		telemetry.KindHidden: r.Total.Hidden, telemetry.KindShown: r.Total.Shown, telemetry.KindAccepted: r.Total.Accepted,
		telemetry.KindPartial: r.Total.Partial, telemetry.KindRejected: r.Total.Rejected, telemetry.KindUnseen: r.Total.Unseen,
		telemetry.KindError: r.Total.Errors, telemetry.KindSurvival: r.Total.Survival,
	}
	var sum int64
	for k, n := range want {
		sum += got[k]
		if got[k] != n {
			t.Errorf("%s: collector counted %d, sent %d", k, got[k], n)
		}
	}
	if sum != total {
		t.Errorf("collector counted %d events, %d were produced", sum, total)
	}
	t.Logf("%d events, %d failed or lost requests retried", total, flaky.errors.Load())
}

func TestTextOnlyWhenBothAllow(t *testing.T) {
	for _, tc := range []struct{ storeText, acceptText, want bool }{
		{false, false, false}, {true, false, false}, {false, true, false}, {true, true, true},
	} {
		var got Batch
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/v1/config" {
				json.NewEncoder(w).Encode(collector.Config{AcceptText: tc.acceptText, MaxBatch: 1000})
				return
			}
			json.NewDecoder(r.Body).Decode(&got)
			w.Write([]byte(`{"accepted":1}`))
		}))
		src := &memSource{}
		up, _ := New(context.Background(), src, Options{URL: srv.URL, Token: "t", StoreText: tc.storeText})
		src.add(telemetry.Event{ID: "1", Kind: telemetry.KindShown, Time: time.Now(), PromptText: "p", SuggestionText: "s", PromptHash: "h"})
		if n, err := up.Flush(context.Background()); err != nil || n != 1 {
			t.Fatalf("flush: %d %v", n, err)
		}
		srv.Close()
		e := got.Events[0]
		if sent := e.PromptText != "" || e.SuggestionText != ""; sent != tc.want || e.PromptHash != "h" {
			t.Errorf("storeText=%v acceptText=%v: sent text %q/%q hash %q", tc.storeText, tc.acceptText, e.PromptText, e.SuggestionText, e.PromptHash)
		}
	}
}

// Batch mirrors the collector's request body.
type Batch = collector.Batch

// collectorServer is a real collector over a fresh SQLite file with a
// member token for alice; both close with the test.
func collectorServer(t *testing.T) (*collector.Store, *httptest.Server, string) {
	st, err := collector.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(collector.NewServer(st, collector.Options{}))
	t.Cleanup(srv.Close)
	tok, _, err := st.AddToken(context.Background(), "alice", "core", collector.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	return st, srv, tok
}

func TestInvalidEventsSkippedAndAuthErrorsKept(t *testing.T) {
	st, srv, tok := collectorServer(t)
	src := &memSource{}
	ctx := context.Background()
	bad, _ := New(ctx, src, Options{URL: srv.URL, Token: tok + "x"})
	up, _ := New(ctx, src, Options{URL: srv.URL, Token: tok})
	now := time.Now().UTC()
	src.add(telemetry.Event{ID: "a", Kind: telemetry.KindShown, Time: now},
		telemetry.Event{ID: "b", Kind: "teleported", Time: now},
		telemetry.Event{ID: "c", Kind: telemetry.KindAccepted, Time: now})

	if _, err := bad.Flush(ctx); err == nil {
		t.Fatal("a wrong token uploaded")
	}
	if c, _ := src.GetState(ctx, bad.key); c != "0" {
		t.Fatalf("cursor moved to %q after a refused token", c)
	}
	if n, err := up.Flush(ctx); err != nil || n != 2 {
		t.Fatalf("flush: %d %v; want the 2 valid events", n, err)
	}
	r, _ := st.Report(context.Background(), collector.Filter{From: "2020-01-01", To: "2100-01-01"})
	if r.Total.Shown != 1 || r.Total.Accepted != 1 {
		t.Errorf("collector has %+v", r.Total)
	}
	if c, _ := src.GetState(context.Background(), up.key); c != "3" {
		t.Errorf("cursor %q, want 3", c)
	}
}

// Only events recorded after the collector was set leave the machine; an
// uploader started again later (a restart) keeps its place.
func TestUploadsOnlyAfterOptIn(t *testing.T) {
	st, srv, tok := collectorServer(t)
	ctx := context.Background()
	now := time.Now().UTC()
	src := &memSource{}
	src.add(telemetry.Event{ID: "before1", Kind: telemetry.KindShown, Time: now}, telemetry.Event{ID: "before2", Kind: telemetry.KindShown, Time: now})
	up, err := New(ctx, src, Options{URL: srv.URL, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	src.add(telemetry.Event{ID: "after1", Kind: telemetry.KindAccepted, Time: now})
	if n, err := up.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("first flush: %d %v; want only the 1 event after opting in", n, err)
	}
	src.add(telemetry.Event{ID: "after2", Kind: telemetry.KindRejected, Time: now})
	again, err := New(ctx, src, Options{URL: srv.URL, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := again.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("after a restart: %d %v; want the 1 event recorded meanwhile", n, err)
	}
	r, _ := st.Report(ctx, collector.Filter{From: "2020-01-01", To: "2100-01-01"})
	if r.Total.Shown != 0 || r.Total.Accepted != 1 || r.Total.Rejected != 1 {
		t.Errorf("collector has %+v; want only the accept and the reject", r.Total)
	}
}

func TestFromSettings(t *testing.T) {
	t.Setenv("GL_TEST_TOKEN", "from-env")
	s := config.Telemetry{Enabled: true, Collector: "http://h:8750", TokenEnv: "GL_TEST_TOKEN", StoreText: true}
	opt, ok, err := FromSettings(s)
	if err != nil || !ok || opt.Token != "from-env" || !opt.StoreText {
		t.Errorf("got %+v %v %v", opt, ok, err)
	}
	if _, ok, _ := FromSettings(config.Telemetry{Enabled: true}); ok {
		t.Error("no collector: want off")
	}
	if _, _, err := FromSettings(config.Telemetry{Enabled: true, Collector: "http://h", TokenEnv: "GL_UNSET_" + fmt.Sprint(time.Now().UnixNano())}); err == nil {
		t.Error("collector without token: want an error")
	}
}

package collector

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghostline/ghostline/telemetry"
)

// LoadOptions configure an ingestion load test.
type LoadOptions struct {
	Duration time.Duration
	Rate     float64 // target events/s over all members (0: as fast as possible)
	Members  int     // concurrent uploaders, one token each
	Batch    int     // events per request
}

// LoadResult is what a load test measured.
type LoadResult struct {
	Sent, Stored, Failed int64 // events in 2xx answers, events in the store, events in failed requests
	Counted              int64 // events the roll-ups count (each kind once)
	Elapsed              time.Duration
	EventsPerSec         float64
	RequestP50, P99      time.Duration
}

// LoadTest runs a collector for st on a loopback port and posts synthetic
// batches to it from opt.Members uploaders, then counts what was stored.
func LoadTest(ctx context.Context, st *Store, opt LoadOptions) (LoadResult, error) {
	run := fmt.Sprintf("bench%d", time.Now().UnixNano())
	srv := NewServer(st, Options{RatePerToken: 1e9, MaxBatch: max(opt.Batch, 1000)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return LoadResult{}, err
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer hs.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/events"

	tokens := make([]string, opt.Members)
	for i := range tokens {
		if tokens[i], _, err = st.AddToken(ctx, fmt.Sprintf("%s-m%d", run, i), run, RoleMember); err != nil {
			return LoadResult{}, err
		}
	}
	var sent, failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var lastDone time.Time // the rate is measured up to the last answer, not the pacing sleeps after it
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opt.Members}, Timeout: 30 * time.Second}
	start := time.Now()
	deadline := start.Add(opt.Duration)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for i := range opt.Members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			syn := NewSynth(SynthOptions{Teams: 1, Members: 1, Repos: []string{"api", "web", "cli"}, Languages: []string{"go", "python"},
				Models: []string{"m"}, Start: time.Now().UTC().AddDate(0, 0, -6), Days: 7, Seed: uint64(i) + uint64(start.UnixNano())})
			var pending []telemetry.Event
			var interval time.Duration
			if opt.Rate > 0 {
				interval = time.Duration(float64(time.Second) * float64(opt.Batch) * float64(opt.Members) / opt.Rate)
			}
			next := time.Now().Add(time.Duration(rand.Int64N(int64(max(interval, 1)))))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				for len(pending) < opt.Batch {
					_, evs := syn.Next()
					pending = append(pending, evs...)
				}
				batch := pending[:opt.Batch]
				body, _ := json.Marshal(Batch{Events: batch})
				if interval > 0 {
					time.Sleep(time.Until(next))
					next = next.Add(interval)
					if time.Now().After(deadline) {
						break
					}
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				t0 := time.Now()
				resp, err := client.Do(req)
				d := time.Since(t0)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("HTTP %d", resp.StatusCode)
					}
				}
				if err != nil {
					failed.Add(int64(len(batch)))
					errOnce.Do(func() { firstErr = err })
					continue
				}
				sent.Add(int64(len(batch)))
				pending = append(pending[:0], pending[opt.Batch:]...)
				mu.Lock()
				lat = append(lat, d)
				lastDone = time.Now()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := lastDone.Sub(start)
	var stored int64
	if err := st.r.QueryRowContext(ctx, st.d.rebind(`SELECT COUNT(*) FROM events WHERE team = ?`), run).Scan(&stored); err != nil {
		return LoadResult{}, fmt.Errorf("count stored: %w", err)
	}
	if _, err := st.RollUpPending(ctx); err != nil {
		return LoadResult{}, err
	}
	var counted int64
	kinds := strings.Join(dailyMeasures[:11], " + ") // n_requested .. n_survival
	if err := st.r.QueryRowContext(ctx, st.d.rebind(`SELECT CAST(COALESCE(SUM(`+kinds+`), 0) AS BIGINT) FROM rollup_team WHERE team = ?`), run).Scan(&counted); err != nil {
		return LoadResult{}, fmt.Errorf("count rolled up: %w", err)
	}
	res := LoadResult{Sent: sent.Load(), Stored: stored, Counted: counted, Failed: failed.Load(), Elapsed: elapsed,
		EventsPerSec: float64(sent.Load()) / elapsed.Seconds()}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		res.RequestP50, res.P99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
	if firstErr != nil {
		return res, fmt.Errorf("%d events in failed requests, first: %w", res.Failed, firstErr)
	}
	return res, nil
}

// FillOptions shape a bulk load of synthetic events straight into a store.
type FillOptions struct {
	Events  int
	Members int
	Teams   int
	Days    int
	Seed    uint64
	// Scratch says the database is the bench's own, thrown away after it:
	// SQLite then skips syncing to disk during the fill (a crash may
	// corrupt it, which nobody would notice).
	Scratch bool
}

// fillSlab is how many events Fill generates, then stores in one
// transaction: few enough that the process holds little (the GC's work
// grows with what is live), many enough that commits are rare.
var fillSlab = 50_000 // a variable for the test

// fillCacheKiB is SQLite's page cache during a fill (2 MiB by default):
// the primary key's B-tree takes inserts all over, and with a small cache
// each one reads and writes pages back through the kernel.
const fillCacheKiB = 256 << 10

// Fill stores about opt.Events synthetic events, fillSlab at a time in one
// transaction each, stored as rolled up: it aggregates their roll-ups in
// memory (holding the roller's lock throughout) and adds each roll-up row
// once per fillMaxRows rows aggregated and at the end, even when ctx is
// cancelled, so only a crash of the process can leave stored events out of
// the roll-ups. Events are generated on another goroutine meanwhile.
// progress, when set, gets the count stored so far after each slab.
func Fill(ctx context.Context, st *Store, opt FillOptions, progress func(done int)) (done int, err error) {
	syn := fillSynth(opt)
	members := syn.Members()
	st.rollMu.Lock()
	defer st.rollMu.Unlock()
	// Statements run without ctx's cancellation (the SQLite driver would
	// watch a cancellable context from a goroutine per statement); ctx is
	// checked between slabs.
	wctx := context.WithoutCancel(ctx)
	restore, err := st.bulkLoad(wctx, opt.Scratch)
	if err != nil {
		return 0, fmt.Errorf("fill: %w", err)
	}
	defer func() { err = errors.Join(err, restore()) }()
	agg := newRollAgg()
	write := func() error {
		if agg.keys() == 0 {
			return nil
		}
		err := st.tx(wctx, func(tx *sql.Tx) error { return st.writeRollUps(wctx, tx, agg) })
		agg = newRollAgg()
		if err != nil {
			return fmt.Errorf("fill: roll up: %w", err)
		}
		return nil
	}
	defer func() { err = errors.Join(err, write()) }()

	// Two slabs in turn: one filled while the other is stored.
	slabs, free := make(chan [][]telemetry.Event, 1), make(chan [][]telemetry.Event, 2)
	free <- make([][]telemetry.Event, len(members))
	free <- make([][]telemetry.Event, len(members))
	stop := make(chan struct{})
	defer close(stop)
	size := fillSlab
	go func() {
		defer close(slabs)
		for n := 0; n < opt.Events; {
			var slab [][]telemetry.Event
			select {
			case slab = <-free:
			case <-stop:
				return
			}
			for k := 0; k < size && n < opt.Events; {
				mi, evs := syn.Next()
				slab[mi] = append(slab[mi], evs...)
				k += len(evs)
				n += len(evs)
			}
			select {
			case slabs <- slab:
			case <-stop:
				return
			}
		}
	}()
	var fresh []pendingEvent
	for slab := range slabs {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		var acc map[int]accDelta
		err := st.tx(wctx, func(tx *sql.Tx) error {
			fresh = fresh[:0]
			for mi, evs := range slab {
				if len(evs) == 0 {
					continue
				}
				inserted, err := st.insertEvents(wctx, tx, members[mi], evs, true)
				if err != nil {
					return err
				}
				for j := range evs {
					if inserted[evs[j].ID] {
						fresh = append(fresh, pendingEvent{members[mi], evs[j]})
					}
				}
			}
			var err error
			acc, err = st.acceptedDeltas(wctx, tx, fresh)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("fill: %w", err)
		}
		// Only committed events count: a failed slab left nothing behind.
		agg.add(fresh, acc)
		for mi := range slab {
			done += len(slab[mi])
			clear(slab[mi]) // drop the latency maps now, not when overwritten
			slab[mi] = slab[mi][:0]
		}
		free <- slab
		if agg.keys() >= fillMaxRows {
			if err := write(); err != nil {
				return done, err
			}
		}
		if progress != nil {
			progress(done)
		}
	}
	return done, ctx.Err()
}

// bulkLoad sets SQLite's writer connection (the only one: SetMaxOpenConns(1))
// up for a fill and returns what sets it back; PostgreSQL is left as it is.
func (s *Store) bulkLoad(ctx context.Context, scratch bool) (restore func() error, err error) {
	restore = func() error { return nil }
	if s.d.name != sqliteDialect.name {
		return restore, nil
	}
	pragmas := map[string]string{"cache_size": fmt.Sprint(-fillCacheKiB)}
	if scratch {
		// No journal: each page is written once, where WAL writes it to the
		// log and copies it into the database at every checkpoint (a fifth
		// of the fill's CPU went to commits).
		pragmas["synchronous"], pragmas["journal_mode"] = "OFF", "OFF"
	}
	was := map[string]string{}
	for name, v := range pragmas {
		var old string
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+name).Scan(&old); err != nil {
			return restore, fmt.Errorf("read %s: %w", name, err)
		}
		was[name] = old
		// journal_mode answers with the mode in force: the one asked for,
		// or the old one where it cannot change (another connection open).
		var now string
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+name+" = "+v).Scan(&now); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return restore, fmt.Errorf("set %s: %w", name, err)
		}
		if now != "" && !strings.EqualFold(now, v) {
			slog.Warn("fill: SQLite setting left as it was", "pragma", name, "value", now, "wanted", v)
		}
	}
	return func() error {
		var errs []error
		for name, v := range was {
			if _, err := s.w.ExecContext(ctx, "PRAGMA "+name+" = "+v); err != nil {
				errs = append(errs, fmt.Errorf("restore %s: %w", name, err))
			}
		}
		return errors.Join(errs...)
	}, nil
}

// fillSynth is the generator of Fill's events.
func fillSynth(opt FillOptions) *Synth {
	repos := make([]string, 40)
	for i := range repos {
		repos[i] = fmt.Sprintf("repo-%02d", i)
	}
	return NewSynth(SynthOptions{Teams: opt.Teams, Members: opt.Members, Repos: repos,
		Languages: []string{"go", "python", "typescript", "javascript", "java", "rust", "c", "cpp"},
		Models:    []string{"qwen2.5-coder:1.5b", "qwen2.5-coder:7b", "builtin"},
		Start:     time.Now().UTC().AddDate(0, 0, -opt.Days+1).Truncate(24 * time.Hour), Days: opt.Days, Seed: opt.Seed})
}

// fillMaxRows bounds the roll-up rows (a few hundred bytes each) Fill
// aggregates in memory before adding them to the tables. bench dashboard's
// fill has about 500,000 (days × members × repositories × languages ×
// models, and the latencies' keys), so it writes them once.
const fillMaxRows = 1_000_000

// QueryResult is the latency of building the page's data (every query of
// the page) over several filters.
type QueryResult struct {
	Runs          int
	P50, P95, Max time.Duration
	Events        int64
	RollupRows    int64
}

// QueryBench times Report over the default 28-day range and over filtered
// variants (team, repository, language, 90 days).
func QueryBench(ctx context.Context, st *Store, runs int) (QueryResult, error) {
	var res QueryResult
	if err := st.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&res.Events); err != nil {
		return res, err
	}
	if err := st.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM rollup_daily`).Scan(&res.RollupRows); err != nil {
		return res, err
	}
	now := time.Now()
	all, err := st.Report(ctx, Filter{From: dayOf(now.AddDate(0, 0, -89)), To: dayOf(now)})
	if err != nil {
		return res, err
	}
	if len(all.Teams) == 0 {
		return res, errors.New("no data: fill the store first")
	}
	var times []time.Duration
	for i := range runs {
		f, _ := ParseFilter(nil, now)
		switch i % 5 {
		case 1:
			f.Team = all.Teams[i%len(all.Teams)]
		case 2:
			f.Repo = all.RepoNames[i%len(all.RepoNames)]
		case 3:
			f.Language = all.LanguageNames[i%len(all.LanguageNames)]
		case 4:
			f.From = dayOf(now.AddDate(0, 0, -89))
		}
		t0 := time.Now()
		if _, err := st.Report(ctx, f); err != nil {
			return res, err
		}
		times = append(times, time.Since(t0))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	res.Runs = len(times)
	res.P50, res.P95, res.Max = times[len(times)/2], times[min(len(times)-1, len(times)*95/100)], times[len(times)-1]
	return res, nil
}

// String formats a load result for people.
func (r LoadResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sent %d events in %s: %.0f events/s; stored %d; counted in roll-ups %d; lost %d; retried after failure %d; request p50 %s p99 %s",
		r.Sent, r.Elapsed.Round(time.Millisecond), r.EventsPerSec, r.Stored, r.Counted, r.Sent-r.Stored, r.Failed,
		r.RequestP50.Round(time.Microsecond), r.P99.Round(time.Microsecond))
	return b.String()
}

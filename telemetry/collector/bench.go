package collector

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
}

// Fill stores about opt.Events synthetic events in large per-member
// transactions, stored as rolled up: it aggregates their roll-ups in memory
// (holding the roller's lock throughout) and adds each roll-up row once per
// fillMaxRows rows aggregated and at the end, even when ctx is cancelled, so
// only a crash of the process can leave stored events out of the roll-ups.
// progress, when set, gets the count stored so far after each batch.
func Fill(ctx context.Context, st *Store, opt FillOptions, progress func(done int)) (done int, err error) {
	syn := fillSynth(opt)
	members := syn.Members()
	st.rollMu.Lock()
	defer st.rollMu.Unlock()
	agg := newRollAgg()
	write := func() error {
		if agg.keys() == 0 {
			return nil
		}
		wctx := context.WithoutCancel(ctx)
		err := st.tx(wctx, func(tx *sql.Tx) error { return st.writeRollUps(wctx, tx, agg) })
		agg = newRollAgg()
		if err != nil {
			return fmt.Errorf("fill: roll up: %w", err)
		}
		return nil
	}
	defer func() { err = errors.Join(err, write()) }()
	buf := make([][]telemetry.Event, len(members))
	const batch = 4000
	var fresh []pendingEvent
	flush := func(i int) error {
		if len(buf[i]) == 0 {
			return nil
		}
		var acc map[int]accDelta
		err := st.tx(ctx, func(tx *sql.Tx) error {
			inserted, err := st.insertEvents(ctx, tx, members[i], buf[i], true)
			if err != nil {
				return err
			}
			fresh = fresh[:0]
			for j := range buf[i] {
				if inserted[buf[i][j].ID] {
					fresh = append(fresh, pendingEvent{members[i], buf[i][j]})
				}
			}
			acc, err = st.acceptedDeltas(ctx, tx, fresh)
			return err
		})
		if err != nil {
			return fmt.Errorf("fill: %w", err)
		}
		// Only committed events count: a failed batch left nothing behind.
		agg.add(fresh, acc)
		done += len(buf[i])
		buf[i] = buf[i][:0]
		if agg.keys() >= fillMaxRows {
			if err := write(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(done)
		}
		return nil
	}
	for n := 0; n < opt.Events; {
		mi, evs := syn.Next()
		buf[mi] = append(buf[mi], evs...)
		n += len(evs)
		if len(buf[mi]) >= batch {
			if err := flush(mi); err != nil {
				return done, err
			}
		}
	}
	for i := range buf {
		if err := flush(i); err != nil {
			return done, err
		}
	}
	return done, ctx.Err()
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

// fillMaxRows bounds the roll-up rows (about 1 KB each) Fill aggregates in
// memory before adding them to the tables.
const fillMaxRows = 400_000

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

package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/telemetry"
)

// Source is the local telemetry store as the uploader reads it.
type Source interface {
	// ReadAfter returns up to limit events stored after cursor, oldest
	// first, and the cursor of the last one returned.
	ReadAfter(ctx context.Context, cursor int64, limit int) ([]telemetry.Event, int64, error)
	// LastCursor returns the cursor of the newest stored event (0: none).
	LastCursor(ctx context.Context) (int64, error)
	// GetState returns a persisted value ("" when unset); SetState stores one.
	GetState(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, key, value string) error
}

// Options configure an Uploader.
type Options struct {
	URL       string // the collector's base URL, e.g. http://team-host:8750
	Token     string // the member's bearer token
	StoreText bool   // the user opted into keeping text (telemetry.storeText)

	Interval   time.Duration // between polls of the local store; default 10 s
	Batch      int           // events per request; default 500 (the collector may lower it)
	MinBackoff time.Duration // default 1 s
	MaxBackoff time.Duration // default 5 min
	Client     *http.Client  // default: 30 s timeout
}

// FromSettings builds Options from the telemetry settings; ok is false when
// no collector is configured. The token comes from CollectorToken or else
// from the environment variable TokenEnv names.
func FromSettings(t config.Telemetry) (opt Options, ok bool, err error) {
	if !t.Enabled || t.Collector == "" {
		return Options{}, false, nil
	}
	tok := t.CollectorToken
	if tok == "" && t.TokenEnv != "" {
		tok = os.Getenv(t.TokenEnv)
	}
	if tok == "" {
		return Options{}, false, fmt.Errorf("telemetry.collector is set but no token: set telemetry.collectorToken or $%s", t.TokenEnv)
	}
	return Options{URL: t.Collector, Token: tok, StoreText: t.StoreText}, true, nil
}

// Uploader moves events from a Source to the collector.
type Uploader struct {
	src  Source
	opt  Options
	key  string // state key of the cursor, per collector
	wake chan struct{}

	mu         sync.Mutex
	cfg        collectorConfig
	cfgAt      time.Time
	lastStatus string // last logged failure, so a long outage is logged once
}

type collectorConfig struct {
	AcceptText bool `json:"acceptText"`
	MaxBatch   int  `json:"maxBatch"`
}

// cfgRefresh is how often the collector's config is re-read.
const cfgRefresh = 10 * time.Minute

// New returns an uploader; Run starts it. The first uploader for a
// collector URL is the user's opt-in: it starts after the events already
// stored, so only what is recorded from then on leaves the machine.
func New(ctx context.Context, src Source, opt Options) (*Uploader, error) {
	if !strings.HasPrefix(opt.URL, "http://") && !strings.HasPrefix(opt.URL, "https://") {
		return nil, fmt.Errorf("telemetry.collector %q: want an http:// or https:// URL", opt.URL)
	}
	opt.URL = strings.TrimSuffix(opt.URL, "/")
	if opt.Interval <= 0 {
		opt.Interval = 10 * time.Second
	}
	if opt.Batch <= 0 {
		opt.Batch = 500
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Second
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(5*time.Minute, opt.MinBackoff)
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: 30 * time.Second}
	}
	u := &Uploader{src: src, opt: opt, key: "upload.cursor " + opt.URL, wake: make(chan struct{}, 1)}
	if err := u.optIn(ctx); err != nil {
		return nil, err
	}
	return u, nil
}

// optIn sets this collector's cursor to the newest stored event unless it
// has one (an earlier run opted in already).
func (u *Uploader) optIn(ctx context.Context) error {
	cur, err := u.src.GetState(ctx, u.key)
	if err != nil {
		return fmt.Errorf("read upload cursor: %w", err)
	}
	if cur != "" {
		return nil
	}
	last, err := u.src.LastCursor(ctx)
	if err != nil {
		return fmt.Errorf("read local telemetry: %w", err)
	}
	if err := u.src.SetState(ctx, u.key, strconv.FormatInt(last, 10)); err != nil {
		return fmt.Errorf("save upload cursor: %w", err)
	}
	return nil
}

// Notify asks for an upload soon (new events were stored); it never blocks.
func (u *Uploader) Notify() {
	select {
	case u.wake <- struct{}{}:
	default:
	}
}

// Run uploads until ctx ends: a pass whenever events may be waiting (every
// Interval, or on Notify), backing off while the collector fails.
func (u *Uploader) Run(ctx context.Context) error {
	attempt := 0
	for {
		_, err := u.Flush(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := u.opt.Interval
		if err != nil {
			attempt++
			wait = u.backoff(attempt, err)
			u.logOnce(err)
		} else {
			if attempt > 0 {
				slog.Info("upload: collector reachable again", "collector", u.opt.URL)
			}
			attempt = 0
			u.lastStatus = ""
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-u.wake:
			t.Stop()
			if err != nil {
				// Still backing off: new events do not hurry a failing collector.
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(wait):
				}
			}
		case <-t.C:
		}
	}
}

func (u *Uploader) logOnce(err error) {
	if s := err.Error(); s != u.lastStatus {
		u.lastStatus = s
		slog.Warn("upload: collector failed; retrying with backoff (events stay queued locally)", "collector", u.opt.URL, "err", err)
	}
}

// backoff is exponential with jitter (half fixed, half random), or the
// collector's Retry-After when it gave one.
func (u *Uploader) backoff(attempt int, err error) time.Duration {
	var ra *retryAfterError
	if errors.As(err, &ra) {
		return ra.after + time.Duration(rand.Int64N(int64(u.opt.MinBackoff)))
	}
	d := u.opt.MinBackoff << min(attempt-1, 20)
	d = min(d, u.opt.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// HTTPError is an answer the uploader cannot do anything about but wait.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string { return fmt.Sprintf("collector answered %d: %s", e.Status, e.Body) }

type retryAfterError struct {
	HTTPError
	after time.Duration
}

// Flush uploads every event stored after the cursor, batch by batch, and
// returns how many the collector acknowledged. It stops at the first
// failure; the cursor then still points before the failed batch.
func (u *Uploader) Flush(ctx context.Context) (int, error) {
	cur, err := u.cursor(ctx)
	if err != nil {
		return 0, err
	}
	cfg, err := u.config(ctx)
	if err != nil {
		return 0, err
	}
	sendText := u.opt.StoreText && cfg.AcceptText
	limit := u.opt.Batch
	if cfg.MaxBatch > 0 {
		limit = min(limit, cfg.MaxBatch)
	}
	sent := 0
	for ctx.Err() == nil {
		events, next, err := u.src.ReadAfter(ctx, cur, limit)
		if err != nil {
			return sent, fmt.Errorf("read local telemetry: %w", err)
		}
		if len(events) == 0 {
			return sent, nil
		}
		if !sendText {
			for i := range events {
				events[i].PromptText, events[i].SuggestionText = "", ""
			}
		}
		n, err := u.post(ctx, events, &limit)
		if errors.Is(err, errSmaller) {
			continue // re-read fewer events
		}
		if err != nil {
			return sent, err
		}
		sent += n
		cur = next
		if err := u.src.SetState(ctx, u.key, strconv.FormatInt(cur, 10)); err != nil {
			return sent, fmt.Errorf("save upload cursor: %w", err)
		}
	}
	return sent, ctx.Err()
}

func (u *Uploader) cursor(ctx context.Context) (int64, error) {
	s, err := u.src.GetState(ctx, u.key)
	if err != nil {
		return 0, fmt.Errorf("read upload cursor: %w", err)
	}
	if s == "" {
		return 0, nil
	}
	c, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("upload cursor %q: %w", s, err)
	}
	return c, nil
}

// config returns the collector's advertised settings, re-read every
// cfgRefresh; an unreachable collector is an error (retry later).
func (u *Uploader) config(ctx context.Context) (collectorConfig, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.cfgAt.IsZero() && time.Since(u.cfgAt) < cfgRefresh {
		return u.cfg, nil
	}
	req, err := http.NewRequestWithContext(ctx, "GET", u.opt.URL+"/api/v1/config", nil)
	if err != nil {
		return collectorConfig{}, err
	}
	req.Header.Set("Authorization", "Bearer "+u.opt.Token)
	resp, err := u.opt.Client.Do(req)
	if err != nil {
		return collectorConfig{}, fmt.Errorf("collector config: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return collectorConfig{}, &HTTPError{resp.StatusCode, strings.TrimSpace(string(body))}
	}
	var cfg collectorConfig
	if err := json.Unmarshal(body, &cfg); err != nil {
		return collectorConfig{}, fmt.Errorf("collector config: %w", err)
	}
	u.cfg, u.cfgAt = cfg, time.Now()
	return cfg, nil
}

// errSmaller: the collector found the request too large; limit was halved.
var errSmaller = errors.New("batch too large")

// problem mirrors the collector's validation answer.
type problem struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// post sends one batch. Events the collector refuses as invalid are
// dropped (they can never become valid) and the rest sent again.
func (u *Uploader) post(ctx context.Context, events []telemetry.Event, limit *int) (int, error) {
	for len(events) > 0 {
		body, err := json.Marshal(map[string]any{"events": events})
		if err != nil {
			return 0, fmt.Errorf("encode batch: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, "POST", u.opt.URL+"/api/v1/events", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+u.opt.Token)
		resp, err := u.opt.Client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("post events: %w", err)
		}
		text, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		switch code := resp.StatusCode; {
		case code >= 200 && code < 300:
			return len(events), nil
		case code == http.StatusTooManyRequests:
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			return 0, &retryAfterError{HTTPError{code, "rate limited"}, time.Duration(max(secs, 1)) * time.Second}
		case code == http.StatusRequestEntityTooLarge && *limit > 1:
			*limit = max(1, *limit/2)
			return 0, errSmaller
		case code == http.StatusBadRequest || code == http.StatusRequestEntityTooLarge:
			var ans struct {
				Error    string    `json:"error"`
				Problems []problem `json:"problems"`
			}
			json.Unmarshal(text, &ans)
			bad := map[int]bool{}
			for _, p := range ans.Problems {
				bad[p.Index] = true
			}
			if len(bad) == 0 {
				// Refused as a whole with no event named: sending it again
				// cannot succeed. Skip it (it stays in the local store).
				slog.Error("upload: collector refused a batch; skipping it", "events", len(events), "err", ans.Error)
				return 0, nil
			}
			kept := events[:0:0]
			for i, e := range events {
				if !bad[i] {
					kept = append(kept, e)
				}
			}
			slog.Warn("upload: collector refused invalid events; skipping them", "refused", len(events)-len(kept), "first", ans.Problems[0])
			events = kept
		default:
			return 0, &HTTPError{code, strings.TrimSpace(string(text))}
		}
	}
	return 0, nil
}

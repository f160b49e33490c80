package collector

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "github.com/mattn/go-sqlite3"    // registers the "sqlite3" driver

	"github.com/ghostline/ghostline/config"
	"github.com/ghostline/ghostline/telemetry"
)

// Store is the collector's database: events, tokens, team settings and the
// roll-ups, in SQLite or PostgreSQL.
type Store struct {
	d dialect
	w *sql.DB // writes (one connection for SQLite: it has one writer anyway)
	r *sql.DB // reads (the page); the same pool as w for PostgreSQL

	rollMu  sync.Mutex    // one roll-up pass at a time
	kick    chan struct{} // events arrived: roll up soon
	stop    chan struct{}
	done    chan struct{}
	rolling bool // rollLoop started
}

// Open opens (creating and migrating as needed) the store named by dsn: a
// postgres:// URL, or a SQLite file path.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	if isPostgresURL(dsn) {
		s.d = postgresDialect
		if s.w, err = sql.Open(s.d.driver, dsn); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.w.SetMaxOpenConns(16)
		s.w.SetMaxIdleConns(16)
		s.r = s.w
	} else {
		s.d = sqliteDialect
		if dsn == "" {
			return nil, errors.New("no database: give a SQLite file or a postgres:// URL")
		}
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
		base := "file:" + url.PathEscape(dsn) + "?_busy_timeout=10000&_synchronous=NORMAL&_journal_mode=WAL"
		if s.w, err = sql.Open(s.d.driver, base+"&_txlock=immediate"); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		s.w.SetMaxOpenConns(1)
		if s.r, err = sql.Open(s.d.driver, base); err != nil {
			s.w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		s.r.SetMaxOpenConns(4)
	}
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to %s: %w", s.d.name, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.rolling = true
	go s.rollLoop()
	return s, nil
}

// rollLoop rolls up newly ingested events in the background, soon after
// they arrive (and every second, for events a crash left pending).
func (s *Store) rollLoop() {
	defer close(s.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-t.C:
		}
		if _, err := s.RollUpPending(context.Background()); err != nil {
			slog.Warn("collector: roll-up failed; will retry", "err", err)
		}
	}
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Close closes the database.
func (s *Store) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
		if s.rolling {
			<-s.done
		}
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Member is who a token belongs to; ingested events are attributed to it,
// whatever their payload says.
type Member struct {
	TokenID, Name, Team, Role string
}

// IngestResult says what happened to a batch.
type IngestResult struct {
	Accepted   int `json:"accepted"`   // stored now
	Duplicates int `json:"duplicates"` // already stored (retries) or repeated in the batch
}

var eventColumns = []string{
	"member", "id", "team", "kind", "time_ms", "day", "suggestion_id", "session_id", "user_id",
	"repo", "language", "model", "invoked", "prompt_chars", "suggestion_chars", "suggestion_lines",
	"prob", "threshold", "accepted_chars", "accepted_words", "accepted_lines", "survival_after_s",
	"survival", "typed_chars", "error", "prompt_hash", "suggestion_hash", "latency_json",
	"features_json", "prompt_text", "suggestion_text", "received_ms", "held_back",
}

// eventValues appends e's values, in eventColumns' order, to dst.
func eventValues(dst []any, m Member, e *telemetry.Event, received int64) []any {
	invoked := 0
	if e.Invoked {
		invoked = 1
	}
	return append(dst,
		m.Name, e.ID, m.Team, string(e.Kind), e.Time.UnixMilli(), dayOf(e.Time), e.SuggestionID, e.SessionID, e.UserID,
		e.Repo, e.Language, e.Model, invoked, e.PromptChars, e.SuggestionChars, e.SuggestionLines,
		e.Prob, e.Threshold, e.AcceptedChars, e.AcceptedWords, e.AcceptedLines, e.SurvivalAfterS,
		e.Survival, e.TypedChars, e.Error, e.PromptHash, e.SuggestionHash, jsonText(e.LatencyMs),
		jsonText(e.Features), e.PromptText, e.SuggestionText, received, string(e.HeldBack),
	)
}

func jsonText[K ~string](m map[K]float64) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // validated finite numbers: cannot fail
	return string(b)
}

func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Ingest stores the events of member m that are not stored yet and adds
// them to the roll-ups, all in one transaction: a retried batch changes
// nothing. Events must have been validated. Text fields are dropped unless
// keepText.
func (s *Store) Ingest(ctx context.Context, m Member, events []telemetry.Event, keepText bool) (IngestResult, error) {
	var res IngestResult
	// Repeats inside the batch are duplicates too (and PostgreSQL's
	// multi-row upserts must not meet one key twice).
	seen := make(map[string]bool, len(events))
	batch := make([]telemetry.Event, 0, len(events))
	for _, e := range events {
		if seen[e.ID] {
			res.Duplicates++
			continue
		}
		seen[e.ID] = true
		if !keepText {
			e.PromptText, e.SuggestionText = "", ""
		}
		batch = append(batch, e)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		inserted, err := s.insertEvents(ctx, tx, m, batch, false)
		if err != nil {
			return err
		}
		fresh := batch[:0:0]
		for i := range batch {
			if inserted[batch[i].ID] {
				fresh = append(fresh, batch[i])
			}
		}
		res.Accepted = len(fresh)
		res.Duplicates += len(batch) - len(fresh)
		return nil
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest %d events: %w", len(events), err)
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return res, nil
}

// rollBatch bounds the events one roll-up transaction reads.
const rollBatch = 10000

// pendingEvent is a stored event not yet in the roll-ups, with its member.
type pendingEvent struct {
	m Member
	e telemetry.Event
}

// RollUpPending adds every stored event not yet rolled up to the roll-up
// tables and marks it rolled, in transactions of up to rollBatch events.
// Ingestion only inserts events, so concurrent uploads never wait on each
// other's roll-up rows; one roller at a time aggregates them. It returns
// how many events it rolled up.
func (s *Store) RollUpPending(ctx context.Context) (int, error) {
	s.rollMu.Lock()
	defer s.rollMu.Unlock()
	return s.rollUpLocked(ctx, rollBatch)
}

// rollUpLocked is RollUpPending with s.rollMu held, in transactions of up
// to batch events (more events per transaction: fewer upserts of the same
// roll-up rows).
func (s *Store) rollUpLocked(ctx context.Context, batch int) (int, error) {
	total := 0
	for {
		n := 0
		err := s.tx(ctx, func(tx *sql.Tx) error {
			pending, err := s.readPending(ctx, tx, batch)
			if err != nil || len(pending) == 0 {
				return err
			}
			n = len(pending)
			if err := s.rollUp(ctx, tx, pending); err != nil {
				return err
			}
			return s.markRolled(ctx, tx, pending)
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("roll up: %w", err)
		}
		if n < batch {
			return total, nil
		}
	}
}

func (s *Store) readPending(ctx context.Context, tx *sql.Tx, limit int) ([]pendingEvent, error) {
	rs, err := tx.QueryContext(ctx, s.d.rebind(`SELECT member, team, id, kind, time_ms, suggestion_id, repo, language, model,
		accepted_chars, survival_after_s, survival, typed_chars, latency_json, held_back
		FROM events WHERE rolled = 0 ORDER BY received_ms, time_ms LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("read pending events: %w", err)
	}
	defer rs.Close()
	var out []pendingEvent
	for rs.Next() {
		var p pendingEvent
		var kind, lat, held string
		var ms int64
		e := &p.e
		if err := rs.Scan(&p.m.Name, &p.m.Team, &e.ID, &kind, &ms, &e.SuggestionID, &e.Repo, &e.Language, &e.Model,
			&e.AcceptedChars, &e.SurvivalAfterS, &e.Survival, &e.TypedChars, &lat, &held); err != nil {
			return nil, fmt.Errorf("read pending events: %w", err)
		}
		e.Kind, e.Time, e.HeldBack = telemetry.Kind(kind), time.UnixMilli(ms).UTC(), telemetry.Kind(held)
		if lat != "" {
			if err := json.Unmarshal([]byte(lat), &e.LatencyMs); err != nil {
				return nil, fmt.Errorf("event %s latencies: %w", e.ID, err)
			}
		}
		out = append(out, p)
	}
	return out, rs.Err()
}

func (s *Store) markRolled(ctx context.Context, tx *sql.Tx, pending []pendingEvent) error {
	byMember := map[string][]any{}
	for _, p := range pending {
		byMember[p.m.Name] = append(byMember[p.m.Name], p.e.ID)
	}
	per := s.d.maxParams - 1
	for _, member := range sortedKeys(keysOf(byMember)) {
		ids := byMember[member]
		for start := 0; start < len(ids); start += per {
			chunk := ids[start:min(start+per, len(ids))]
			q := "UPDATE events SET rolled = 1 WHERE member = ? AND id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",") + ")"
			if _, err := tx.ExecContext(ctx, s.d.rebind(q), append([]any{member}, chunk...)...); err != nil {
				return fmt.Errorf("mark rolled: %w", err)
			}
		}
	}
	return nil
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// insertEvents inserts the batch, skipping ids already stored, and returns
// the ids it inserted. rolled stores them as already rolled up: the caller
// adds them to the roll-ups itself (Fill).
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, m Member, batch []telemetry.Event, rolled bool) (map[string]bool, error) {
	inserted := make(map[string]bool, len(batch))
	received := time.Now().UnixMilli()
	// One slice of values, reused row after row: each is copied (into the
	// statement's arguments) before the next.
	var buf []any
	cols, values := eventColumns, func(e *telemetry.Event) []any {
		buf = eventValues(buf[:0], m, e, received)
		return buf
	}
	if rolled {
		cols = append(cols[:len(cols):len(cols)], "rolled")
		values = func(e *telemetry.Event) []any {
			buf = append(eventValues(buf[:0], m, e, received), 1)
			return buf
		}
	}
	per := s.d.maxParams / len(cols)
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	if s.d.name == sqliteDialect.name { // see upsertRows
		st, err := tx.PrepareContext(ctx, "INSERT INTO events ("+strings.Join(cols, ",")+") VALUES "+row+" ON CONFLICT (member, id) DO NOTHING")
		if err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
		defer st.Close()
		for i := range batch {
			r, err := st.ExecContext(ctx, values(&batch[i])...)
			if err != nil {
				return nil, fmt.Errorf("insert events: %w", err)
			}
			if n, _ := r.RowsAffected(); n == 1 {
				inserted[batch[i].ID] = true
			}
		}
		return inserted, nil
	}
	for start := 0; start < len(batch); start += per {
		chunk := batch[start:min(start+per, len(batch))]
		args := make([]any, 0, len(chunk)*len(cols))
		rows := make([]string, len(chunk))
		for i := range chunk {
			rows[i] = row
			args = append(args, values(&chunk[i])...)
		}
		q := "INSERT INTO events (" + strings.Join(cols, ",") + ") VALUES " + strings.Join(rows, ",") +
			" ON CONFLICT (member, id) DO NOTHING RETURNING id"
		rs, err := tx.QueryContext(ctx, s.d.rebind(q), args...)
		if err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return nil, fmt.Errorf("insert events: %w", err)
			}
			inserted[id] = true
		}
		if err := errors.Join(rs.Err(), rs.Close()); err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
	}
	return inserted, nil
}

// rollUp adds newly stored events to every roll-up table, accepted_max and
// dimensions.
func (s *Store) rollUp(ctx context.Context, tx *sql.Tx, fresh []pendingEvent) error {
	acc, err := s.acceptedDeltas(ctx, tx, fresh)
	if err != nil {
		return err
	}
	a := newRollAgg()
	a.add(fresh, acc)
	return s.writeRollUps(ctx, tx, a)
}

// rollAgg is roll-up measures aggregated in memory, so that each roll-up
// row is upserted once per writeRollUps however many events it counts.
type rollAgg struct {
	counts map[string]*Counts // by countDims key, joined with \x00
	lat    map[string]*Hist   // by latencyDims key
	dims   map[[2]string]bool
}

func newRollAgg() *rollAgg {
	return &rollAgg{counts: map[string]*Counts{}, lat: map[string]*Hist{}, dims: map[[2]string]bool{}}
}

// keys is how many roll-up rows a holds (what its memory grows with).
func (a *rollAgg) keys() int { return len(a.counts) + len(a.lat) }

// add adds fresh (events not in the roll-ups yet) to a, with the accepted
// characters acceptedDeltas returned for them.
func (a *rollAgg) add(fresh []pendingEvent, acc map[int]accDelta) {
	for i := range fresh {
		e, m := &fresh[i].e, fresh[i].m
		day := dayOf(e.Time)
		a.dims[[2]string{"team", m.Team}] = true
		k := strings.Join([]string{day, m.Team, m.Name, e.Repo, e.Language, e.Model}, "\x00")
		c := a.counts[k]
		if c == nil {
			c = &Counts{}
			a.counts[k] = c
		}
		c.count(e)
		if d, ok := acc[i]; ok {
			c.AcceptedChars += d.chars
			if d.firstPartial {
				c.PartialSuggestions++
			}
		}
		for stage, ms := range e.LatencyMs {
			lk := strings.Join([]string{day, m.Team, e.Repo, e.Language, string(stage)}, "\x00")
			h := a.lat[lk]
			if h == nil {
				h = &Hist{}
				a.lat[lk] = h
			}
			h.add(ms)
		}
		a.dims[[2]string{"repo", e.Repo}] = true
		a.dims[[2]string{"language", e.Language}] = true
	}
}

// writeRollUps adds a to every roll-up table and dimensions.
func (s *Store) writeRollUps(ctx context.Context, tx *sql.Tx, a *rollAgg) error {
	for _, sp := range countSpecs {
		proj := map[string]*Counts{}
		for k, c := range a.counts {
			pk := strings.Join(project(strings.Split(k, "\x00"), countDims, sp.dims), "\x00")
			if proj[pk] == nil {
				proj[pk] = &Counts{}
			}
			proj[pk].Add(*c)
		}
		if err := s.upsertCounts(ctx, tx, sp, proj); err != nil {
			return err
		}
	}
	for _, sp := range latencySpecs {
		proj := map[string]*Hist{}
		for k, h := range a.lat {
			pk := strings.Join(project(strings.Split(k, "\x00"), latencyDims, sp.dims), "\x00")
			if proj[pk] == nil {
				proj[pk] = &Hist{}
			}
			proj[pk].merge(h)
		}
		if err := s.upsertLatency(ctx, tx, sp, proj); err != nil {
			return err
		}
	}
	return s.upsertDimensions(ctx, tx, a.dims)
}

type accDelta struct {
	chars        int64
	firstPartial bool
}

// acceptedDeltas returns, by index into fresh, the accepted characters each
// accept or partial accept adds: a suggestion's characters count once, as
// its largest accepted prefix, however many partial accepts led there.
// Only the roller calls it, so the read-then-write of accepted_max is safe.
func (s *Store) acceptedDeltas(ctx context.Context, tx *sql.Tx, fresh []pendingEvent) (map[int]accDelta, error) {
	type key struct{ member, sid string }
	out := map[int]accDelta{}
	ids := map[string][]any{} // suggestion ids by member
	isAccept := func(e *telemetry.Event) bool {
		return e.Kind == telemetry.KindAccepted || e.Kind == telemetry.KindPartial
	}
	for i := range fresh {
		e := &fresh[i].e
		if !isAccept(e) {
			continue
		}
		if e.SuggestionID == "" {
			out[i] = accDelta{chars: int64(e.AcceptedChars), firstPartial: e.Kind == telemetry.KindPartial}
			continue
		}
		ids[fresh[i].m.Name] = append(ids[fresh[i].m.Name], e.SuggestionID)
	}
	prev := map[key]int64{}
	per := s.d.maxParams - 1
	for _, member := range sortedKeys(keysOf(ids)) {
		list := ids[member]
		for start := 0; start < len(list); start += per {
			chunk := list[start:min(start+per, len(list))]
			q := "SELECT suggestion_id, chars FROM accepted_max WHERE member = ? AND suggestion_id IN (" +
				strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",") + ")"
			rs, err := tx.QueryContext(ctx, s.d.rebind(q), append([]any{member}, chunk...)...)
			if err != nil {
				return nil, fmt.Errorf("read accepted_max: %w", err)
			}
			for rs.Next() {
				var id string
				var n int64
				if err := rs.Scan(&id, &n); err != nil {
					rs.Close()
					return nil, fmt.Errorf("read accepted_max: %w", err)
				}
				prev[key{member, id}] = n
			}
			if err := errors.Join(rs.Err(), rs.Close()); err != nil {
				return nil, fmt.Errorf("read accepted_max: %w", err)
			}
		}
	}
	changed := map[key]bool{}
	for i := range fresh {
		e := &fresh[i].e
		if !isAccept(e) || e.SuggestionID == "" {
			continue
		}
		k := key{fresh[i].m.Name, e.SuggestionID}
		old, known := prev[k]
		d := accDelta{firstPartial: e.Kind == telemetry.KindPartial && !known}
		if n := int64(e.AcceptedChars); n > old {
			d.chars = n - old
			old = n
		}
		prev[k] = old
		changed[k] = true
		out[i] = d
	}
	keys := make([]key, 0, len(changed))
	for k := range changed {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return lessStrings([]string{keys[i].member, keys[i].sid}, []string{keys[j].member, keys[j].sid})
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.member, k.sid, prev[k]}
	}
	return out, s.upsertRows(ctx, tx, "accepted_max", []string{"member", "suggestion_id", "chars"}, 2, rows,
		"chars = CASE WHEN excluded.chars > accepted_max.chars THEN excluded.chars ELSE accepted_max.chars END")
}

// upsertCounts adds counts (keyed by sp's dims joined with \x00) to sp's
// table. Keys go in sorted order: concurrent PostgreSQL transactions then
// lock shared roll-up rows in the same order and cannot deadlock.
func (s *Store) upsertCounts(ctx context.Context, tx *sql.Tx, sp rollupSpec, counts map[string]*Counts) error {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cols := append(append(append([]string{}, sp.dims...), dailyMeasures...), dailyFloatMeasures...)
	rows := make([][]any, len(keys))
	for i, k := range keys {
		c := counts[k]
		row := make([]any, 0, len(cols))
		for _, v := range strings.Split(k, "\x00") {
			row = append(row, v)
		}
		for _, p := range c.ints() {
			row = append(row, *p)
		}
		for _, p := range c.floats() {
			row = append(row, *p)
		}
		rows[i] = row
	}
	return s.upsertRows(ctx, tx, sp.table, cols, len(sp.dims), rows, addAll(sp.table, append(append([]string{}, dailyMeasures...), dailyFloatMeasures...)))
}

func (s *Store) upsertLatency(ctx context.Context, tx *sql.Tx, sp rollupSpec, lat map[string]*Hist) error {
	keys := make([]string, 0, len(lat))
	for k := range lat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	measures := append([]string{"n", "sum_ms"}, bucketColumns()...)
	cols := append(append([]string{}, sp.dims...), measures...)
	rows := make([][]any, len(keys))
	for i, k := range keys {
		h := lat[k]
		row := make([]any, 0, len(cols))
		for _, v := range strings.Split(k, "\x00") {
			row = append(row, v)
		}
		row = append(row, h.N, h.SumMs)
		for _, n := range h.Buckets {
			row = append(row, n)
		}
		rows[i] = row
	}
	return s.upsertRows(ctx, tx, sp.table, cols, len(sp.dims), rows, addAll(sp.table, measures))
}

func (s *Store) upsertDimensions(ctx context.Context, tx *sql.Tx, dims map[[2]string]bool) error {
	keys := make([][2]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessStrings(keys[i][:], keys[j][:]) })
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k[0], k[1]}
	}
	return s.upsertRows(ctx, tx, "dimensions", []string{"kind", "value"}, 2, rows, "")
}

// upsertRows inserts rows into table; on a conflict over the first nKey
// columns it applies update (or does nothing when update is empty).
func (s *Store) upsertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, nKey int, rows [][]any, update string) error {
	if len(rows) == 0 {
		return nil
	}
	onConflict := " ON CONFLICT (" + strings.Join(cols[:nKey], ",") + ") DO NOTHING"
	if update != "" {
		onConflict = " ON CONFLICT (" + strings.Join(cols[:nKey], ",") + ") DO UPDATE SET " + update
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	if s.d.name == sqliteDialect.name {
		// In-process SQLite has no round trips to save: one prepared
		// single-row statement beats preparing a long multi-row one each time.
		st, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ",")+") VALUES "+row+onConflict)
		if err != nil {
			return fmt.Errorf("upsert %s: %w", table, err)
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				return fmt.Errorf("upsert %s: %w", table, err)
			}
		}
		return nil
	}
	per := s.d.maxParams / len(cols)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		vals := make([]string, len(chunk))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			vals[i] = row
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES " + strings.Join(vals, ",") + onConflict
		if _, err := tx.ExecContext(ctx, s.d.rebind(q), args...); err != nil {
			return fmt.Errorf("upsert %s: %w", table, err)
		}
	}
	return nil
}

// addAll is the DO UPDATE clause adding excluded's measures to the row's.
func addAll(table string, measures []string) string {
	set := make([]string, len(measures))
	for i, c := range measures {
		set[i] = c + " = " + table + "." + c + " + excluded." + c
	}
	return strings.Join(set, ", ")
}

func lessStrings(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// DefaultPath is the collector database used when none is given:
// $XDG_DATA_HOME/ghostline/collector.db.
func DefaultPath() (string, error) {
	dir, err := config.DataDir()
	if err != nil {
		return "", fmt.Errorf("collector database path: %w", err)
	}
	return filepath.Join(dir, "collector.db"), nil
}

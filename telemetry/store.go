package telemetry

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/ghostline/ghostline/config"
)

// StoreOptions configure Open.
type StoreOptions struct {
	// BusyTimeout is how long a statement waits for another connection's
	// lock before failing; default 5 s.
	BusyTimeout time.Duration
}

// Store is the local telemetry database. It is safe for concurrent use and
// by several processes at once (one `ghostline serve` per editor, the CLI).
type Store struct {
	path   string
	w      *sql.DB // one connection: SQLite has one writer anyway
	r      *sql.DB // reads (export, stats, the uploader)
	notice string
}

// ErrNewerSchema: the database was written by a newer ghostline.
var ErrNewerSchema = errors.New("telemetry database has a newer schema than this ghostline")

// migrations are applied in order, each once and in its own transaction;
// the number applied is kept in PRAGMA user_version. Times are Unix
// milliseconds (UTC). seq is AUTOINCREMENT so that it never goes back after
// a purge: the uploader's cursor depends on it.
var migrations = []string{
	// 1: events and key/value state.
	`CREATE TABLE events (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		kind TEXT NOT NULL,
		time INTEGER NOT NULL,
		suggestion_id TEXT NOT NULL,
		session_id TEXT NOT NULL,
		user_id TEXT NOT NULL,
		repo TEXT NOT NULL,
		language TEXT NOT NULL,
		model TEXT NOT NULL,
		invoked INTEGER NOT NULL,
		survival_after_s INTEGER NOT NULL,
		survival REAL NOT NULL,
		json TEXT NOT NULL
	);
	CREATE INDEX events_time ON events (time);
	CREATE INDEX events_kind ON events (kind);
	CREATE INDEX events_suggestion ON events (suggestion_id);
	CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
}

// DefaultPath is telemetry.path, or else $XDG_DATA_HOME/ghostline/telemetry.db
// (~/.local/share/ghostline/telemetry.db without XDG_DATA_HOME).
func DefaultPath(c config.Telemetry) (string, error) {
	if c.Path != "" {
		return c.Path, nil
	}
	dir, err := config.DataDir()
	if err != nil {
		return "", fmt.Errorf("telemetry database path: %w", err)
	}
	return filepath.Join(dir, "telemetry.db"), nil
}

// Open opens the database at path, creating and migrating it as needed. A
// corrupt file is moved aside to <path>.corrupt-<UTC time> and a new one is
// started; Notice then says so. A database from a newer ghostline
// (ErrNewerSchema), an unwritable folder or a database another process keeps
// locked are errors: the caller goes on without telemetry.
func Open(ctx context.Context, path string, opt StoreOptions) (*Store, error) {
	if path == "" {
		return nil, errors.New("telemetry database: no path")
	}
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("telemetry database: create folder: %w", err)
	}
	s, err := open(ctx, path, opt)
	if err == nil || !isCorrupt(err) {
		return s, err
	}
	aside, merr := moveAside(path)
	if merr != nil {
		return nil, fmt.Errorf("telemetry database %s is corrupt (%v) and could not be moved aside: %w", path, err, merr)
	}
	slog.Warn("telemetry database was corrupt; moved it aside and started a new one", "path", path, "moved_to", aside, "err", err)
	if s, err = open(ctx, path, opt); err != nil {
		return nil, err
	}
	s.notice = fmt.Sprintf("the telemetry database was corrupt: moved it to %s and started a new one", aside)
	return s, nil
}

func open(ctx context.Context, path string, opt StoreOptions) (*Store, error) {
	base := "file:" + url.PathEscape(path) + "?_busy_timeout=" + strconv.FormatInt(opt.BusyTimeout.Milliseconds(), 10) +
		"&_journal_mode=WAL&_synchronous=NORMAL"
	s := &Store{path: path}
	var err error
	if s.w, err = sql.Open("sqlite3", base+"&_txlock=immediate"); err != nil {
		return nil, fmt.Errorf("telemetry database %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	if s.r, err = sql.Open("sqlite3", base); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("telemetry database %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	if err := s.check(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("telemetry database %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("telemetry database %s: %w", path, err)
	}
	return s, nil
}

// errCorrupt marks a failed integrity check.
var errCorrupt = errors.New("integrity check failed")

// check connects (which switches to WAL) and verifies the file's integrity,
// so that a truncated or damaged file is caught now rather than by failing
// writes later.
func (s *Store) check(ctx context.Context) error {
	var res string
	if err := s.w.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("%w: %s", errCorrupt, res)
	}
	return nil
}

func isCorrupt(err error) bool {
	var se sqlite3.Error
	return errors.Is(err, errCorrupt) ||
		errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB)
}

// moveAside renames a corrupt database (and its WAL, which belongs to it)
// out of the way, keeping it for inspection; the shared-memory index is
// rebuilt from the WAL, so it is removed.
func moveAside(path string) (string, error) {
	aside := path + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(path, aside); err != nil {
		return "", err
	}
	if err := os.Rename(path+"-wal", aside+"-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.Remove(path + "-shm"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return aside, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%w: version %d, this ghostline knows up to %d (upgrade ghostline or set telemetry.path to another file)",
			ErrNewerSchema, v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return err
			}
			// user_version lives in the file header, which the transaction covers.
			_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return nil
}

func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Notice is a message for the user from Open ("" when all was well): say it once.
func (s *Store) Notice() string { return s.notice }

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.w.Close(), s.r.Close())
}

// Insert stores events in one transaction. An event whose id is already
// stored is skipped, so inserting the same batch again is harmless. Events
// without an id or time get one, so none is merged with another or lost.
func (s *Store) Insert(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO events
			(id, kind, time, suggestion_id, session_id, user_id, repo, language, model, invoked, survival_after_s, survival, json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, e := range events {
			if e.ID == "" {
				e.ID = newID()
			}
			if e.Time.IsZero() {
				e.Time = time.Now().UTC()
			}
			js, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("event %s: %w", e.ID, err)
			}
			if _, err := st.ExecContext(ctx, e.ID, string(e.Kind), e.Time.UnixMilli(), e.SuggestionID, e.SessionID, e.UserID,
				e.Repo, e.Language, e.Model, e.Invoked, e.SurvivalAfterS, e.Survival, js); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store %d telemetry events: %w", len(events), err)
	}
	return nil
}

// ReadAfter returns up to limit events stored after cursor, oldest first,
// and the cursor of the last one returned (cursor itself when none).
func (s *Store) ReadAfter(ctx context.Context, cursor int64, limit int) ([]Event, int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, json FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, cursor, limit)
	if err != nil {
		return nil, cursor, fmt.Errorf("read telemetry events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var js []byte
		if err := rows.Scan(&cursor, &js); err != nil {
			return nil, cursor, fmt.Errorf("read telemetry events: %w", err)
		}
		var e Event
		if err := json.Unmarshal(js, &e); err != nil {
			return nil, cursor, fmt.Errorf("read telemetry event %d: %w", cursor, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, cursor, fmt.Errorf("read telemetry events: %w", err)
	}
	return out, cursor, nil
}

// LastCursor returns the cursor of the newest stored event (0: none).
func (s *Store) LastCursor(ctx context.Context) (int64, error) {
	var last int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&last); err != nil {
		return 0, fmt.Errorf("read telemetry events: %w", err)
	}
	return last, nil
}

// GetState returns a persisted value ("" when unset).
func (s *Store) GetState(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read telemetry state %q: %w", key, err)
	}
	return v, nil
}

// SetState persists a value.
func (s *Store) SetState(ctx context.Context, key, value string) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("write telemetry state %q: %w", key, err)
	}
	return nil
}

// Export writes the events at or after since as JSON lines, one Event each
// in storage order, and returns how many it wrote.
func (s *Store) Export(ctx context.Context, w io.Writer, since time.Time) (int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT json FROM events WHERE time >= ? ORDER BY seq`, since.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("export telemetry: %w", err)
	}
	defer rows.Close()
	bw := bufio.NewWriter(w)
	n := 0
	for rows.Next() {
		var js []byte
		if err := rows.Scan(&js); err != nil {
			return n, fmt.Errorf("export telemetry: %w", err)
		}
		bw.Write(js)
		if err := bw.WriteByte('\n'); err != nil {
			return n, fmt.Errorf("export telemetry: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export telemetry: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export telemetry: %w", err)
	}
	return n, nil
}

// Purge deletes the events older than before and returns how many.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM events WHERE time < ?`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("purge telemetry: %w", err)
	}
	return res.RowsAffected()
}

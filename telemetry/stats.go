package telemetry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// Stats summarise the local store (see Store.Stats).
type Stats struct {
	Events      int64
	First, Last time.Time // zero when there are no events
	Kinds       []KindCount
	// Suggestions shown, and those of them accepted in full or in part;
	// AcceptRate is Accepted/Shown (0 when nothing was shown).
	Shown, Accepted int64
	AcceptRate      float64
	Languages       []LanguageStats // by shown suggestions, most first
	Survival        []SurvivalStats // by checkpoint, earliest first
	SizeBytes       int64           // the database file and its WAL
}

// KindCount is the number of events of one kind.
type KindCount struct {
	Kind  Kind
	Count int64
}

// LanguageStats is the acceptance of one language's suggestions.
type LanguageStats struct {
	Language        string
	Shown, Accepted int64
	AcceptRate      float64
}

// SurvivalStats is the mean survival of accepted text at one checkpoint.
type SurvivalStats struct {
	AfterS int
	Count  int64
	Mean   float64
}

// Stats summarises the events at or after since.
func (s *Store) Stats(ctx context.Context, since time.Time) (Stats, error) {
	var st Stats
	from := since.UnixMilli()
	var first, last sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), MIN(time), MAX(time) FROM events WHERE time >= ?`, from).
		Scan(&st.Events, &first, &last); err != nil {
		return st, fmt.Errorf("telemetry stats: %w", err)
	}
	if first.Valid {
		st.First, st.Last = time.UnixMilli(first.Int64).UTC(), time.UnixMilli(last.Int64).UTC()
	}
	err := query(ctx, s.r, `SELECT kind, COUNT(*) FROM events WHERE time >= ? GROUP BY kind ORDER BY COUNT(*) DESC, kind`,
		[]any{from}, func(rows *sql.Rows) error {
			var k KindCount
			err := rows.Scan(&k.Kind, &k.Count)
			st.Kinds = append(st.Kinds, k)
			return err
		})
	if err != nil {
		return st, err
	}
	// A suggestion counts as accepted once, however many partial accepts it had.
	err = query(ctx, s.r, `SELECT language,
			COUNT(DISTINCT CASE WHEN kind = ? THEN suggestion_id END) AS shown,
			COUNT(DISTINCT CASE WHEN kind IN (?, ?) THEN suggestion_id END)
		FROM events WHERE time >= ? AND kind IN (?, ?, ?)
		GROUP BY language ORDER BY shown DESC, language`,
		[]any{KindShown, KindAccepted, KindPartial, from, KindShown, KindAccepted, KindPartial}, func(rows *sql.Rows) error {
			var l LanguageStats
			if err := rows.Scan(&l.Language, &l.Shown, &l.Accepted); err != nil {
				return err
			}
			l.AcceptRate = rate(l.Accepted, l.Shown)
			st.Shown += l.Shown
			st.Accepted += l.Accepted
			st.Languages = append(st.Languages, l)
			return nil
		})
	if err != nil {
		return st, err
	}
	st.AcceptRate = rate(st.Accepted, st.Shown)
	err = query(ctx, s.r, `SELECT survival_after_s, COUNT(*), AVG(survival) FROM events
		WHERE time >= ? AND kind = ? GROUP BY survival_after_s ORDER BY survival_after_s`,
		[]any{from, KindSurvival}, func(rows *sql.Rows) error {
			var v SurvivalStats
			err := rows.Scan(&v.AfterS, &v.Count, &v.Mean)
			st.Survival = append(st.Survival, v)
			return err
		})
	if err != nil {
		return st, err
	}
	for _, p := range []string{s.path, s.path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return st, fmt.Errorf("telemetry stats: %w", err)
		}
		if err == nil {
			st.SizeBytes += fi.Size()
		}
	}
	return st, nil
}

// query runs q and calls row for each row.
func query(ctx context.Context, db *sql.DB, q string, args []any, row func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("telemetry stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("telemetry stats: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("telemetry stats: %w", err)
	}
	return nil
}

func rate(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

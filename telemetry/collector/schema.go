package collector

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrations are applied in order, once each, inside one transaction per
// step; their index+1 is the schema version. Types are the common subset of
// SQLite and PostgreSQL (TEXT, BIGINT, DOUBLE PRECISION); times are Unix
// milliseconds and days are 'YYYY-MM-DD' (UTC) so both compare the same way.
var migrations = []string{
	// 1: events, tokens, teams, dimensions, roll-ups.
	`CREATE TABLE tokens (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		team TEXT NOT NULL,
		role TEXT NOT NULL,
		hash TEXT NOT NULL,
		created_ms BIGINT NOT NULL,
		revoked_ms BIGINT
	);
	CREATE TABLE teams (
		name TEXT PRIMARY KEY,
		hide_members BIGINT NOT NULL DEFAULT 0
	);
	CREATE TABLE events (
		member TEXT NOT NULL,
		id TEXT NOT NULL,
		team TEXT NOT NULL,
		kind TEXT NOT NULL,
		time_ms BIGINT NOT NULL,
		day TEXT NOT NULL,
		suggestion_id TEXT NOT NULL,
		session_id TEXT NOT NULL,
		user_id TEXT NOT NULL,
		repo TEXT NOT NULL,
		language TEXT NOT NULL,
		model TEXT NOT NULL,
		invoked BIGINT NOT NULL,
		prompt_chars BIGINT NOT NULL,
		suggestion_chars BIGINT NOT NULL,
		suggestion_lines BIGINT NOT NULL,
		prob DOUBLE PRECISION NOT NULL,
		threshold DOUBLE PRECISION NOT NULL,
		accepted_chars BIGINT NOT NULL,
		accepted_words BIGINT NOT NULL,
		accepted_lines BIGINT NOT NULL,
		survival_after_s BIGINT NOT NULL,
		survival DOUBLE PRECISION NOT NULL,
		typed_chars BIGINT NOT NULL,
		error TEXT NOT NULL,
		prompt_hash TEXT NOT NULL,
		suggestion_hash TEXT NOT NULL,
		latency_json TEXT NOT NULL,
		features_json TEXT NOT NULL,
		prompt_text TEXT NOT NULL,
		suggestion_text TEXT NOT NULL,
		received_ms BIGINT NOT NULL,
		rolled BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (member, id)
	);
	CREATE INDEX events_day ON events (day);
	CREATE INDEX events_pending ON events (received_ms) WHERE rolled = 0;
	CREATE TABLE accepted_max (
		member TEXT NOT NULL,
		suggestion_id TEXT NOT NULL,
		chars BIGINT NOT NULL,
		PRIMARY KEY (member, suggestion_id)
	);
	CREATE TABLE dimensions (
		kind TEXT NOT NULL,
		value TEXT NOT NULL,
		PRIMARY KEY (kind, value)
	);
	` + rollupDDL(),
	// 2: what the predictor would have done to a suggestion shown anyway
	// (telemetry.Event.HeldBack), and the decisions on those per roll-up.
	heldBackDDL(),
}

// rollupDDL creates every roll-up table of countSpecs and latencySpecs,
// with indexes for repository and language filters on the wide ones.
func rollupDDL() string {
	var b strings.Builder
	for _, sp := range countSpecs {
		fmt.Fprintf(&b, "CREATE TABLE %s (%s,\n%s,\n%s,\nPRIMARY KEY (%s));\n", sp.table,
			columnDefs(sp.dims, "TEXT NOT NULL"), columnDefs(v1Measures, "BIGINT NOT NULL DEFAULT 0"),
			columnDefs(dailyFloatMeasures, "DOUBLE PRECISION NOT NULL DEFAULT 0"), strings.Join(sp.dims, ", "))
	}
	for _, sp := range latencySpecs {
		fmt.Fprintf(&b, "CREATE TABLE %s (%s,\nn BIGINT NOT NULL DEFAULT 0,\nsum_ms DOUBLE PRECISION NOT NULL DEFAULT 0,\n%s,\nPRIMARY KEY (%s));\n", sp.table,
			columnDefs(sp.dims, "TEXT NOT NULL"), columnDefs(bucketColumns(), "BIGINT NOT NULL DEFAULT 0"), strings.Join(sp.dims, ", "))
	}
	for _, sp := range append(append([]rollupSpec{}, countSpecs...), latencySpecs...) {
		if len(sp.dims) >= 5 {
			fmt.Fprintf(&b, "CREATE INDEX %s_repo ON %s (repo, day);\nCREATE INDEX %s_language ON %s (language, day);\n", sp.table, sp.table, sp.table, sp.table)
		}
	}
	return b.String()
}

// heldBackDDL adds the events' held_back column and the heldMeasures to
// every roll-up table of countSpecs.
func heldBackDDL() string {
	var b strings.Builder
	b.WriteString("ALTER TABLE events ADD COLUMN held_back TEXT NOT NULL DEFAULT '';\n")
	for _, sp := range countSpecs {
		for _, m := range heldMeasures {
			fmt.Fprintf(&b, "ALTER TABLE %s ADD COLUMN %s BIGINT NOT NULL DEFAULT 0;\n", sp.table, m)
		}
	}
	return b.String()
}

func columnDefs(cols []string, typ string) string {
	defs := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = c + " " + typ
	}
	return strings.Join(defs, ",\n\t\t")
}

// migrate brings the database to the newest schema version.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	var v int
	err := s.w.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	switch {
	case err == sql.ErrNoRows:
		if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("init schema_version: %w", err)
		}
	case err != nil:
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this ghostline (%d)", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		if err := s.tx(ctx, func(tx *sql.Tx) error {
			// PostgreSQL runs a multi-statement string in one Exec; SQLite
			// (mattn) does too. Split anyway so errors name the statement.
			for _, stmt := range strings.Split(migrations[i], ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d: %w\n%s", i+1, err, stmt)
				}
			}
			_, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE schema_version SET version = ?`), i+1)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// Package collector is the team telemetry collector and its dashboard.
//
// Members' ghostline processes upload telemetry.Event batches to
// POST /api/v1/events with a bearer token that names the member (and team);
// the collector validates them and stores each event once (idempotent by
// member and event id). A single roller then adds new events to daily
// roll-up tables (day × team × member/repo/language/model, at several
// widths) incrementally, soon after ingestion and before every report, so
// uploads never contend on roll-up rows and the page (GET /) and its CSV
// exports (/export/<table>.csv) read a few thousand rows rather than
// millions of events.
//
// Storage is SQLite (WAL) for a file path and PostgreSQL (pgx) for a
// postgres:// URL: the same schema and migrations, through a small dialect
// layer (placeholders only: both accept ON CONFLICT ... DO UPDATE/NOTHING,
// excluded.col and RETURNING).
//
// Tokens look like glt_<id>_<secret>: the id finds the row, the secret's
// SHA-256 is compared in constant time; only the hash is stored.
package collector

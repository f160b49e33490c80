// Package telemetry is ghostline's record of what happened to each
// suggestion: the Event schema and the local store it is kept in.
//
//   - Store (Open) is a SQLite database in WAL mode, by default
//     $XDG_DATA_HOME/ghostline/telemetry.db (DefaultPath), with versioned
//     migrations. Insert is idempotent by event id; ReadAfter and
//     GetState/SetState serve the uploader (telemetry/upload); Export
//     writes JSON lines for `ghostline train`; Stats and Purge back
//     `ghostline telemetry stats|purge`. A corrupt file is moved aside and
//     replaced (Notice says so); a newer schema, an unwritable folder or a
//     locked database are errors after which the caller serves without
//     telemetry.
//   - Recorder is what the request path calls: Record queues an event and
//     never blocks (a full queue drops and counts); a goroutine writes
//     batches, retrying while the database is locked.
//   - Survival follows accepted text through document changes and records
//     how much of it remains after 30 s, 2, 5 and 10 minutes.
//   - LocalUserID and NewSessionID make the ids events carry.
//
// The team collector (telemetry/collector) and the uploader
// (telemetry/upload) live in subpackages.
package telemetry

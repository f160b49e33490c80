// Package upload sends the local telemetry log to the team collector
// (telemetry/collector) when telemetry.collector is set.
//
// It reads batches after a persisted cursor from the local store, posts them
// to POST /api/v1/events with the member's bearer token and advances the
// cursor only after a 2xx answer. A collector that is down, restarting or
// rate-limiting is retried with exponential backoff and jitter; since the
// collector stores each event id once, a batch whose answer was lost is
// simply sent again. Nothing is lost and nothing is counted twice.
//
// Prompt and suggestion text leave the machine only when the user opted in
// (telemetry.storeText) and the collector says it accepts text
// (GET /api/v1/config); otherwise they are removed before sending.
package upload

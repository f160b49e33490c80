# Sourced by the editor end-to-end scripts: checks that the server recorded
# an event in its telemetry database ($XDG_DATA_HOME/ghostline/telemetry.db).
# Needs GHOSTLINE_BIN and XDG_DATA_HOME.

# telemetry_events prints one "kind suggestionId" line per event.
telemetry_events() {
	local db=$XDG_DATA_HOME/ghostline/telemetry.db
	if "$GHOSTLINE_BIN" telemetry export -h >/dev/null 2>&1; then
		"$GHOSTLINE_BIN" telemetry export --jsonl 2>/dev/null |
			python3 -c 'import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print(e.get("kind", ""), e.get("suggestionId", ""))'
	elif [ -f "$db" ]; then
		sqlite3 "$db" "SELECT kind, suggestion_id FROM events" | tr '|' ' '
	fi
}

# telemetry_source says whether the server keeps telemetry at all; with
# GHOSTLINE_E2E_TELEMETRY=optional its absence is a skip, not a failure.
telemetry_source() {
	if "$GHOSTLINE_BIN" telemetry export -h >/dev/null 2>&1 || [ -f "$XDG_DATA_HOME/ghostline/telemetry.db" ]; then
		return 0
	fi
	echo "telemetry: the server wrote no $XDG_DATA_HOME/ghostline/telemetry.db and has no 'telemetry export' subcommand" >&2
	[ "${GHOSTLINE_E2E_TELEMETRY:-}" = optional ] && return 2
	return 1
}

# expect_event KIND ID waits up to 5 s for the event, else fails.
expect_event() {
	for _ in $(seq 50); do
		# Not a pipe: grep -q stops reading early, which pipefail reports as failure.
		if grep -qx "$1 $2" <<<"$(telemetry_events)"; then
			echo "ok telemetry has $1 $2"
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL telemetry: no $1 event for suggestion $2 in $XDG_DATA_HOME/ghostline" >&2
	telemetry_events | tail -20 >&2
	return 1
}

# expect_kind KIND waits up to 5 s for at least one event of that kind.
expect_kind() {
	for _ in $(seq 50); do
		if grep -q "^$1 " <<<"$(telemetry_events)"; then
			echo "ok telemetry has a $1 event"
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL telemetry: no $1 event in $XDG_DATA_HOME/ghostline" >&2
	telemetry_events | tail -20 >&2
	return 1
}

# Sourced by the editor end-to-end scripts: checks what the server recorded
# in its telemetry database (read with `ghostline telemetry export`).
# Needs GHOSTLINE_BIN and XDG_DATA_HOME (the server's).

# telemetry_events prints one "kind suggestionId backend acceptedChars"
# line per event.
telemetry_events() {
	"$GHOSTLINE_BIN" telemetry export --jsonl 2>/dev/null |
		python3 -c 'import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print(e.get("kind", ""), e.get("suggestionId", ""), e.get("backend", "-"), e.get("acceptedChars", 0))'
}

# expect_events WHAT GREP-ARGS... waits up to 5 s (the server writes in
# batches) for an event line matching, else fails naming WHAT.
expect_events() {
	local what=$1
	shift
	for _ in $(seq 50); do
		# Not a pipe: grep -q stops reading early, which pipefail reports as failure.
		if grep -q "$@" <<<"$(telemetry_events)"; then
			echo "ok telemetry has $what"
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL telemetry: no $what in $XDG_DATA_HOME/ghostline" >&2
	telemetry_events | tail -20 >&2
	return 1
}

# expect_event KIND ID: that suggestion's event of that kind.
expect_event() { expect_events "$1 $2" -F "$1 $2 "; }

# expect_accepted BACKEND CHARS: an accept of a suggestion from that
# backend that added CHARS characters to the document.
expect_accepted() { expect_events "an accept of $2 characters from $1" -E "^accepted [^ ]+ $1 $2\$"; }

# expect_kind KIND: at least one event of that kind.
expect_kind() { expect_events "a $1 event" "^$1 "; }

#!/usr/bin/env bash
# The `make run` demo: doctor, then completions at real positions of this
# repository's own code, each with its stage timings.
set -u
bin=${1:-bin/ghostline}
cd "$(dirname "$0")/.."
echo "== ghostline doctor"
"$bin" doctor || true
# Positions: the start of the body of a few real functions, found afresh each
# run so the demo follows the code as it changes.
positions=()
for f in pipeline/pipeline.go retrieval/infile.go ranker/history.go; do
	line=$(grep -n '^func ' "$f" | sed -n 2p | cut -d: -f1)
	[ -n "$line" ] && positions+=("$f:$((line + 1)):2")
done
for pos in "${positions[@]}"; do
	echo
	echo "== ghostline complete $pos"
	sed -n "$(cut -d: -f2 <<<"$pos")p" "${pos%%:*}" | sed 's/^/   line: /'
	"$bin" complete "$pos" || echo "(no completion: see the message above)"
done

#!/usr/bin/env bash
# The `make run` demo: doctor, then `ghostline demo`: completions at real
# cursors of this repository's own code, each line cut where a programmer
# would pause, with what was really there, a verdict and stage timings.
set -u
bin=${1:-bin/ghostline}
cd "$(dirname "$0")/.."
echo "== ghostline doctor"
"$bin" doctor || true
echo
echo "== ghostline demo"
"$bin" demo

#!/usr/bin/env bash
# End-to-end test of the Neovim plugin (editors/nvim) in a real headless
# Neovim against the real `ghostline serve` with the built-in model: no
# network, everything in a temp dir. Needs nvim (0.7.2 or newer) and sqlite3.
#
#   scripts/e2e-nvim.sh            # builds bin/ghostline first
#   GHOSTLINE_BIN=/path scripts/e2e-nvim.sh
#   GHOSTLINE_E2E_TRIGGERS=50      # latency triggers (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

command -v nvim >/dev/null || { echo "e2e-nvim: nvim not installed (apt-get install -y neovim)" >&2; exit 1; }
if [ -z "${GHOSTLINE_BIN:-}" ]; then
	go build -o bin/ghostline ./cmd/ghostline
	GHOSTLINE_BIN=$root/bin/ghostline
fi

go build -o bin/fakeollama ./lsp/lsptest/fakeollama

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
cp -r editors/testdata/repo "$tmp/repo"
git -C "$tmp/repo" init -q

# A model server that retypes the closer after the cursor, for the step
# that checks an item's range (the editor's auto-closed ")"); built before
# the XDG dirs move Go's build cache.
"$root/bin/fakeollama" --reply '"hello")' >"$tmp/ollama.url" &
ollama_pid=$!
trap 'kill $ollama_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/ollama.url" ] && break; sleep 0.05; done
export GHOSTLINE_E2E_OLLAMA=$(cat "$tmp/ollama.url")

export GHOSTLINE_BIN GHOSTLINE_E2E_REPO=$tmp/repo
export GHOSTLINE_E2E_SETTINGS=${GHOSTLINE_E2E_SETTINGS:-'{"model":{"provider":"builtin"}}'}

echo "e2e-nvim: $(nvim --version | head -1), server $GHOSTLINE_BIN"
status=0
timeout 240 nvim --headless -u NONE -i NONE -n -c "luafile $root/editors/nvim/test/e2e.lua" \
	>"$tmp/out.txt" 2>"$tmp/err.txt" || status=$?
cat "$tmp/out.txt"
if [ "$status" -ne 0 ]; then
	echo "e2e-nvim: nvim exited with status $status; its stderr:" >&2
	tail -40 "$tmp/err.txt" >&2
	exit 1
fi

# The server must have recorded the accept (and the partial accept and the
# rejection) in its telemetry database.
. scripts/e2e-telemetry.sh
fail=0
while read -r kind id; do
	case $kind in
	ACCEPTED) expect_event accepted "$id" || fail=1 ;;
	PARTIAL) expect_event partial "$id" || fail=1 ;;
	REJECTED) expect_event rejected "$id" || fail=1 ;;
	esac
done < <(grep -E '^(ACCEPTED|PARTIAL|REJECTED) ' "$tmp/out.txt")
[ "$fail" -eq 0 ] || exit 1
echo "e2e-nvim: PASS"

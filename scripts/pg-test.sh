#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server from Debian's packages on a
# loopback port, for the collector's benchmarks and manual tests.
#   scripts/pg-test.sh start [DIR] [PORT]   prints the postgres:// URL to use
#   scripts/pg-test.sh stop  [DIR]
# (The Go tests start their own server: see telemetry/collector/internal/pgtest.)
# Needs: apt-get install -y postgresql
set -euo pipefail
cmd=${1:-}
dir=${2:-/tmp/ghostline-pg}
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "no /usr/lib/postgresql/*/bin: apt-get install -y postgresql" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$dir/data" -U ghostline -A trust -E UTF8 --no-instructions >/dev/null
	fi
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
	as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U ghostline -d postgres -qc 'CREATE DATABASE ghostline' 2>/dev/null || true
	echo "postgres://ghostline@127.0.0.1:$port/ghostline?sslmode=disable"
	;;
stop)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
	;;
*)
	echo "usage: $0 start|stop [DIR] [PORT]" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# Reminder sweeps, staff queue, case page, dashboard and statistics with many cases: a release build, `madoguchi dev seed`, a signed-in
# approver (sees every case), wrk on the same machine.
# Usage: bash benches/workspace.sh [sqlite|postgres] [cases] [connections] [seconds]
# Seeding a million cases takes minutes: with BENCH_KEEP=<dir> (SQLite) or BENCH_KEEP=<database name>
# (PostgreSQL) the seeded data is kept there and reused by the next run with the same value.
# BENCH_SKIP_EXPORT=1 leaves out the (long) full register export at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
cases=${2:-100000}
connections=${3:-8}
seconds=${4:-10}
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
[ "${MADOGUCHI_SKIP_BUILD:-}" = 1 ] || cargo build --release -q
keep=${BENCH_KEEP:-}
# The data directory holds the keys the seeded data is sealed with: kept alongside a kept database.
if [ -n "$keep" ] && [ "$backend" = sqlite ]; then data=$keep; mkdir -p "$data"
elif [ -n "$keep" ]; then data=${TMPDIR:-/tmp}/bench-keep-$keep; mkdir -p "$data"
else data=$(mktemp -d); fi
# The server's own sweeps are off: the sweep is timed on its own below, the pages without it.
export MADOGUCHI_DATA_DIR="$data" MADOGUCHI_RATE_LIMIT_PER_MINUTE=0 MADOGUCHI_LOG=warn \
  MADOGUCHI_REMINDER_POLL_SECONDS=0
if [ "$backend" = postgres ]; then
  db=${keep:-madoguchi_bench_$$}
  if ! psql -q -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$db"; then
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
fi
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null
  if [ -z "$keep" ]; then
    [ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
    rm -rf "$data"
  fi
}
trap cleanup EXIT
if [ -n "$keep" ] && [ -e "$data/.seeded-$backend-$cases" ]; then
  echo "== reusing the $cases cases seeded in $keep"
else
  /usr/bin/time -f "seeding took %e s, max RSS %M KiB" ./target/release/madoguchi dev seed --cases "$cases"
  [ -n "$keep" ] && touch "$data/.seeded-$backend-$cases"
fi
echo "== $backend, $cases cases: reminder sweep, first (sends what is due) and steady state"
./target/release/madoguchi dev sweep
./target/release/madoguchi dev sweep
password="bench password 1234567"
echo "$password" | ./target/release/madoguchi staff add --email bench@example.jp --role approver --password-stdin >/dev/null 2>&1 || true
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
MADOGUCHI_BIND="127.0.0.1:$port" ./target/release/madoguchi serve >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

jar="$data/cookies"
csrf=$(curl -s -b "$jar" -c "$jar" "$base/staff/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"//')
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
  --data-urlencode email=bench@example.jp --data-urlencode "password=$password" "$base/staff/login"
cookie=$(awk '$6 == "madoguchi" { print "madoguchi=" $7 }' "$jar")
case_id=$(curl -s -H "Cookie: $cookie" "$base/staff/cases" | grep -o 'href="/staff/cases/seed-[^"]*"' | head -1 | sed 's/href="\/staff\/cases\///; s/"//')
[ -n "$case_id" ] || { echo "queue not served"; exit 1; }
# A few seconds of load first: measure the steady state, not the first reads after seeding.
wrk -t2 -c"$connections" -d3s -H "Cookie: $cookie" "$base/staff/cases?state=in_review&assignee=none" >/dev/null
wrk -t2 -c"$connections" -d3s -H "Cookie: $cookie" "$base/staff/cases" >/dev/null
echo "== $backend, $cases cases: queue (first page, most urgent first): wrk -t2 -c$connections -d${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/staff/cases"
echo "== $backend: queue filtered (state=in_review, unassigned)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/staff/cases?state=in_review&assignee=none"
echo "== $backend: case page (decrypts, audits each view)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/staff/cases/$case_id"
echo "== $backend: dashboard: the first count after start, then served from the instance's recounted figures"
curl -s -o /dev/null -w "first dashboard count: %{time_total} s\n" -H "Cookie: $cookie" "$base/staff/dashboard"
echo "== $backend: dashboard"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/staff/dashboard"
echo "== $backend: yearly statistics (this fiscal year), one connection"
wrk -t1 -c1 -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/staff/statistics?basis=fiscal"
[ -n "${BENCH_SKIP_EXPORT:-}" ] && exit 0
echo "== $backend: register export, every case as CSV (one download)"
curl -s -o "$data/register.csv" -w "register.csv: %{size_download} bytes in %{time_total} s\n" -H "Cookie: $cookie" "$base/staff/register.csv"
echo "server RSS after the export: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"
echo "server RSS after the run: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"

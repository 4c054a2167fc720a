#!/usr/bin/env bash
# Case-page throughput: a release build on SQLite, one real case, wrk on the same machine.
# Usage: bash benches/portal.sh [connections] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-16}
seconds=${2:-10}
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
[ "${MADOGUCHI_SKIP_BUILD:-}" = 1 ] || cargo build --release -q
. benches/serve.sh
start_server 1

make_case
curl -sf "$base/case/$token" | grep -q '受付番号' || { echo "case page not served"; exit 1; }

cookie=$(awk '$6 == "madoguchi" { print "madoguchi=" $7 }' "$jar")
# Server CPU per request is steadier than throughput on a shared machine (see submissions.sh).
run_wrk() {
  local before out requests
  before=$(server_cpu_ticks)
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$base/case/$token")
  echo "$out"
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "server CPU per request: $(( ($(server_cpu_ticks) - before) * 1000000 / $(getconf CLK_TCK) / requests )) µs"
}
echo "== case page, returning browser (session cookie sent): wrk -t2 -c$connections -d${seconds}s"
run_wrk -H "Cookie: $cookie"
echo "== case page, first visit (no cookie: a new session each time): wrk -t2 -c$connections -d${seconds}s"
run_wrk
echo "server RSS after the run: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"

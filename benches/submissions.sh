#!/usr/bin/env bash
# Submissions per second: a release build on SQLite; N drafts are filled in beforehand (each by its
# own browser session), then wrk fires their final submit over 16 keep-alive connections, every
# request with a different browser's cookie and CSRF token, until each draft is submitted once.
# wrk's own requests/sec divides by its whole -d duration: read the script's "per second" line,
# timed from the first request to the last draft's answer.
# Usage: bash benches/submissions.sh [drafts] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
drafts=${1:-20000}
connections=${2:-16}
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
[ "${MADOGUCHI_SKIP_BUILD:-}" = 1 ] || cargo build --release -q --bin madoguchi --bench submissions
bench=$(ls -t target/release/deps/submissions-* | grep -v '\.d$' | head -n 1)
. benches/serve.sh
start_server 3600

echo "== preparing $drafts drafts"
"$bench" "$drafts" --prepare "$base" "$data/drafts.tsv"
echo "server RSS before: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"
echo "== submitting: wrk -t2 -c$connections, each draft once"
cpu_before=$(server_cpu_ticks)
DRAFTS="$data/drafts.tsv" WRK_THREADS=2 wrk -t2 -c"$connections" -d"${BENCH_SECONDS:-20}s" --latency \
  -s benches/submissions.lua "$base/request/submit"
echo "server RSS after: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"
# CPU time is steadier than throughput on a shared machine: it tells whether a change made the
# server do less work even in an hour when the neighbours slow everything down.
echo "server CPU per submission: $(( ($(server_cpu_ticks) - cpu_before) * 1000000 / $(getconf CLK_TCK) / drafts )) µs"

#!/usr/bin/env bash
# The bare stack (benches/bare_stack.rs) under the same wrk load as benches/submissions.sh: run the
# two back to back to compare the application with what the machine gives actix-web + diesel
# committing one SQLite row per request, that day.
# Usage: bash benches/bare_stack.sh [requests] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-100000}
connections=${2:-16}
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
cargo build --release -q --bench bare_stack
bench=$(ls -t target/release/deps/bare_stack-* | grep -v '\.d$' | head -n 1)
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bench" "127.0.0.1:$port" "$data/bare.sqlite" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# Same request shape as the application's submit: a cookie and a form body, different each time.
seq 1 "$requests" | awk '{ printf "id=%064d\t%043d\n", $1, $1 }' >"$data/requests.tsv"
cpu_before=$(awk '{print $14 + $15}' "/proc/$server/stat")
echo "== bare stack: wrk -t2 -c$connections, $requests requests"
DRAFTS="$data/requests.tsv" WRK_THREADS=2 wrk -t2 -c"$connections" -d"${BENCH_SECONDS:-20}s" --latency \
  -s benches/submissions.lua "http://127.0.0.1:$port/request/submit"
echo "server RSS after: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"

echo "server CPU per request: $(( ($(awk '{print $14 + $15}' "/proc/$server/stat") - cpu_before) * 1000000 / $(getconf CLK_TCK) / requests )) µs"

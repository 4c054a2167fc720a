#!/usr/bin/env bash
# A letter's page and its PDF under wrk: a release build on SQLite, one real case made through the
# portal (its receipt letter is issued when the requester confirms), wrk on the same machine.
# Prints, for each: requests/s, the median latency (wrk's 50% line) and server CPU per request.
# Usage: bash benches/letters.sh [connections] [seconds]
# MADOGUCHI_BIN runs another build (see serve.sh); MADOGUCHI_SKIP_BUILD=1 skips `cargo build
# --release` (to check the set-up against a debug build: MADOGUCHI_BIN=target/debug/madoguchi).
# The PDF needs a Japanese font (fonts-noto-cjk, or MADOGUCHI_LETTER_FONT).
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-8}
seconds=${2:-10}
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
[ "${MADOGUCHI_SKIP_BUILD:-}" = 1 ] || cargo build --release -q
. benches/serve.sh
start_server 1

make_case

# The receipt letter is the first letter the requester's case page lists.
letter=$(curl -sf -b "$jar" "$base/case/$token" | grep -o "href=\"/case/$token/letters/[^\"/]*\"" | head -1 | sed 's/^href="//; s/"$//')
[ -n "$letter" ] || { echo "no letter listed on the case page"; exit 1; }
curl -sf -b "$jar" "$base$letter" | grep -q 'id="letter-number"' || { echo "letter page not served"; exit 1; }
curl -sf -b "$jar" "$base$letter/pdf" | head -c 5 | grep -q '%PDF-' || { echo "letter PDF not served (no Japanese font?)"; exit 1; }

cookie=$(awk '$6 == "madoguchi" { print "madoguchi=" $7 }' "$jar")
# Server CPU per request is steadier than throughput on a shared machine (see submissions.sh).
run_wrk() {
  local path=$1 before out requests
  before=$(server_cpu_ticks)
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie" "$base$path")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  [ "${requests:-0}" -gt 0 ] || { echo "$out"; echo "no requests completed"; exit 1; }
  echo "$out" | grep -E 'Non-2xx' && { echo "errors served"; exit 1; }
  echo "requests/s: $(echo "$out" | awk '/^Requests\/sec/ {print $2}')"
  echo "median latency: $(echo "$out" | awk '$1 == "50%" {print $2}')"
  echo "server CPU per request: $(( ($(server_cpu_ticks) - before) * 1000000 / $(getconf CLK_TCK) / requests )) µs"
}
echo "== the receipt letter page: wrk -t2 -c$connections -d${seconds}s --latency"
run_wrk "$letter"
echo "== its PDF: wrk -t2 -c$connections -d${seconds}s --latency"
run_wrk "$letter/pdf"
echo "server RSS after the run: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"

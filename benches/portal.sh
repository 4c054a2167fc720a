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

jar="$data/cookies"
csrf() { curl -s -b "$jar" -c "$jar" "$base$1" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"//'; }
post() { local path=$1; shift; curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$(csrf "$path")" "$@" "$base$path"; }
post /request --data-urlencode kind=correction --data-urlencode requester_type=principal --data-urlencode consent=2026-11-21
post /request/person --data-urlencode name="山田 花子" --data-urlencode name_kana="ヤマダ ハナコ" \
  --data-urlencode birth_date=1990-04-01 --data-urlencode postal_code=231-8588 --data-urlencode address="横浜市中区日本大通1" \
  --data-urlencode phone=045-210-1111 --data-urlencode email=bench@example.jp
post /request/content --data-urlencode data_description="住所" --data-urlencode current_content="旧" --data-urlencode correct_content="新" --data-urlencode prior_disclosure_on="$(date -u -d "10 days ago" +%F)"
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$(csrf /request/review)" "$base/request/submit"
for _ in $(seq 1 50); do ls "$data"/mail/*.eml >/dev/null 2>&1 && break; sleep 0.2; done
token=$(python3 - "$data/mail" <<'PY'
import email, pathlib, re, sys
for path in pathlib.Path(sys.argv[1]).glob("*.eml"):
    text = email.message_from_bytes(path.read_bytes()).get_payload(decode=True).decode()
    found = re.search(r"/case/((?:[0-9a-f-]{36}\.)?[A-Za-z0-9_-]{43})", text)
    if found:
        print(found.group(1))
        break
PY
)
[ -n "$token" ] || { echo "no case link found"; exit 1; }
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$(csrf "/case/$token")" "$base/case/$token/confirm"
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

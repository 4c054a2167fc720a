# Sourced by the benchmark scripts: starts the release build on SQLite in a fresh data directory on
# a free port, without rate limits, and stops it (and removes the directory) when the script ends.
# Sets data, base and server. Usage: start_server MAIL_POLL_SECONDS
# MADOGUCHI_BIN runs another build instead (a saved copy, to compare two builds in alternation).
start_server() {
  data=$(mktemp -d)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base="http://127.0.0.1:$port"
  MADOGUCHI_DATA_DIR="$data" MADOGUCHI_BIND="127.0.0.1:$port" MADOGUCHI_RATE_LIMIT_PER_MINUTE=0 \
    MADOGUCHI_MAIL_POLL_SECONDS="$1" MADOGUCHI_LOG=warn ${MADOGUCHI_BIN:-./target/release/madoguchi} serve >"$data/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
  for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
}

# User plus system CPU time the server has used so far, in clock ticks.
server_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$server/stat"
}

# One confirmed correction request made through the portal, as a requester's browser makes it (a
# public body's correction names the disclosure it follows). Sets jar (the browser's cookies) and
# token (the case link); defines csrf and post for the caller. Needs start_server first.
make_case() {
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
}

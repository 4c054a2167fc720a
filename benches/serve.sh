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

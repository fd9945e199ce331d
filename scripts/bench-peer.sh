#!/usr/bin/env bash
# deskchat against a peer, side by side (issue 16): Centrifugo at a
# pinned version, installed from the Go module proxy into bin/, then, from
# the same load tool on this machine, one right after the other:
#   idle: deskchat and Centrifugo each holding N idle client connections
#         (memory per connection);
#   fan-out: 30 subscribers receiving 1,000 messages a second (server CPU,
#         delivery latency). deskchat's messages are customers' sends
#         through its HTTP API, stored (fsync) before the answer;
#         Centrifugo's are publications to its HTTP API, kept in memory.
# Prints each figure and the ratios.
# Part of `make bench` (scripts/bench.sh); PEER_STREAMS=N (default 15000,
# the most this machine's 20,000 open files allow one process).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-tags=sqlite_fts5
CENTRIFUGO=github.com/centrifugal/centrifugo/v6@v6.9.1
n=${PEER_STREAMS:-15000}
mkdir -p bin
if [[ ! -x bin/centrifugo ]]; then
  # Its own build flags, not ours (go install sets no version: it says v0.0.0).
  GOFLAGS= GOBIN=$PWD/bin go install "$CENTRIFUGO"
fi
go build -o bin/deskchat-server ./backend/cmd/deskchat-server
go build -o bin/deskchat-load ./backend/cmd/deskchat-load
ulimit -n "$(ulimit -Hn)" # Centrifugo inherits it; the load tool raises its own

kb() { sed -n 's/.*: \([0-9.]*\) KB per \(customer \)\{0,1\}stream.*/\1/p' | tail -n1; }

echo "== deskchat: $n idle customer streams"
out=$(./bin/deskchat-load --customers "$n" --senders 10 --agents 1 --rate 50 --duration 3s --addrs 2 2>/dev/null)
echo "$out"
ds=$(kb <<<"$out")

echo "== Centrifugo ${CENTRIFUGO#*@}: $n idle clients"
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
CENTRIFUGO_CLIENT_INSECURE=true CENTRIFUGO_HTTP_API_INSECURE=true CENTRIFUGO_HEALTH_ENABLED=true CENTRIFUGO_HTTP_SERVER_PORT=$port CENTRIFUGO_HTTP_SERVER_ADDRESS=127.0.0.1 \
  CENTRIFUGO_LOG_LEVEL=error ./bin/centrifugo >"$dir/centrifugo.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break
  sleep 0.1
done
out=$(./bin/deskchat-load --peer centrifugo --server "ws://127.0.0.1:$port/connection/websocket" --server-pid "$pid" \
  --customers "$n" --addrs 2 2>/dev/null)
echo "$out"
cf=$(kb <<<"$out")

echo "== deskchat: fan-out to 30 agents at 1,000 msgs/s"
dsf=$(./bin/deskchat-load --customers 1000 --senders 100 --agents 30 --rate 1000 --duration 10s 2>/dev/null)
echo "$dsf"
echo "== Centrifugo: fan-out to 30 subscribers at 1,000 msgs/s"
cff=$(./bin/deskchat-load --peer centrifugo --server "ws://127.0.0.1:$port/connection/websocket" \
  --peer-api "http://127.0.0.1:$port/api/publish" --server-pid "$pid" --agents 30 --rate 1000 --duration 10s 2>/dev/null)
echo "$cff"
p99() { sed -n 's/^ *delivery: .* p99 \([0-9.]*\) ms.*/\1/p' | head -n1; }
cores() { sed -n 's/^ *server: *\([0-9.]*\) cores.*/\1/p' | head -n1; }

echo "== side by side"
awk -v d="$ds" -v c="$cf" -v dp="$(p99 <<<"$dsf")" -v cp="$(p99 <<<"$cff")" -v dc="$(cores <<<"$dsf")" -v cc="$(cores <<<"$cff")" 'BEGIN {
  if (d == "" || c == "" || dp == "" || cp == "" || dc == "" || cc == "") {
    print "peer: a figure is missing (idle " d " / " c ", p99 " dp " / " cp ", cores " dc " / " cc ")"; exit 1
  }
  printf "memory per idle stream: deskchat %.1f KB, Centrifugo %.1f KB, deskchat / Centrifugo %.2f\n", d, c, d / c
  printf "fan-out delivery p99:   deskchat %.1f ms, Centrifugo %.1f ms, deskchat / Centrifugo %.1f\n", dp, cp, dp / cp
  printf "fan-out server CPU:     deskchat %.2f cores, Centrifugo %.2f cores, deskchat / Centrifugo %.1f\n", dc, cc, dc / cc
}'

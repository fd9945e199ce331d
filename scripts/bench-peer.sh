#!/usr/bin/env bash
# deskchat against a peer, side by side (issue 16): Centrifugo at a
# pinned version, installed from the Go module proxy into bin/, then, from
# the same load tool on this machine, one right after the other:
#   idle: deskchat and Centrifugo each holding N idle client connections
#         (memory per connection);
#   steady: 500 messages a second to one subscriber (send→ack latency,
#         server CPU per message);
#   fan-out: 30 subscribers receiving 1,000 messages a second (server CPU,
#         delivery latency).
# deskchat's messages are customers' sends through its HTTP API, stored
# (fsync) before the answer; Centrifugo's are publications to its HTTP
# API, kept in memory.
# Prints each figure and the ratios.
# Part of `make bench` (scripts/bench.sh); alone: ./scripts/bench-peer.sh
# (about 3 minutes). PEER_STREAMS=N idle streams (default 15000, the most
# this machine's 20,000 open files allow one process).
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

# deskchat_load AGENTS RATE: 100 customers send RATE msgs/s over 10 s to
# AGENTS agent streams (next to 1,000 customer streams); centrifugo_load
# AGENTS RATE: publications at RATE to AGENTS subscribers.
deskchat_load() { ./bin/deskchat-load --customers 1000 --senders 100 --agents "$1" --rate "$2" --duration 10s 2>/dev/null; }
centrifugo_load() {
  ./bin/deskchat-load --peer centrifugo --server "ws://127.0.0.1:$port/connection/websocket" \
    --peer-api "http://127.0.0.1:$port/api/publish" --server-pid "$pid" --agents "$1" --rate "$2" --duration 10s 2>/dev/null
}
echo "== deskchat: 500 msgs/s to one agent"
dss=$(deskchat_load 1 500)
echo "$dss"
echo "== Centrifugo: 500 msgs/s to one subscriber"
cfs=$(centrifugo_load 1 500)
echo "$cfs"
echo "== deskchat: fan-out to 30 agents at 1,000 msgs/s"
dsf=$(deskchat_load 30 1000)
echo "$dsf"
echo "== Centrifugo: fan-out to 30 subscribers at 1,000 msgs/s"
cff=$(centrifugo_load 30 1000)
echo "$cff"
p99() { sed -n 's/^ *delivery: .* p99 \([0-9.]*\) ms.*/\1/p' | head -n1; }
ack() { sed -n 's/^ *\(send\|publish\)→ack: *p50 \([0-9.]*\) ms, .* p99 \([0-9.]*\) ms.*/\2 \3/p' | head -n1; }
cores() { sed -n 's/^ *server: *\([0-9.]*\) cores.*/\1/p' | head -n1; }
# Messages per second actually sent (both loads last 10 s): deskchat's
# accepted sends, Centrifugo's answered publications.
rate() { sed -n -e 's/^ *accepted: *[0-9]* messages, \([0-9.]*\) msg\/s.*/\1/p' \
  -e 's/^peer fan-out: \([0-9]*\) published.*/\1/p' | head -n1 | awk '{ print ($1 > 2000 ? $1 / 10 : $1) }'; }

echo "== side by side (ratio: deskchat / Centrifugo; CPU per message at the rate actually sent)"
read -r da50 da99 <<<"$(ack <<<"$dss")" || true
read -r ca50 ca99 <<<"$(ack <<<"$cfs")" || true
awk -v n="$n" -v d="$ds" -v c="$cf" -v dp="$(p99 <<<"$dsf")" -v cp="$(p99 <<<"$cff")" -v dc="$(cores <<<"$dsf")" -v cc="$(cores <<<"$cff")" \
  -v da50="${da50:-}" -v da99="${da99:-}" -v ca50="${ca50:-}" -v ca99="${ca99:-}" -v dsc="$(cores <<<"$dss")" -v csc="$(cores <<<"$cfs")" \
  -v dsr="$(rate <<<"$dss")" -v csr="$(rate <<<"$cfs")" -v dfr="$(rate <<<"$dsf")" -v cfr="$(rate <<<"$cff")" 'BEGIN {
  if (d == "" || c == "" || dp == "" || cp == "" || dc == "" || cc == "" || da50 == "" || ca50 == "" || dsc == "" || csc == "" || dsr == "" || csr == "" || dfr == "" || cfr == "") {
    print "peer: a figure is missing (idle " d " / " c ", ack " da50 " / " ca50 ", steady cores " dsc " / " csc ", p99 " dp " / " cp ", cores " dc " / " cc ", rates " dsr " " csr " " dfr " " cfr ")"; exit 1
  }
  f = "%-46s %18s %18s %12s\n"
  printf f, "", "deskchat", "Centrifugo", "ratio"
  printf f, sprintf("memory per idle stream (%d streams)", n), sprintf("%.1f KB", d), sprintf("%.1f KB", c), sprintf("%.2f", d / c)
  printf f, "500 msgs/s to one subscriber: sent", sprintf("%.0f/s", dsr), sprintf("%.0f/s", csr), ""
  printf f, "  send (publish) → ack, p50 / p99", sprintf("%.2f / %.2f ms", da50, da99), sprintf("%.2f / %.2f ms", ca50, ca99), sprintf("%.1f / %.1f", da50 / ca50, da99 / ca99)
  printf f, "  server CPU", sprintf("%.2f cores", dsc), sprintf("%.2f cores", csc), sprintf("%.1f", dsc / csc)
  printf f, "  server CPU per message", sprintf("%.2f ms", dsc * 1000 / dsr), sprintf("%.2f ms", csc * 1000 / csr), sprintf("%.1f", (dsc / dsr) / (csc / csr))
  printf f, "fan-out, 1,000 msgs/s to 30 subscribers: sent", sprintf("%.0f/s", dfr), sprintf("%.0f/s", cfr), ""
  printf f, "  delivery p99 (from the send)", sprintf("%.1f ms", dp), sprintf("%.1f ms", cp), sprintf("%.1f", dp / cp)
  printf f, "  server CPU", sprintf("%.2f cores", dc), sprintf("%.2f cores", cc), sprintf("%.1f", dc / cc)
}'

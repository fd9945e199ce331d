#!/usr/bin/env bash
# Runs every benchmark and load run on this machine and writes a plain-text
# report to bench-out/report.txt (the raw go test output and the load
# tool's JSON next to it). docs/PERFORMANCE.md records the latest figures.
# Not part of `make test`: it takes several minutes (the first search run
# builds a 1,000,000-message corpus in the temp directory).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-tags=sqlite_fts5
out=${BENCH_OUT:-bench-out}
mkdir -p "$out"
report=$out/report.txt
: >"$report"
say() { printf '%s\n' "$*" | tee -a "$report"; }

say "deskchat benchmarks — $(date -u +%Y-%m-%dT%H:%MZ)"
say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
say "go: $(go version | cut -d' ' -f3-)"
say ""

go build -o bin/deskchat-server ./backend/cmd/deskchat-server
go build -o bin/deskchat-load ./backend/cmd/deskchat-load

bench() { # bench NAME PKG PATTERN BENCHTIME
  say "== go test -bench '$3' -benchtime $4 $2"
  go test -run XXX -bench "$3" -benchtime "$4" -count 1 "$2" 2>&1 | tee "$out/$1.txt" | grep -E '^Benchmark' | tee -a "$report"
  say ""
}
bench send ./backend/sqlite/ SendMessage 3s
bench search ./backend/sqlite/ 'Search$' 300x
bench hub ./backend/hub/ . 1s
bench localstore-apply ./app/localstore/ Apply 1s
bench localstore-read ./app/localstore/ 'LocalSearch|OpenConversation' 200x
# Attachments: upload throughput (a 4 MiB file; a 5.4 MB photo, which is
# also stripped and thumbnailed) and the thumbnail of that photo alone.
bench upload ./backend/httpapi/ Upload 5x
bench thumbnail ./backend/media/ Thumbnail5MBPhoto 5x
# From a customer's send to the Notify call on D-Bus (a private bus).
bench notify ./app/ NotifyLatency 1x

load() { # load NAME ARGS...
  local name=$1
  shift
  say "== deskchat-load $*"
  ./bin/deskchat-load --json "$out/load-$name.json" "$@" 2>/dev/null | tee -a "$report" || say "deskchat-load failed (exit $?)"
  say ""
}
load throughput --customers 1000 --senders 200 --agents 1 --rate 2200 --duration 10s
load steady --customers 1000 --senders 100 --agents 1 --rate 500 --duration 10s
# A flood on one conversation and slow consumers (agent streams that never
# read) next to ordinary traffic: compare the delivery p99 with "steady".
load isolation --customers 1000 --senders 100 --agents 10 --rate 500 --duration 10s --slow 5 --flood 1000
load fanout --customers 1000 --senders 100 --agents 30 --rate 1000 --duration 10s
# Streams are bounded by the open-files limit of both processes here.
load idle --customers 15000 --senders 10 --agents 1 --rate 50 --duration 3s --addrs 2
# deskchat against the peer (Centrifugo, pinned), one right after the
# other: idle streams, 500 msgs/s to one subscriber, the fan-out; the
# side-by-side table with the ratios (issue 16).
say "== scripts/bench-peer.sh (deskchat and Centrifugo; $(( ${PEER_STREAMS:-15000} )) idle streams each)"
./scripts/bench-peer.sh 2>"$out/bench-peer.err" | tee -a "$report" || say "bench-peer failed (exit $?): see $out/bench-peer.err"
say ""
# 10,000 customer streams resume from their cursors after a server restart.
load reconnect --customers 10000 --senders 100 --agents 1 --rate 500 --duration 5s --addrs 2 --restart

# One SQLite node, one PostgreSQL node, two PostgreSQL nodes over NATS.
BENCH_OUT=$out ./scripts/bench-cluster.sh

say "== scripts/app-bench.sh 10000 (the desktop app, real window under Xvfb)"
if [[ -x build/bin/deskchat ]]; then
  ./scripts/app-bench.sh 10000 2>/dev/null | grep -E '^(  pid|app-bench)' | tee -a "$report"
else
  say "skipped: build the app first (make app)"
fi
say ""

say "report: $report"

#!/usr/bin/env bash
# bench-cluster: the same open-loop load on one SQLite node, one PostgreSQL
# node and two PostgreSQL nodes joined by NATS, side by side in one run
# (scripts/bench.sh calls it; BENCH_OUT as there). With two nodes the agent
# streams are on node 1 and the customers on node 2, so every delivery
# crosses nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-tags=sqlite_fts5
out=${BENCH_OUT:-bench-out}
mkdir -p "$out"
report=$out/report.txt
say() { printf '%s\n' "$*" | tee -a "$report"; }
PG_BIN=${DESKCHAT_PG_BIN:-/usr/lib/postgresql/15/bin}
# Capacity: an open-loop target above what any variant accepts. Latency: a
# steady rate every variant keeps up with, so the figures are the path's,
# not a queue's.
CAP=(--customers 300 --senders 150 --agents 1 --rate "${CLUSTER_RATE:-3000}" --duration 10s)
LAT=(--customers 300 --senders 100 --agents 2 --rate "${CLUSTER_STEADY:-300}" --duration 10s)

go build -o bin/deskchat-server ./backend/cmd/deskchat-server
go build -o bin/deskchat-load ./backend/cmd/deskchat-load
go build -o bin/nats-server github.com/nats-io/nats-server/v2

dir=$(mktemp -d /tmp/deskchat-bench-cluster.XXXX)
chmod 755 "$dir" # PostgreSQL runs as postgres and must reach its folders
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/pg" "$dir/run"
[[ $(id -u) -eq 0 ]] && chown postgres "$dir/pg" "$dir/run"
as_pg "$PG_BIN/initdb" -D "$dir/pg" -A trust -U deskchat -E UTF8 >/dev/null
pgport=$((20000 + RANDOM % 20000))
as_pg "$PG_BIN/pg_ctl" -D "$dir/pg" -o "-p $pgport -k $dir/run -c listen_addresses=127.0.0.1 -c max_connections=200" -l "$dir/run/pg.log" -w start >/dev/null
natsport=$((pgport + 1))
./bin/nats-server -a 127.0.0.1 -p "$natsport" >"$dir/nats.log" 2>&1 &
pids+=($!)

node() { # node LOGNAME PORT ARGS... : starts a node, waits until it listens
  local name=$1 port=$2
  shift 2
  ./bin/deskchat-server serve --addr "127.0.0.1:$port" --customer-send-rate 100000000 --widget-session-rate 100000000 \
    --login-rate 100000 "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$dir/$name.log" 2>/dev/null && return; sleep 0.1; done
  cat "$dir/$name.log"
  return 1
}
load() { # load NAME ARGS...
  local name=$1
  shift
  say "== deskchat-load $*"
  ./bin/deskchat-load --json "$out/load-$name.json" "$@" 2>/dev/null | tee -a "$report" || say "deskchat-load failed (exit $?)"
  say ""
}
newdb() { as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$pgport" -U deskchat "$1"; echo "postgres://deskchat@127.0.0.1:$pgport/$1?sslmode=disable"; }

say "=== one SQLite node, one PostgreSQL node, two PostgreSQL nodes (NATS): the same load, one after the other"
load cluster-sqlite-capacity "${CAP[@]}"
load cluster-sqlite-steady "${LAT[@]}"

db1=$(newdb bench1)
node pg1 18081 --demo --db "$db1"
pid1=${pids[-1]}
load cluster-postgres-1-capacity "${CAP[@]}" --server http://127.0.0.1:18081 --server-pid "$pid1"
load cluster-postgres-1-steady "${LAT[@]}" --server http://127.0.0.1:18081 --server-pid "$pid1"
kill "$pid1"; wait "$pid1" 2>/dev/null || true

db2=$(newdb bench2)
node pg2a 18082 --demo --db "$db2" --nats "nats://127.0.0.1:$natsport" --node a
pid2=${pids[-1]}
node pg2b 18083 --db "$db2" --nats "nats://127.0.0.1:$natsport" --node b
load cluster-postgres-2-capacity "${CAP[@]}" --server http://127.0.0.1:18082,http://127.0.0.1:18083 --server-pid "$pid2"
load cluster-postgres-2-steady "${LAT[@]}" --server http://127.0.0.1:18082,http://127.0.0.1:18083 --server-pid "$pid2"
say "(two nodes: server RSS and CPU above are node 1's, which holds the agent streams; node 2 took the customers' sends)"

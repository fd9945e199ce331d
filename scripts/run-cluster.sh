#!/usr/bin/env bash
# run-cluster: a local PostgreSQL, a NATS server and three deskchat nodes
# on three ports, with the demo helpdesk; Ctrl-C stops everything.
#   scripts/run-cluster.sh          run until interrupted
#   scripts/run-cluster.sh --check  start, check every node answers and a
#                                   message crosses nodes, then stop
# Data lives in $RUN_DIR/cluster (default .run/cluster) and survives
# restarts. PostgreSQL (Debian's postgresql-15) refuses to run as root, so
# as root it runs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_DIR=${RUN_DIR:-.run}
DIR=$(realpath -m "$RUN_DIR/cluster")
PG_BIN=${DESKCHAT_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-5433}
NATS_PORT=${NATS_PORT:-4222}
NODE_PORTS=(${NODE_PORTS:-8081 8082 8083})
CHECK=${1:-}

log() { printf 'run-cluster: %s\n' "$*"; }
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$DIR"
# PostgreSQL runs as postgres: it must be able to walk down to its folders
# (a mktemp -d folder is 0700).
PGDIR=$DIR
if [[ $(id -u) -eq 0 ]]; then
  chmod o+x "$(realpath "$RUN_DIR")" "$DIR"
  if ! runuser -u postgres -- test -x "$DIR"; then
    # A private folder above (a home directory): PostgreSQL's own files go
    # where the postgres user can reach them.
    PGDIR=/var/tmp/deskchat-cluster-$(printf %s "$DIR" | sha256sum | cut -c1-12)
    mkdir -p "$PGDIR"
    chmod 755 "$PGDIR"
    log "PostgreSQL data in $PGDIR (user postgres cannot reach $DIR)"
  fi
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -m fast -w stop >/dev/null 2>&1 || true
  log "stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# PostgreSQL
if [[ ! -d $PGDIR/pg ]]; then
  mkdir -p "$PGDIR/pg" "$PGDIR/pgrun"
  [[ $(id -u) -eq 0 ]] && chown postgres "$PGDIR/pg" "$PGDIR/pgrun"
  log "initdb $PGDIR/pg"
  as_pg "$PG_BIN/initdb" -D "$PGDIR/pg" -A trust -U deskchat -E UTF8 >/dev/null
fi
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -o "-p $PG_PORT -k $PGDIR/pgrun -c listen_addresses=127.0.0.1" -l "$PGDIR/pgrun/pg.log" -w start >/dev/null
DB="postgres://deskchat@127.0.0.1:$PG_PORT/deskchat?sslmode=disable"
as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U deskchat -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'deskchat'" | grep -q 1 ||
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U deskchat deskchat
log "PostgreSQL on 127.0.0.1:$PG_PORT"

# NATS
./bin/nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$DIR/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT) 2>/dev/null && break; sleep 0.1; done
log "NATS on 127.0.0.1:$NATS_PORT"

# The nodes: the first seeds the demo helpdesk (once) before the others start.
for i in "${!NODE_PORTS[@]}"; do
  port=${NODE_PORTS[$i]}
  extra=()
  [[ $i -eq 0 ]] && extra=(--demo)
  ./bin/deskchat-server serve --db "$DB" --nats "nats://127.0.0.1:$NATS_PORT" --node "n$((i + 1))" \
    --addr "127.0.0.1:$port" "${extra[@]}" >"$DIR/node$((i + 1)).log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$DIR/node$((i + 1)).log" 2>/dev/null && break; sleep 0.1; done
  grep -q "listening on" "$DIR/node$((i + 1)).log" || { cat "$DIR/node$((i + 1)).log"; log "node $((i + 1)) did not start"; exit 1; }
done

log "three nodes share one helpdesk:"
for i in "${!NODE_PORTS[@]}"; do
  log "  node n$((i + 1)): http://127.0.0.1:${NODE_PORTS[$i]}  (widget preview: http://127.0.0.1:${NODE_PORTS[$i]}/preview)"
done
log "point the desktop app at any of them (Sign in, server URL), e.g. http://127.0.0.1:${NODE_PORTS[0]}"
log "demo sign-in: anna@deskchat.test / deskchat-demo (admin), ben@deskchat.test (support)"
log "logs: $DIR/node*.log, $DIR/nats.log, $PGDIR/pgrun/pg.log"

if [[ $CHECK == --check ]]; then
  for port in "${NODE_PORTS[@]}"; do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { log "node on $port does not answer"; exit 1; }
  done
  go run ./scripts/clustercheck "http://127.0.0.1:${NODE_PORTS[0]}" "http://127.0.0.1:${NODE_PORTS[2]}"
  log "check passed"
  exit 0
fi
wait

#!/usr/bin/env bash
# Desktop app figures: first paint of the UI in the real window, initial
# sync of a big helpdesk, and idle memory (PSS of the app and its WebKit
# processes) with 10,000 conversations cached. Runs the built app
# (build/bin/deskchat) under Xvfb in local helpdesk mode on a database
# seeded with the demo helpdesk plus N conversations (cached in
# bench-out/, seeding 10,000 takes about 40 s).
#
# Usage: scripts/app-bench.sh [CONVERSATIONS]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-tags=sqlite_fts5
n=${1:-10000}
out=${BENCH_OUT:-bench-out}
mkdir -p "$out"
seed=$out/helpdesk-$n.db

if [[ ${2:-} != --inner ]]; then
  [[ -x build/bin/deskchat ]] || { echo "app-bench: build the app first (make app)" >&2; exit 1; }
  if [[ ! -f $seed ]]; then
    go build -o bin/deskchat-server ./backend/cmd/deskchat-server
    ./bin/deskchat-server demo --db "$seed.tmp" --conversations "$n" --messages 4 >/dev/null
    mv "$seed.tmp" "$seed"
  fi
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- "$0" "$n" --inner
fi

export DESKCHAT_CONFIG_DIR
DESKCHAT_CONFIG_DIR=$(mktemp -d -t deskchat-bench.XXXXXX)
cp "$seed" "$DESKCHAT_CONFIG_DIR/local-helpdesk.db"
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

t0=$(now)
build/bin/deskchat >"$out/app-bench.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null; rm -rf "$DESKCHAT_CONFIG_DIR"' EXIT
wid=$(timeout 20 xdotool search --sync --onlyvisible --name 'deskchat$' | head -n1)
t_window=$(now)
# First paint of the UI: the sidebar's dark colour appears at its spot.
until import -window "$wid" -crop 1x1+20+400 txt:- 2>/dev/null | grep -q 'srgb(17,24,39)'; do
  (( $(ms "$t0" "$(now)") < 20000 )) || { echo "app-bench: no UI painted" >&2; exit 1; }
  sleep 0.02
done
t_paint=$(now)
# Synced: the title counts the unread conversations of the big helpdesk.
until [[ $(xdotool getwindowname "$wid") =~ ^\(([0-9]+)\)\ deskchat$ ]] && ((BASH_REMATCH[1] >= n)); do
  (( $(ms "$t0" "$(now)") < 300000 )) || { echo "app-bench: not synced after 300 s" >&2; exit 1; }
  sleep 0.2
done
t_synced=$(now)
title=$(xdotool getwindowname "$wid")
sleep 15 # idle
pss=0
# The app and every process it started (WebKit's web and network processes).
pids=$(ps -e -o pid=,ppid= | awk -v root="$app" '{ parent[$1] = $2 } END { for (p in parent) { q = p; while (q > 1) { if (q == root) { print p; break } q = parent[q] } } }')
for pid in $pids; do
  kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  # Pss_Anon is the process's own memory (heaps, caches); Pss_File its
  # share of mapped libraries (GTK, WebKit) and files.
  split=$(awk '/^Pss_(Anon|File|Shmem):/ { printf "%s %.1f MB  ", $1, $2 / 1024 }' "/proc/$pid/smaps_rollup" 2>/dev/null)
  printf '  pid %-7s %-16s PSS %6.1f MB  (%s)\n' "$pid" "$(ps -o comm= -p "$pid")" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$split"
  pss=$((pss + kb))
done
import -window "$wid" "$out/app-bench-window.png" || true
echo "app-bench: $n extra conversations; window mapped $(ms "$t0" "$t_window") ms after start, UI painted $(ms "$t0" "$t_paint") ms, synced ($title) $(ms "$t0" "$t_synced") ms"
awk -v k="$pss" 'BEGIN { printf "app-bench: idle PSS of the app and its WebKit processes: %.1f MB\n", k / 1024 }'

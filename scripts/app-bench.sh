#!/usr/bin/env bash
# Desktop app figures: first paint of the UI in the real window, initial
# sync of a big helpdesk, and idle memory (PSS of the app and the WebKit
# processes it starts), side by side with the floor of any Wails app.
#
# In one Xvfb + D-Bus session, one after the other, it runs:
#   bare      the Wails v2.16.0 vanilla template (`wails init -t vanilla`,
#             built with webkit2_41 and app/webview, the same webview
#             settings as deskchat, at deskchat's window size; cached in
#             bench-out/template/);
#   embedded  build/bin/deskchat in local helpdesk mode on a database seeded
#             with the demo helpdesk plus N conversations (cached in
#             bench-out/, seeding 10,000 takes about 40 s);
#   remote    build/bin/deskchat signed in to a separate deskchat-server
#             process serving a copy of that database (its memory is the
#             server's, not counted).
# Each is measured after 20 s idle (from its window, or from its sync):
# PSS per process from /proc/PID/smaps_rollup, split into Pss_Anon (the
# process's own memory) and Pss_File (its share of mapped libraries).
#
# Usage: scripts/app-bench.sh [CONVERSATIONS] [MODES]
#   CONVERSATIONS default 10000; MODES default "bare embedded remote".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH)/bin"
export GOFLAGS=-tags=sqlite_fts5
n=${1:-10000}
modes=${2:-bare embedded remote}
out=${BENCH_OUT:-bench-out}
idle=${APP_BENCH_IDLE:-20}
mkdir -p "$out"
seed=$out/helpdesk-$n.db
tpl=$out/template/bare
bare=$tpl/build/bin/bare

# build_template builds the vanilla template with app/webview's settings,
# again when app/webview changes.
build_template() {
  local stamp want
  want=$(cat app/webview/*.go | sha256sum | cut -c1-16)
  stamp=$tpl/.webview-$want
  [[ -x $bare && -f $stamp ]] && return
  echo "app-bench: building the bare Wails template (once per app/webview change)" >&2
  if [[ ! -f $tpl/main.go.orig ]]; then
    rm -rf "$tpl"
    mkdir -p "$(dirname "$tpl")"
    (cd "$(dirname "$tpl")" && wails init -n bare -t vanilla -d bare >/dev/null)
    cp "$tpl/main.go" "$tpl/main.go.orig"
  fi
  rm -rf "$tpl/webview" "$tpl"/.webview-*
  mkdir -p "$tpl/webview"
  for f in app/webview/*.go; do [[ $f == *_test.go ]] || cp "$f" "$tpl/webview/"; done
  # The template's main with the settings and deskchat's window size.
  awk '
    /^import \(/ { print; print "\t\"bare/webview\""; next }
    /^func main\(\) \{/ { print; print "\twebview.Prepare()"; next }
    /Width: / { sub(/[0-9]+/, "1100") }
    /Height: / { sub(/[0-9]+/, "720") }
    /BackgroundColour:/ { print; print "\t\tLinux: webview.Linux(),"; next }
    { print }' "$tpl/main.go.orig" >"$tpl/main.go"
  (cd "$tpl" && GOFLAGS= wails build -tags webkit2_41 -nocolour >build.log 2>&1) ||
    { tail -n 30 "$tpl/build.log" >&2; exit 1; }
  touch "$stamp"
}

if [[ ${3:-} != --inner ]]; then
  if [[ $modes == *embedded* || $modes == *remote* ]]; then
    [[ -x build/bin/deskchat ]] || { echo "app-bench: build the app first (make app)" >&2; exit 1; }
    if [[ ! -f $seed ]]; then
      go build -o bin/deskchat-server ./backend/cmd/deskchat-server
      ./bin/deskchat-server demo --db "$seed.tmp" --conversations "$n" --messages 4 >/dev/null
      mv "$seed.tmp" "$seed"
    fi
  fi
  [[ $modes == *remote* ]] && go build -o bin/deskchat-server ./backend/cmd/deskchat-server
  [[ $modes == *bare* ]] && build_template
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- "$0" "$n" "$modes" --inner
fi

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
tmp=$(mktemp -d -t deskchat-bench.XXXXXX)
app='' server=''
stop() { # stop PID: SIGTERM, then wait for it
  [[ -n $1 ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
trap 'stop "$app"; stop "$server"; rm -rf "$tmp"' EXIT

declare -A cell # cell[mode,row] = "PSS anon file" in MB

# measure MODE: PSS of $app and every process it started, per kind.
measure() {
  local mode=$1 pid kind line
  local pids
  pids=$(ps -e -o pid=,ppid= | awk -v root="$app" '{ parent[$1] = $2 } END { for (p in parent) { q = p; while (q > 1) { if (q == root) { print p; break } q = parent[q] } } }')
  declare -A sum=()
  for pid in $pids; do
    case $(ps -o comm= -p "$pid") in
      WebKitWebProces*) kind=web ;;
      WebKitNetworkPr*) kind=network ;;
      *) kind=app ;;
    esac
    line=$(awk '/^Pss:/ { p = $2 } /^Pss_Anon:/ { a = $2 } /^Pss_File:/ { f = $2 } /^Pss_Shmem:/ { s = $2 }
      END { print p + 0, a + 0, f + 0, s + 0 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo "0 0 0 0")
    sum[$kind]=$(awk -v a="${sum[$kind]:-0 0 0 0}" -v b="$line" 'BEGIN { split(a, x); split(b, y); print x[1] + y[1], x[2] + y[2], x[3] + y[3], x[4] + y[4] }')
  done
  # Another WebKit app (or benchmark) shares the libraries' pages, and
  # their PSS is then divided between them: the figures would read low.
  local others
  others=$(ps -e -o pid=,comm= | awk -v ours=" $(echo $pids) " '$2 ~ /^WebKit/ && index(ours, " " $1 " ") == 0' | grep -c . || true)
  ((others == 0)) || echo "app-bench: $mode: WARNING: $others other WebKit processes are running; file-backed PSS reads low" >&2
  local total="0 0 0 0"
  for kind in app web network; do
    cell[$mode,$kind]=${sum[$kind]:-0 0 0 0}
    total=$(awk -v a="$total" -v b="${cell[$mode,$kind]}" 'BEGIN { split(a, x); split(b, y); print x[1] + y[1], x[2] + y[2], x[3] + y[3], x[4] + y[4] }')
  done
  cell[$mode,total]=$total
}

# wait_window TITLE_REGEX: the window's id once it is mapped.
wait_window() {
  timeout 30 xdotool search --sync --onlyvisible --name "$1" | head -n1
}

# run_deskchat MODE: start the app (config in $DESKCHAT_CONFIG_DIR), time
# first paint and sync, idle, measure.
run_deskchat() {
  local mode=$1 t0 t_window t_paint t_synced wid title
  t0=$(now)
  build/bin/deskchat >"$out/app-bench-$mode.log" 2>&1 &
  app=$!
  wid=$(wait_window 'deskchat$')
  t_window=$(now)
  # First paint of the UI: the sidebar's dark colour appears at its spot.
  until import -window "$wid" -crop 1x1+20+400 txt:- 2>/dev/null | grep -q 'srgb(17,24,39)'; do
    (($(ms "$t0" "$(now)") < 20000)) || { echo "app-bench: $mode: no UI painted" >&2; exit 1; }
    sleep 0.02
  done
  t_paint=$(now)
  # Synced: the title counts the unread conversations of the big helpdesk.
  until [[ $(xdotool getwindowname "$wid") =~ ^\(([0-9]+)\)\ deskchat$ ]] && ((BASH_REMATCH[1] >= n)); do
    (($(ms "$t0" "$(now)") < 300000)) || { echo "app-bench: $mode: not synced after 300 s" >&2; exit 1; }
    sleep 0.2
  done
  t_synced=$(now)
  title=$(xdotool getwindowname "$wid")
  sleep "$idle"
  measure "$mode"
  import -window "$wid" "$out/app-bench-$mode.png" || true
  stop "$app"
  app=''
  echo "app-bench: $mode: $n extra conversations; window mapped $(ms "$t0" "$t_window") ms after start, UI painted $(ms "$t0" "$t_paint") ms, synced ($title) $(ms "$t0" "$t_synced") ms"
}

for mode in $modes; do
  case $mode in
    bare)
      t0=$(now)
      "$bare" >"$out/app-bench-bare.log" 2>&1 &
      app=$!
      wid=$(wait_window '^bare$')
      echo "app-bench: bare: window mapped $(ms "$t0" "$(now)") ms after start"
      sleep "$idle"
      measure bare
      import -window "$wid" "$out/app-bench-bare.png" || true
      stop "$app"
      app=''
      ;;
    embedded)
      export DESKCHAT_CONFIG_DIR=$tmp/embedded
      mkdir -p "$DESKCHAT_CONFIG_DIR"
      cp "$seed" "$DESKCHAT_CONFIG_DIR/local-helpdesk.db"
      run_deskchat embedded
      ;;
    remote)
      cp "$seed" "$tmp/remote-server.db"
      port=$((20000 + RANDOM % 10000))
      ./bin/deskchat-server serve --db "$tmp/remote-server.db" --addr "127.0.0.1:$port" >"$out/app-bench-server.log" 2>&1 &
      server=$!
      until login=$(curl -sf -X POST -H 'Content-Type: application/json' \
        -d '{"email":"anna@deskchat.test","password":"deskchat-demo"}' "http://127.0.0.1:$port/v1/auth/login"); do
        kill -0 "$server" 2>/dev/null || { tail -n 20 "$out/app-bench-server.log" >&2; exit 1; }
        sleep 0.2
      done
      # A saved session: the app resumes it at start, as after a sign-in.
      export DESKCHAT_CONFIG_DIR=$tmp/remote
      mkdir -p -m 700 "$DESKCHAT_CONFIG_DIR"
      jq -n --argjson l "$login" --arg url "http://127.0.0.1:$port" \
        '{server_url: $url, token: $l.token, user_id: $l.user.id}' >"$DESKCHAT_CONFIG_DIR/config.json"
      run_deskchat remote
      stop "$server"
      server=''
      ;;
    *) echo "app-bench: unknown mode $mode" >&2; exit 2 ;;
  esac
done

# The table: PSS (Pss_Anon + Pss_File) in MB per process kind and mode;
# every line starts with app-bench (make bench keeps those).
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
echo "app-bench: idle PSS ${idle} s after the window (bare) or the sync, MB: total (Pss_Anon + Pss_File), $n extra conversations"
row() { # row LABEL KIND
  printf 'app-bench:   %-22s' "$1"
  for mode in $modes; do
    read -r p a f _ <<<"${cell[$mode,$2]}"
    printf ' %-24s' "$(mb "$p") ($(mb "$a") + $(mb "$f"))"
  done
  echo
}
printf 'app-bench:   %-22s' ""
for mode in $modes; do printf ' %-24s' "$mode"; done
echo
row "app process" app
row "WebKitWebProcess" web
row "WebKitNetworkProcess" network
row "total" total
if [[ $modes == *bare* ]]; then
  read -r floor _ <<<"${cell[bare,total]}"
  printf 'app-bench:   %-22s' "over the bare window"
  for mode in $modes; do
    read -r p _ <<<"${cell[$mode,total]}"
    printf ' %-24s' "$(awk -v a="$p" -v b="$floor" 'BEGIN { printf "%+.1f", (a - b) / 1024 }')"
  done
  echo
fi

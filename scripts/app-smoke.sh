#!/usr/bin/env bash
# Smoke-checks the built desktop app: starts build/bin/deskchat under Xvfb and a
# private D-Bus session, waits up to 20 s for its visible window, saves a
# screenshot, then stops the app. Exits non-zero when no window appears, or
# when the app's log has a line that looks like an error.
#
# Usage: scripts/app-smoke.sh [BINARY]   (default build/bin/deskchat)
# Env:   SMOKE_OUT=DIR keeps the screenshot and log there (default: a temp dir).
set -euo pipefail

cd "$(dirname "$0")/.."

bin=${1:-build/bin/deskchat}
title=deskchat
timeout_s=20
out=${SMOKE_OUT:-$(mktemp -d -t deskchat-smoke.XXXXXX)}
mkdir -p "$out"
# A fresh config directory: the app starts in local helpdesk mode (embedded
# server with demo data) exactly as on a new machine.
export DESKCHAT_CONFIG_DIR=${DESKCHAT_CONFIG_DIR:-$(mktemp -d -t deskchat-smoke-config.XXXXXX)}

[[ -x $bin ]] || { echo "app-smoke: $bin not found; run wails build first" >&2; exit 1; }

# Runs inside xvfb-run + dbus-run-session: start the app, find its window, capture it.
inner() {
  local bin=$1 title=$2 timeout_s=$3 out=$4 app wid status=0
  "$bin" >"$out/app.log" 2>&1 &
  app=$!
  if wid=$(timeout "$timeout_s" xdotool search --sync --onlyvisible --name "^(\([0-9]+\) )?$title\$" | head -n1) && [[ -n $wid ]]; then
    # Let the embedded helpdesk start, the sync finish and WebKit paint.
    for _ in $(seq 1 20); do grep -q "local helpdesk running" "$out/app.log" && break; sleep 0.5; done
    sleep 3
    import -window "$wid" "$out/window.png"
    echo "app-smoke: window $wid visible ($(xdotool getwindowgeometry "$wid" | tr -s ' \n' ' '))"
  else
    echo "app-smoke: no visible window titled '$title' within ${timeout_s}s" >&2
    status=1
  fi
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  return "$status"
}

status=0
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- bash -c "$(declare -f inner); inner \"\$@\"" inner \
  "$bin" "$title" "$timeout_s" "$out" || status=$?

# A newcomer's first run prints nothing that looks like an error.
if ((status == 0)) && grep -Ein 'error|fail|panic|KnownStructs|not found' "$out/app.log" >&2; then
  echo "app-smoke: the app's log has error-looking lines (above)" >&2
  status=1
fi
if ((status == 0)); then
  echo "app-smoke: ok, screenshot $out/window.png"
else
  echo "app-smoke: FAILED; app log:" >&2
  cat "$out/app.log" >&2 || true
fi
exit "$status"

#!/usr/bin/env bash
# End-to-end test of the agent app against its real Go bindings: runs
# `wails dev` (the real app process, its embedded helpdesk and sync engine)
# under Xvfb and a private D-Bus session with a real notification daemon
# (dunst) and a StatusNotifier watcher for the tray, then drives the UI it
# serves on http://localhost:34115 with Chromium (frontend/e2e/agent-app.e2e.mjs,
# then frontend/e2e/agent-layout.e2e.mjs: every screen at three window sizes,
# in English and German, with an axe-core check).
# Screenshots and logs go to E2E_OUT (default frontend/e2e/artifacts/agent).
#
# Then a second phase (frontend/e2e/agent-offline.e2e.mjs) takes the app
# offline and restarts it with its server down; E2E_PHASES=main or offline
# runs one.
#
# Usage: scripts/app-e2e.sh   (frontend/dist must be built: `make frontend`)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH)/bin"
export E2E_OUT=${E2E_OUT:-$PWD/frontend/e2e/artifacts/agent}
export DESKCHAT_SERVER=${DESKCHAT_SERVER:-$PWD/bin/deskchat-server} # the offline phase's server (make server)

if [[ ${1:-} != --inner ]]; then
  # One display and one bus for the app, dunst, the tray watcher and the test.
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- "$0" --inner
fi

mkdir -p "$E2E_OUT"
rm -f "$E2E_OUT"/*.png
export DESKCHAT_CONFIG_DIR
DESKCHAT_CONFIG_DIR=$(mktemp -d -t deskchat-e2e-config.XXXXXX)
pids=()
cleanup() {
  # SIGINT makes wails dev stop the app it started; the rest just go.
  if [[ -n ${wails_pid:-} ]]; then
    kill -INT "$wails_pid" 2>/dev/null || true
    wait "$wails_pid" 2>/dev/null || true
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$DESKCHAT_CONFIG_DIR"
}
trap cleanup EXIT

wait_for() { # wait_for SECONDS WHAT CMD...
  local limit=$1 what=$2 t0=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - t0 < limit)) || { echo "app-e2e: no $what after ${limit}s" >&2; return 1; }
    sleep 0.2
  done
}

dunst >"$E2E_OUT/dunst.log" 2>&1 &
pids+=($!)
wait_for 10 "notification daemon" bash -c "dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q true"
status-notifier-watcher >"$E2E_OUT/sni-watcher.log" 2>&1 &
pids+=($!)
wait_for 10 "StatusNotifier watcher" busctl --user status org.kde.StatusNotifierWatcher

# The port is fixed: another app serving it would be tested instead.
if curl -sf -o /dev/null http://localhost:34115/; then
  echo "app-e2e: something already serves localhost:34115 (another wails dev?)" >&2
  exit 1
fi

# Phases (E2E_PHASES, default both): main, the whole support flow on the
# app this script starts; offline, the app offline and restarted with its
# server down (the test starts and stops the app itself).
phases=${E2E_PHASES:-main offline}
if [[ $phases == *main* ]]; then
  # -s: frontend/dist is served from disk; -m: no go mod tidy. The first
  # start compiles the app with wails' dev flags (~90 s on 2 cores).
  t0=$SECONDS
  wails dev -m -s -skipbindings -noreload -nogorebuild -nocolour >"$E2E_OUT/wails-dev.log" 2>&1 &
  wails_pid=$!
  until curl -sf -o /dev/null http://localhost:34115/; do
    kill -0 "$wails_pid" 2>/dev/null || { tail -n 40 "$E2E_OUT/wails-dev.log" >&2; exit 1; }
    ((SECONDS - t0 < 600)) || { echo "app-e2e: wails dev not serving after 600 s" >&2; exit 1; }
    sleep 0.5
  done
  echo "app-e2e: wails dev serving after $((SECONDS - t0)) s"

  # The whole flow, then every screen at three sizes in English and German
  # (agent-layout), one after the other on the same app.
  # shellcheck disable=SC2086 # E2E_TEST may name several files
  (cd frontend && node --test --test-concurrency=1 --test-reporter=spec ${E2E_TEST:-e2e/agent-app.e2e.mjs e2e/agent-layout.e2e.mjs})

  # The real app window (wails dev shows it too, on the same bindings): a
  # screenshot of it after the flow, for the record.
  if wid=$(xdotool search --onlyvisible --name 'deskchat$' | head -n1) && [[ -n $wid ]]; then
    import -window "$wid" "$E2E_OUT/08-app-window.png" || true
  fi
  kill -INT "$wails_pid" 2>/dev/null || true
  wait "$wails_pid" 2>/dev/null || true
  wails_pid=
  wait_for 30 "the app to stop" bash -c '! curl -sf -o /dev/null http://localhost:34115/'
fi

if [[ $phases == *offline* ]]; then
  # A fresh app: its first start, then a sign-in to the test's server.
  rm -rf "$DESKCHAT_CONFIG_DIR"
  DESKCHAT_CONFIG_DIR=$(mktemp -d -t deskchat-e2e-config.XXXXXX)
  (cd frontend && node --test --test-reporter=spec e2e/agent-offline.e2e.mjs)
fi


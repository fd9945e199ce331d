#!/usr/bin/env bash
# Installs everything needed to build and test deskchat on Debian 12:
# system packages, the pinned Wails CLI and the frontend's npm packages.
# Idempotent: reruns skip whatever is already in place. Runs as root
# (or with sudo available) and never reads stdin.
set -euo pipefail

cd "$(dirname "$0")/.."

WAILS_VERSION=v2.16.0
APT_PACKAGES=(
  libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config build-essential
  xvfb xauth x11-utils xdotool imagemagick dbus-x11 dbus-daemon at-spi2-core
  chromium fonts-noto-color-emoji
  dunst libnotify-bin haskell-status-notifier-item-utils
  postgresql-15
)

log() { printf 'install-deps: %s\n' "$*"; }

export PATH="$PATH:/usr/local/go/bin"
export PATH="$PATH:$(go env GOPATH)/bin"

# --- Debian packages -------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
  log "apt: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq </dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
  log "apt: all ${#APT_PACKAGES[@]} packages present"
fi

# --- Wails CLI --------------------------------------------------------------
wails="$(go env GOPATH)/bin/wails"
have=""
[[ -x $wails ]] && have="$("$wails" version 2>/dev/null | head -n1 || true)"
if [[ $have == "$WAILS_VERSION" ]]; then
  log "wails: $WAILS_VERSION present"
else
  log "wails: installing $WAILS_VERSION"
  go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
fi

# --- frontend npm packages --------------------------------------------------
# node_modules/.deskchat-stamp holds a copy of the lock file it was installed from.
stamp=frontend/node_modules/.deskchat-stamp
if [[ -f frontend/package-lock.json ]]; then
  if cmp -s frontend/package-lock.json "$stamp"; then
    log "npm: node_modules up to date"
  else
    log "npm: npm ci"
    (cd frontend && npm ci --no-audit --no-fund </dev/null)
    cp frontend/package-lock.json "$stamp"
  fi
else
  log "npm: no package-lock.json, npm install"
  (cd frontend && npm install --no-audit --no-fund </dev/null)
fi

log "done"

#!/usr/bin/env bash
# p4lab set-up: installs whatever is missing (Debian packages, npm packages,
# native builds, images), then builds. Idempotent and quick when nothing changed,
# so `npm test` and `npm run demo` can run it every time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
log() { printf '[setup] %s\n' "$*"; }
export -f log

# 1. Debian packages, one apt transaction for everything listed.
mapfile -t wanted < <(grep -vE '^\s*(#|$)' scripts/apt-packages.txt | awk '{print $1}')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}; run set-up as root (apt-get install needs it)"; exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. npm packages, reinstalled only when the manifest or lock file changed.
stamp=node_modules/.p4lab-npm-stamp
sum=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  log "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
  echo "$sum" > "$stamp"
fi

# 3. Build: TypeScript (incremental), assets, the switch's bundle.
log "building"
npm run --silent build

# 4. Each component's own steps (native builds, services, images), in order.
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  bash "$step"
done
log "ready"

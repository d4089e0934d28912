#!/usr/bin/env bash
# Docker host backend: builds the container start shim, starts dockerd from
# Debian's docker.io when it is not running, and builds the host images whose
# recipes changed (cached by content hash, so this is quick when nothing did).
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/../..}"
declare -F log >/dev/null || log() { printf '[setup] %s\n' "$*"; }

shim_src=kernel-lib/emulation/docker/hold.c
shim=build/emulation/p4lab-hold
if [ ! -x "$shim" ] || [ "$shim_src" -nt "$shim" ]; then
  log "building $shim"
  mkdir -p "$(dirname "$shim")"
  gcc -static -O2 -o "$shim" "$shim_src"
fi

if ! command -v dockerd >/dev/null; then
  log "dockerd is missing (Debian package docker.io); Docker hosts are unavailable"
  exit 0
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/p4lab-dockerd.log)"
  # p4lab's containers use NetworkMode none, so dockerd needs no bridge or
  # iptables rules of its own.
  setsid dockerd --bridge=none --iptables=false --ip6tables=false \
    >/var/log/p4lab-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 $! 2>/dev/null || { log "dockerd exited: $(tail -n 5 /var/log/p4lab-dockerd.log)"; exit 0; }
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not answer within 30 s; see /var/log/p4lab-dockerd.log"; exit 0; }
fi

node bin/p4lab.js images build || log "building the host images failed (see above); Docker hosts need them: rerun \`p4lab images build\` once Debian's mirror is reachable"

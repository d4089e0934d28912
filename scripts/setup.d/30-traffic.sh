#!/usr/bin/env bash
# Builds the native traffic tools (static, so they run unchanged inside any
# namespace or container) into build/bin, only when their sources changed.
set -euo pipefail
self=$(realpath "$0")
cd "${ROOT:-$(dirname "$self")/../..}"
src=kernel-lib/traffic/native
out=build/bin
mkdir -p "$out"
stamp=$out/.traffic-stamp
sum=$(cat "$src"/*.c "$src"/*.h "$self" | sha256sum | cut -d' ' -f1)
if [ -x "$out/p4lab-send" ] && [ -x "$out/p4lab-recv" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  exit 0
fi
echo "[setup] building p4lab-send and p4lab-recv"
flags=(-O2 -static -Wall -Wextra -Werror -std=gnu11)
gcc "${flags[@]}" -o "$out/p4lab-send" "$src/send.c" -lm
gcc "${flags[@]}" -o "$out/p4lab-recv" "$src/recv.c"
echo "$sum" > "$stamp"

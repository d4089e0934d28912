#!/usr/bin/env bash
# Builds the native addon (AF_PACKET ports, precise timer), the load generator
# and the reference forwarder from kernel-lib/native with node-gyp, then
# installs them into build/native/. Skipped when the sources have not changed since the last build.
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/../..}"
src=kernel-lib/native
out=build/native
stamp=$out/.stamp
sum=$(cat "$src/binding.gyp" "$src"/src/* | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -f "$out/p4lab_native.node" ]; then
  exit 0
fi
echo "[setup] building the native addon ($src)"
args=(rebuild --directory="$src" --loglevel=error)
# Debian's nodejs ships its headers; use them rather than downloading any.
[ -f /usr/include/node/node_api.h ] && args+=(--nodedir=/usr)
npx --no-install node-gyp "${args[@]}" >/dev/null
mkdir -p "$out"
# Copy then rename: a running switch or load generator keeps its old file.
for f in p4lab_native.node p4lab_pktgen p4lab_reference_forwarder; do
  cp "$src/build/Release/$f" "$out/.$f.new"
  mv -f "$out/.$f.new" "$out/$f"
done
echo "$sum" > "$stamp"

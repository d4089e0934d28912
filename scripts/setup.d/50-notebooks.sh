#!/usr/bin/env bash
# Notebooks: registers the tslab kernel (TypeScript) with Debian's Jupyter,
# pointing at this checkout's tslab, and lets notebook cells `import … from 'p4lab'`.
set -euo pipefail
cd "$ROOT"

# tslab type-checks cells with Node10 module resolution, which ignores a
# package's self-reference: it finds p4lab (and its "types") through node_modules.
[ "$(readlink node_modules/p4lab 2>/dev/null)" = ".." ] || ln -sfn .. node_modules/p4lab

binary=$ROOT/node_modules/.bin/tslab
# Two registrations of the same kernel: this checkout's own, which
# `p4lab notebook run` puts first on JUPYTER_PATH so a run never starts another
# checkout's tslab, and the system-wide one for `jupyter lab` (the last
# checkout set up wins there).
register() { # $1: kernel.json path, then tslab install options
  local spec=$1; shift
  if [ -f "$spec" ] && grep -qF "\"$binary\"" "$spec"; then return 0; fi
  log "registering the tslab Jupyter kernel ($spec)"
  # Debian's python3 has Jupyter; a python3 earlier on PATH (pyenv) may not.
  PATH=/usr/bin:$PATH npx tslab install --python=/usr/bin/python3 --binary="$binary" "$@" >/dev/null
}
register "$ROOT/build/jupyter/share/jupyter/kernels/tslab/kernel.json" --prefix="$ROOT/build/jupyter"
register /usr/local/share/jupyter/kernels/tslab/kernel.json

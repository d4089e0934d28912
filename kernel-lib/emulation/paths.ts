// Places on the machine emulation uses: the repository (for the traffic tools
// and the container shim) and the run directory that lets a network outlive
// the process that started it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The p4lab checkout, found from this module (works from dist/ and from sources). */
export const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'p4lab') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('p4lab: cannot find the repository root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
})();

/** Static traffic tools (built by set-up). */
export const TOOL_DIR = join(REPO_ROOT, 'build', 'bin');
/** Where Docker hosts see the traffic tools (mounted read-only). */
export const CONTAINER_TOOL_DIR = '/opt/p4lab/bin';
/** The container start shim (scripts/setup.d/40-docker.sh builds it). */
export const HOLD_SHIM = join(REPO_ROOT, 'build', 'emulation', 'p4lab-hold');
/** Recipes of the host images. */
export const CONTAINERS_DIR = join(REPO_ROOT, 'containers');

/** State of running networks: /run/p4lab/<network>/. */
export const RUN_ROOT = '/run/p4lab';
export function runDir(network: string): string {
  return join(RUN_ROOT, network);
}

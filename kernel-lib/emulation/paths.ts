// Places on the machine emulation uses: the repository (for the traffic tools
// and the container shim) and the run directory that lets a network outlive
// the process that started it.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** Static traffic tools (built by set-up). */
export const TOOL_DIR = join(PACKAGE_ROOT, 'build', 'bin');
/** Where Docker hosts see the traffic tools (mounted read-only). */
export const CONTAINER_TOOL_DIR = '/opt/p4lab/bin';
/** The container start shim (scripts/setup.d/40-docker.sh builds it). */
export const HOLD_SHIM = join(PACKAGE_ROOT, 'build', 'emulation', 'p4lab-hold');
/** Recipes of the host images. */
export const CONTAINERS_DIR = join(PACKAGE_ROOT, 'containers');

/** State of running networks: /run/p4lab/<network>/. */
export const RUN_ROOT = '/run/p4lab';
export function runDir(network: string): string {
  return join(RUN_ROOT, network);
}

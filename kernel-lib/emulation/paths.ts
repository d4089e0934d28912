// Places on the machine emulation uses: the container shim and recipes in the
// repository, and the run directory that lets a network outlive the process
// that started it. (The traffic tools' directory is traffic/host.ts's TOOL_DIR.)
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

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

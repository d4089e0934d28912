// Where traffic tools run. Topology emulation (namespaces, containers)
// implements TrafficHost; the traffic layer only needs to start a process
// inside the host and to name files of the machine as the host sees them.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

export interface TrafficHost {
  readonly name: string;
  /** Directory, as seen inside the host, holding p4lab-send and p4lab-recv. */
  readonly toolDir: string;
  /** Starts argv inside the host, stdio piped. */
  spawn(argv: string[]): ChildProcess;
  /**
   * The path under which the host sees a file of the machine (identity for a
   * namespace; through a bind mount for a container). Traces and captures are
   * named by their machine path and handed to the tools through this.
   */
  hostPath(path: string): string;
}

/** build/bin of this checkout, where set-up puts the native traffic tools. */
export const TOOL_DIR = path.join(PACKAGE_ROOT, 'build', 'bin');

/** A plain network namespace: `ip netns exec NAME …`, sharing the file system. */
export class NetnsTrafficHost implements TrafficHost {
  readonly toolDir = TOOL_DIR;

  constructor(readonly name: string) {}

  spawn(argv: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  hostPath(path: string): string {
    return path;
  }
}

/** The machine's own network stack (loopback tests, benches). */
export class LocalTrafficHost implements TrafficHost {
  readonly name = 'local';
  readonly toolDir = TOOL_DIR;

  spawn(argv: string[]): ChildProcess {
    const [cmd, ...args] = argv;
    return spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  hostPath(path: string): string {
    return path;
  }
}

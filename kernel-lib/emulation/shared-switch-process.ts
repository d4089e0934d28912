// Processes of p4lab's switch that host several devices of a network
// (`p4lab switch --devices FILE`). A switch process costs ~220 ms of CPU and
// ~74 MiB to start, mostly loading Node modules; a device in a running one
// costs only its own state. Packing switches into one process per core keeps
// every core forwarding while paying the start-up a few times, not N times.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { P4labError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { lastLines, startProcess, type ManagedProcess } from './processes.js';
import { waitForLine } from './wait-for-line.js';

export interface DeviceSpec {
  deviceId: number;
  /** Port number → interface. */
  ports: Map<number, string>;
  cpuPort?: number;
  pcap?: string;
  /** The device's own log (its process's output goes to the process's log). */
  logFile: string;
}

const START_DEADLINE_MS = 60_000;

export class SharedSwitchProcess {
  private constructor(
    readonly proc: ManagedProcess,
    private readonly devices: DeviceSpec[],
  ) {}

  /**
   * Starts one process for `devices`; its device file and output go to
   * logDir as `switch-process.<name>.json` and `.log` (node names hold no
   * dot, so these never clash with a node's own log).
   */
  static start(network: string, name: string, devices: DeviceSpec[], logDir: string): SharedSwitchProcess {
    const base = join(logDir, `switch-process.${name}`);
    const file = `${base}.json`;
    const spec = devices.map((d) => ({
      'device-id': d.deviceId,
      interface: [...d.ports].map(([port, ifname]) => `${port}@${ifname}`),
      ...(d.cpuPort !== undefined ? { 'cpu-port': d.cpuPort } : {}),
      ...(d.pcap !== undefined ? { pcap: d.pcap } : {}),
      'log-file': d.logFile,
    }));
    writeFileSync(file, JSON.stringify(spec, null, 2) + '\n');
    const argv = [process.execPath, join(PACKAGE_ROOT, 'bin', 'p4lab.js'), 'switch', '--devices', file];
    // The switch makes no TLS connection, and Node parses NODE_EXTRA_CA_CERTS's
    // certificates at start-up: ~40 ms of CPU per process where it is set.
    return new SharedSwitchProcess(startProcess(network, `switch process ${name}`, argv, `${base}.log`, { NODE_EXTRA_CA_CERTS: undefined }), devices);
  }

  /** Resolves with the device's gRPC address once it is ready; rejects with its log lines if it failed or the process died. */
  async ready(deviceId: number, what: string): Promise<string> {
    const m = await waitForLine(this.proc, new RegExp(`^p4lab-switch (ready|failed) device=${deviceId}\\b(?: grpc=(\\S+)|: (.*))?`, 'm'), START_DEADLINE_MS, what);
    if (m[1] === 'ready') return m[2]!;
    throw new P4labError(`${what} failed to start: ${m[3] ?? 'no reason given'}; its last output:\n  ${this.report(deviceId)}`, `see the full logs in ${this.logOf(deviceId)} and ${this.proc.logFile}`);
  }

  /** The device's last log lines, then the process's own output (its errors, a crash's stack), indented for a message. */
  report(deviceId: number): string {
    const own = lastLines(readOr(this.logOf(deviceId)), 10);
    const shared = lastLines(this.proc.output().split('\n').filter((l) => !l.startsWith('p4lab-switch ')).join('\n'), 10);
    return [own, shared].filter(Boolean).join('\n').replace(/\n/g, '\n  ') || '(none)';
  }

  logOf(deviceId: number): string {
    return this.devices.find((d) => d.deviceId === deviceId)!.logFile;
  }
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** How many switch processes a network starts by default: one per core, so packet processing uses every core. */
export const DEFAULT_SWITCH_PROCESSES = availableParallelism();

/** Deals items round-robin into at most `count` non-empty groups. */
export function pack<T>(items: T[], count: number): T[][] {
  const groups: T[][] = Array.from({ length: Math.min(items.length, Math.max(1, count)) }, () => []);
  items.forEach((item, i) => groups[i % groups.length]!.push(item));
  return groups;
}

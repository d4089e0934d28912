// The run directory of a network, /run/p4lab/<network>/: the resolved
// topology with pids, namespaces and containers (state.json) and the logs, so
// `p4lab exec`, `inspect` and `down` find a network that `p4lab up` started
// and then exited.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { P4labError } from '../errors.js';
import type { LinkEmulation } from './link-params.js';
import { RUN_ROOT, runDir } from './paths.js';

export interface NodeState {
  name: string;
  kind: 'host' | 'p4switch' | 'bridge';
  backend?: 'netns' | 'docker';
  namespace?: string;
  containerId?: string;
  /** Switch process, or a Docker host's first process. */
  pid?: number;
  grpc?: string;
  deviceId?: number;
  ip?: string;
  mac?: string;
  log?: string;
}

export interface LinkState {
  a: string;
  b: string;
  portA: number;
  portB: number;
  /** Interface names at each end (inside the host for hosts). */
  ifA: string;
  ifB: string;
  emulation: LinkEmulation;
  up: boolean;
}

export interface NetworkState {
  name: string;
  /** Pid of the process that started the network. */
  pid: number;
  started: string;
  nodes: NodeState[];
  links: LinkState[];
}

export function stateFile(network: string): string {
  return join(runDir(network), 'state.json');
}

export function logDir(network: string): string {
  return join(runDir(network), 'logs');
}

export function createRunDir(network: string): void {
  mkdirSync(logDir(network), { recursive: true });
}

/** Written atomically (rename), so a reader never sees half a file. */
export function writeState(state: NetworkState): void {
  const file = stateFile(state.name);
  writeFileSync(file + '.tmp', JSON.stringify(state, null, 2) + '\n');
  renameSync(file + '.tmp', file);
}

export function readState(network: string): NetworkState {
  const file = stateFile(network);
  if (!existsSync(file)) {
    throw new P4labError(`no running network named ${network}`, `start it with \`p4lab up TOPOLOGY\`; running networks: ${runningNetworks().join(', ') || '(none)'}`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as NetworkState;
}

/** Networks with a run directory. */
export function runningNetworks(): string[] {
  if (!existsSync(RUN_ROOT)) return [];
  return readdirSync(RUN_ROOT).filter((n) => existsSync(stateFile(n))).sort();
}

/** The network a CLI command means: the one named, or the only one running. */
export function resolveNetwork(name: string | undefined): string {
  if (name !== undefined) return name;
  const running = runningNetworks();
  if (running.length === 1) return running[0]!;
  throw new P4labError(
    running.length === 0 ? 'no network is running' : `${running.length} networks are running (${running.join(', ')})`,
    running.length === 0 ? 'start one with `p4lab up TOPOLOGY`' : 'name one with --net NAME',
  );
}

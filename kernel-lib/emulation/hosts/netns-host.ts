// A host that is a Linux network namespace, `p4lab.<network>.<host>`:
// processes run on the machine's filesystem, inside the namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { HOST_ENV, PROCESS_ENV, namespaceName } from '../naming.js';
import { ManagedProcess, processesOfNetwork, startProcess } from '../processes.js';
import { run, runRaw } from '../run.js';
import { TOOL_DIR } from '../../traffic/host.js';
import { commandArgv, hostCommandError, type EmuHost, type ExecOptions, type ExecResult } from './host.js';

export class NetnsHost implements EmuHost {
  readonly backend = 'netns';
  readonly namespace: string;
  readonly toolDir = TOOL_DIR;
  #spawned = 0;
  /** What this host started and still runs: destroy kills these by pid too, as the environment scan misses a process caught mid-exec. */
  readonly #children = new Set<ChildProcess>();

  constructor(
    readonly network: string,
    readonly name: string,
    readonly logDir: string,
    readonly env: Record<string, string> = {},
  ) {
    this.namespace = namespaceName(network, name);
  }

  get netnsPath(): string {
    return `/run/netns/${this.namespace}`;
  }

  /** `ip netns add` lines for one batch with the other hosts. */
  createLines(): string[] {
    return [`netns add ${this.namespace}`];
  }

  /** Kills the host's processes (a namespace outlives its deletion while they run) and deletes it. */
  async destroy(): Promise<void> {
    const started = [...this.#children].map((c) => c.pid!);
    for (const pid of new Set([...started, ...processesOfNetwork(this.network, this.name)])) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
    }
    await run(`removing host ${this.name}`, ['ip', 'netns', 'del', this.namespace]);
  }

  #track(child: ChildProcess): ChildProcess {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      this.#children.add(child);
      child.once('exit', () => this.#children.delete(child));
    }
    return child;
  }

  /** Tags the host's processes, so cleanup and destroy find them. */
  #tags(): Record<string, string> {
    return { [PROCESS_ENV]: this.network, [HOST_ENV]: this.name };
  }

  #argv(cmd: string | string[]): string[] {
    return ['ip', 'netns', 'exec', this.namespace, 'env', ...Object.entries(this.env).map(([k, v]) => `${k}=${v}`), ...commandArgv(cmd)];
  }

  async exec(cmd: string | string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await runRaw(this.#argv(cmd), { env: { ...process.env, ...this.#tags() } });
    if (r.code !== 0 && opts.check !== false) throw hostCommandError(this.name, cmd, r);
    return r;
  }

  spawn(argv: string[]): ChildProcess {
    const full = this.#argv(argv);
    return this.#track(spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.#tags() } }));
  }

  background(cmd: string | string[]): ManagedProcess {
    const log = join(this.logDir, `${this.name}.${++this.#spawned}.log`);
    const proc = startProcess(this.network, `host ${this.name}`, this.#argv(cmd), log, this.#tags());
    this.#track(proc.child);
    return proc;
  }

  hostPath(path: string): string {
    return path;
  }
}

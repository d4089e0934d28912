// Processes a network starts (switches, commands spawned in hosts): detached,
// so a network started by `p4lab up` outlives the CLI; output goes to a log
// file; tagged with the network's name in their environment so cleanup finds
// them even when no pid file survived.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { P4labError } from '../errors.js';
import { HOST_ENV, PROCESS_ENV } from './naming.js';

/** A process running for a network, with its log. */
export class ManagedProcess {
  /** Resolves with the exit code (or 128 + signal number) when the process ends. */
  readonly exited: Promise<number>;
  #exitCode: number | undefined;

  constructor(
    readonly what: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
        resolve(this.#exitCode);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Undefined while running. */
  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /** Everything the process wrote so far (stdout and stderr interleaved). */
  output(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  /** The last `n` lines of output, for error messages. */
  tail(n = 10): string {
    return lastLines(this.output(), n);
  }

  /**
   * Signals the process's whole group (it leads one, being detached), so
   * children it forked die too (nsenter forks into a container's pid
   * namespace and would not pass the signal on). Resolves once it exited.
   */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    if (this.#exitCode === undefined) {
      this.child.ref(); // keep Node alive until the exit is seen
      try {
        process.kill(-this.pid, signal);
      } catch {
        /* the group is gone already */
      }
    }
    return this.exited;
  }
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * Starts argv detached, output appended to logFile, environment tagged with
 * the network's name; `env` adds variables to this process's, and removes
 * those it sets to undefined. The caller must not keep Node alive only for it
 * (the child is unref'd): a notebook may exit and leave the network running.
 */
export function startProcess(network: string, what: string, argv: string[], logFile: string, env: Record<string, string | undefined> = {}): ManagedProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env, [PROCESS_ENV]: network },
    });
    child.unref();
    const proc = new ManagedProcess(what, child, logFile);
    child.on('error', () => {}); // surfaced through `exited` (ENOENT gives no pid)
    if (child.pid === undefined) {
      throw new P4labError(`${what}: cannot start ${argv[0]}`, `check that ${argv[0]} is installed and on PATH`);
    }
    return proc;
  } finally {
    closeSync(fd);
  }
}

/** Pids of every process whose environment carries the network's tag (and the host's, when given). */
export function processesOfNetwork(network: string | undefined, host?: string): number[] {
  const tags = [network === undefined ? `${PROCESS_ENV}=` : `${PROCESS_ENV}=${network}\0`, ...(host === undefined ? [] : [`${HOST_ENV}=${host}\0`])];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = '\0' + readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    if (tags.every((t) => environ.includes('\0' + t))) pids.push(Number(entry));
  }
  return pids;
}

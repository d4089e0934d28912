// What every emulated host offers, whatever runs it (a network namespace or a
// Docker container): commands, long-running processes with logs, and the
// network namespace p4lab wires its interfaces into.
import type { ChildProcess } from 'node:child_process';
import { P4labError } from '../../errors.js';
import type { TrafficHost } from '../../traffic/host.js';
import { lastLines } from '../processes.js';

export type HostBackend = 'netns' | 'docker';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface ExecOptions {
  /** Return a failing command's result instead of throwing (default: throw). */
  check?: boolean;
}

/** A process started in a host with `background`. */
export interface HostProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (128 + signal when killed). */
  readonly exited: Promise<number>;
  /** Undefined while running. */
  readonly exitCode: number | undefined;
  output(): string;
  tail(n?: number): string;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

export interface EmuHost extends TrafficHost {
  readonly name: string;
  readonly backend: HostBackend;
  /** Path of the host's network namespace (for nsenter --net). */
  readonly netnsPath: string;
  /** Where argv[0] of spawn/exec is looked up for p4lab's traffic tools inside the host. */
  readonly toolDir: string;
  /** Runs a command (a string goes through sh -c) and waits for it. */
  exec(cmd: string | string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Starts argv in the host with stdio piped (what traffic tools use). */
  spawn(argv: string[]): ChildProcess;
  /**
   * Starts a long-running command detached, its output in a log file under
   * the network's run directory; it keeps running if this process exits.
   */
  background(cmd: string | string[]): HostProcess;
  /** The path under which the host sees a file of the machine. */
  hostPath(path: string): string;
}

/** argv for a command given as a string (through the shell) or as argv. */
export function commandArgv(cmd: string | string[]): string[] {
  if (typeof cmd === 'string') return ['sh', '-c', cmd];
  if (cmd.length === 0) throw new P4labError('empty command', 'pass a command string or a non-empty argv array');
  return cmd;
}

/** The error for a host command that failed: which host, what, and why. */
export function hostCommandError(host: string, cmd: string | string[], r: ExecResult): P4labError {
  const shown = typeof cmd === 'string' ? cmd : cmd.join(' ');
  const why = lastLines(r.stderr || r.stdout, 5) || '(no output)';
  return new P4labError(`host ${host}: command \`${shown}\` failed with exit status ${r.code}\n  ${why.replace(/\n/g, '\n  ')}`);
}

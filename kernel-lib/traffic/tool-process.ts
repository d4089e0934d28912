// A traffic tool running inside a host: its output, readiness and exit.
import type { ChildProcess } from 'node:child_process';
import { P4labError } from '../errors.js';

const KEEP_BYTES = 16384; // enough for the tools' messages; bounded so a noisy tool cannot grow memory

export class ToolProcess {
  #stdout = '';
  #stderr = '';
  #terminated = false;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly label: string, readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (s: string) => { this.#stdout = (this.#stdout + s).slice(-KEEP_BYTES); });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => { this.#stderr = (this.#stderr + s).slice(-KEEP_BYTES); });
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => { this.#stderr += String(e); });
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
  }

  get stdout(): string { return this.#stdout; }
  get stderr(): string { return this.#stderr.trim(); }

  /** Resolves once stdout (or stderr) matches `pattern`; fails if the tool exits first or after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs: number, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    const source = stream === 'stdout' ? this.child.stdout : this.child.stderr;
    return new Promise((resolve, reject) => {
      const has = () => pattern.test(stream === 'stdout' ? this.#stdout : this.#stderr);
      if (has()) return resolve();
      const onData = () => { if (has()) finish(); };
      const timer = setTimeout(() => finish(this.failure(`did not print ${pattern} within ${timeoutMs} ms`)), timeoutMs);
      const finish = (err?: Error) => {
        clearTimeout(timer);
        source?.off('data', onData);
        if (err) reject(err); else resolve();
      };
      // Registered after the constructor's listener, so the buffer is up to date here.
      source?.on('data', onData);
      void this.exited.then(() => { if (!has()) finish(this.failure('exited before it was ready')); });
    });
  }

  /** The tool's last stdout line parsed as JSON (its summary). */
  async summary<T>(): Promise<T> {
    const { code, signal } = await this.exited;
    const last = this.#stdout.trim().split('\n').pop() ?? '';
    // A wrapper (nsenter) may die of the SIGTERM we sent while the tool, told by
    // its parent-death signal, still finishes and prints its summary.
    const stoppedByUs = signal === 'SIGTERM' && this.#terminated && last.startsWith('{');
    if (code !== 0 && !stoppedByUs) throw this.failure(signal ? `was killed by ${signal}` : `exited with code ${code}`);
    try {
      return JSON.parse(last) as T;
    } catch {
      throw this.failure(`printed no summary (last output: ${JSON.stringify(last)})`);
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (sig === 'SIGTERM') this.#terminated = true;
    this.child.kill(sig);
  }

  failure(what: string): P4labError {
    return new P4labError(`${this.label} ${what}${this.stderr ? `: ${this.stderr}` : ''}`,
      /not found|No such file/.test(this.stderr) ? 'build the traffic tools with `npm run setup` (scripts/setup.d/30-traffic.sh)' : undefined);
  }
}

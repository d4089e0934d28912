// Waiting for a process to say it is ready, by watching its log file
// (inotify) rather than sleeping, and failing at once if it dies first.
import { watch, readFileSync } from 'node:fs';
import { P4labError } from '../errors.js';
import type { HostProcess } from './hosts/host.js';

/**
 * Resolves with the first log line matching `pattern`. Rejects with the log's
 * last lines when the process exits first, or when `deadlineMs` passes
 * (a bound on a hung process, not a wait).
 */
export function waitForLine(proc: HostProcess, pattern: RegExp, deadlineMs: number, what = `process ${proc.pid}`): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, m?: RegExpExecArray): void => {
      if (done) return;
      done = true;
      watcher.close();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(m!);
    };
    const check = (): void => {
      const m = pattern.exec(readFileSync(proc.logFile, 'utf8'));
      if (m) finish(undefined, m);
    };
    const watcher = watch(proc.logFile, check);
    const timer = setTimeout(
      () => finish(new P4labError(`${what} did not become ready within ${deadlineMs / 1000} s; its last output:\n  ${proc.tail().replace(/\n/g, '\n  ')}`, `see the full log in ${proc.logFile}`)),
      deadlineMs,
    );
    void proc.exited.then((code) =>
      finish(new P4labError(`${what} exited (status ${code}) before it was ready; its last output:\n  ${proc.tail().replace(/\n/g, '\n  ') || '(none)'}`, `see the full log in ${proc.logFile}`)),
    );
    check(); // it may have been written before the watch began
  });
}

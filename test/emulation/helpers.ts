// Shared by the emulation tests: running the built CLI and child scripts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../kernel-lib/package-root.js';

export const CLI = join(PACKAGE_ROOT, 'bin', 'p4lab.js');

/** The CLI and fixtures run the build in dist/ (`npm test` builds it first). */
export function requireBuild(): void {
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'kernel-lib', 'emulation', 'network.js'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runNode(argv: string[], cwd = PACKAGE_ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export function p4lab(...args: string[]): Promise<CliResult> {
  return runNode([CLI, ...args]);
}

/** Resolves when the child prints a line matching `pattern`; rejects if it exits first. */
export function waitForStdout(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (pattern.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited (${code}) before printing ${pattern}:\n${out}\n${err}`)));
  });
}

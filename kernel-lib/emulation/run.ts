// Runs the system tools emulation drives (ip, tc, nsenter, docker) and turns
// their failures into errors that say what p4lab was doing.
import { spawn } from 'node:child_process';
import { P4labError } from '../errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Working directory of the command. */
  cwd?: string;
}

/** Runs argv to completion; never throws for a non-zero exit (see `run`). */
export function runRaw(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new P4labError(`${argv[0]} is not installed`, 'run `npm run setup` (it installs the Debian packages p4lab needs)')
          : e,
      );
    });
    child.on('close', (code, signal) => {
      resolve({
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        code: code ?? (signal ? 128 : 1),
      });
    });
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs argv; a non-zero exit becomes a P4labError saying what failed and why. */
export async function run(what: string, argv: string[], opts: RunOptions = {}): Promise<string> {
  const r = await runRaw(argv, opts);
  if (r.code !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim() || `exit status ${r.code}`).split('\n').slice(-5).join('\n  ');
    throw new P4labError(`${what} failed: ${argv.join(' ')}\n  ${why}`);
  }
  return r.stdout;
}

/** argv run inside a network namespace (nsenter --net), or as is for the root namespace. */
export function inNetns(netnsPath: string | undefined, argv: string[]): string[] {
  return netnsPath ? ['nsenter', `--net=${netnsPath}`, ...argv] : argv;
}

/**
 * Runs many iproute2 commands in one `ip -batch` process (one fork instead of
 * dozens). `netnsPath` runs them inside that network namespace.
 */
export async function ipBatch(what: string, lines: string[], netnsPath?: string): Promise<void> {
  if (lines.length === 0) return;
  await run(what, inNetns(netnsPath, ['ip', '-batch', '-']), { input: lines.join('\n') + '\n' });
}

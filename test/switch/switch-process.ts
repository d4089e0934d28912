// Starts the real `p4lab switch` process (from the build in dist/) and waits
// for its ready line; stop() sends SIGTERM and returns the exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/p4lab.js', import.meta.url));
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/bmv2/', import.meta.url));

export interface RunningSwitch {
  proc: ChildProcess;
  readyLine: string;
  address: string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startSwitch(args: string[]): Promise<RunningSwitch> {
  const proc = spawn(process.execPath, [BIN, 'switch', '--grpc-server-addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('p4lab-switch ready'));
      if (!line) return;
      resolve({
        proc,
        readyLine: line,
        address: /grpc=(\S+)/.exec(line)![1],
        stderr: () => err,
        stop: async (signal = 'SIGTERM') => {
          proc.kill(signal);
          return exited;
        },
      });
    });
    exited.then((code) => reject(new Error(`switch exited (${code}) before it was ready: ${err}`)));
  });
}

/** Runs the switch expecting it to fail; returns exit code and output. */
export function runSwitchToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, 'switch', '--grpc-server-addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A switch that wrongly starts would run forever: stop it so the test fails instead of hanging.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    proc.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}

// `p4lab runtime`: a command file applied to the real switch process by the
// real CLI process; the result read back over P4Runtime.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import { bmv2, p4info } from './client-program.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let proc: ChildProcess;
let address = '';
let dir = '';
let sw: Switch;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r2cli'));
  proc = spawn(process.execPath, ['bin/p4lab.js', 'switch', '--no-p4', '--device-id', '1', '--grpc-server-addr', '127.0.0.1:0', '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  address = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /p4lab-switch ready .*grpc=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`switch exited (${code})`)));
  });
  sw = await Switch.connect(address, { deviceId: 1, electionId: 1 });
  await sw.push({ p4info, bmv2 });
});

afterAll(async () => {
  await sw?.close();
  proc?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runtime(file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/p4lab.js', 'runtime', '--address', address, '--device-id', '1', '--election-id', '5', file], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('p4lab runtime', () => {
  it('applies a command file and prints what read commands return', async () => {
    const file = join(dir, 's1-commands.txt');
    writeFileSync(file, 'table_add ipv4_lpm ipv4_forward 10.0.1.0/24 => 00:00:00:00:01:02 1\nregister_write pkt_count 2 77\nregister_read pkt_count 2\n');
    const r = runtime(file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Entry has been added with handle 0\nMyIngress.pkt_count[2]= 77\n');
    expect(await sw.table('ipv4_lpm').read()).toMatchObject([{ params: { port: 1n } }]);
    // The CLI left; this client is primary again.
    await sw.waitForPrimary();
  });

  it('stops at the first bad line and names it', () => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, 'register_write pkt_count 3 1\nregister_write pkt_cnt 3 1\n');
    const r = runtime(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`p4lab: ${file} line 2: register_write pkt_cnt 3 1: no register named 'pkt_cnt'`);
    expect(r.stderr).toContain("did you mean 'MyIngress.pkt_count'?");
  });

  it('explains an unreachable switch', () => {
    const r = spawnSync(process.execPath, ['bin/p4lab.js', 'runtime', '--address', '127.0.0.1:1', '--connect-timeout', '300', join(dir, 'bad.txt')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^p4lab: switch 127\.0\.0\.1:1: not reachable within 300 ms\n {2}fix: start the switch first/);
  });
});

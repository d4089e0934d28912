// The same calls against a real BMv2 (simple_switch_grpc): table writes over
// P4Runtime, registers and queues through its Thrift CLI. Runs only where BMv2
// is installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch, ThriftCli } from '../../kernel-lib/p4runtime/client/index.js';
import { bmv2, p4info } from './client-program.js';

const present = ThriftCli.available('simple_switch_grpc') && ThriftCli.available('simple_switch_CLI');
const id = process.pid % 10000;
const grpcPort = 20000 + id;
const thriftPort = 30000 + id;

describe.skipIf(!present)('a real BMv2 (needs simple_switch_grpc and simple_switch_CLI on PATH; absent here)', () => {
  let proc: ChildProcess;
  let dir: string;
  let sw: Switch;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'r2bm'));
    writeFileSync(join(dir, 'rt.json'), JSON.stringify(bmv2));
    proc = spawn('simple_switch_grpc', ['--no-p4', '--device-id', '1', '--thrift-port', String(thriftPort), '--', `--grpc-server-addr=127.0.0.1:${grpcPort}`, '--cpu-port', '64'], { stdio: 'ignore' });
    sw = await Switch.connect(`127.0.0.1:${grpcPort}`, { deviceId: 1, thrift: { port: thriftPort }, connectTimeoutMs: 20_000 });
    await sw.push({ p4info, bmv2 });
  });

  afterAll(async () => {
    await sw?.close();
    proc?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers go through the Thrift CLI, tables through P4Runtime', async () => {
    await sw.register('pkt_count').write(3, 42);
    expect(await sw.register('pkt_count').read(3)).toBe(42n);
    await sw.runCommands('table_add ipv4_lpm ipv4_forward 10.0.1.0/24 => 00:00:00:00:01:02 2\nregister_write pkt_count 4 7');
    expect(await sw.register('pkt_count').readRange({ from: 3, to: 4 })).toEqual([42n, 7n]);
    expect(await sw.table('ipv4_lpm').read()).toHaveLength(1);
    await sw.setQueueRate(100, 2);
    await sw.setQueueDepth(32);
  });
});

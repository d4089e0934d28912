// P4Runtime client figures: table-entry insert rate in batches of 1 and 1000
// (the client sends a batch as Writes of at most 250 updates, two in flight),
// a whole-register read of 1024 cells, reads of 32-cell ranges, and the round trip of a single write.
// The switch (R1's P4Runtime service over S1's engine) runs in a child process,
// so client and switch each have a core.  Run: node dist/bench/runtime.js
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { Switch } from '../kernel-lib/p4runtime/client/index.js';
import { addP4RuntimeService } from '../kernel-lib/p4runtime/server/index.js';
import { Dataplane } from '../kernel-lib/switch/engine/dataplane.js';
import type { P4Info } from '../kernel-lib/p4info/types.js';
import type { Bmv2Json } from '../kernel-lib/bmv2/json-format.js';

const TABLE_SIZE = 1 << 20;
const REGISTER_CELLS = 1024;
const RANGE_CELLS = 32;

/** S1's ipv4_router fixture with a larger table and a 1024-cell register added. */
function program(): { p4info: P4Info; bmv2: Bmv2Json } {
  const dir = fileURLToPath(new URL('../../test/fixtures/bmv2/', import.meta.url));
  const bmv2 = JSON.parse(readFileSync(`${dir}ipv4_router.json`, 'utf8')) as Bmv2Json;
  const p4info = JSON.parse(readFileSync(`${dir}ipv4_router.p4info.json`, 'utf8')) as P4Info;
  bmv2.pipelines[0]!.tables[0]!.max_size = TABLE_SIZE;
  p4info.tables[0]!.size = TABLE_SIZE;
  bmv2.register_arrays = [{ name: 'MyIngress.cells', id: 0, size: REGISTER_CELLS, bitwidth: 32 }];
  p4info.registers = [
    { preamble: { id: 0x16000001, name: 'MyIngress.cells', alias: 'cells' }, type_spec: { bitstring: { bit: { bitwidth: 32 } } }, size: REGISTER_CELLS },
  ];
  return { p4info, bmv2 };
}

async function serve(): Promise<void> {
  const server = new grpc.Server();
  addP4RuntimeService(server, { deviceId: 1n, dataplane: new Dataplane() });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.send!({ port });
  // The parent asks for CPU time around each measurement.
  process.on('message', () => process.send!({ cpu: cpuMicros() }));
  process.on('disconnect', () => server.forceShutdown());
}

function route(i: number): { match: Record<string, string>; action: string; params: Record<string, number | string> } {
  return { match: { 'hdr.ipv4.dstAddr': `${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24` }, action: 'ipv4_forward', params: { dstAddr: '00:00:00:00:01:02', port: i % 8 } };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Wall time and the CPU time of this process and of the switch process, around `run`. */
async function timed(child: ChildProcess, run: () => Promise<void>): Promise<{ wallMs: number; clientCpuUs: number; switchCpuUs: number }> {
  const switchCpu = async (): Promise<number> => {
    const reply = once(child, 'message') as Promise<[{ cpu: number }]>;
    child.send('cpu');
    return (await reply)[0].cpu;
  };
  const s0 = await switchCpu();
  const c0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  await run();
  const wallMs = ms(t0);
  const clientCpuUs = cpuMicros() - c0;
  return { wallMs, clientCpuUs, switchCpuUs: (await switchCpu()) - s0 };
}

function ms(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e6;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measure(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const sw = await Switch.connect(`127.0.0.1:${port}`, { deviceId: 1 });
  try {
    await sw.push(program());
    const table = sw.table('ipv4_lpm');
    let next = 0;

    // Warm-up: let both processes compile the hot paths before measuring.
    for (let i = 0; i < 500; i++) await table.insert(route(next++));
    await table.insert(Array.from({ length: 5000 }, () => route(next++)));

    const singles = 2000;
    const single = await timed(child, async () => {
      for (let i = 0; i < singles; i++) await table.insert(route(next++));
    });

    const batches = 50;
    const batch = 1000;
    const specs = Array.from({ length: batches }, () => Array.from({ length: batch }, () => route(next++)));
    const batched = await timed(child, async () => {
      for (const b of specs) await table.insert(b);
    });
    // One call with every entry (the client splits it into Writes of 250, two in flight).
    const all = Array.from({ length: batches * batch }, () => route(next++));
    const pipelined = await timed(child, () => table.insert(all));

    const register = sw.register('cells');
    await register.write({ from: 0, to: REGISTER_CELLS - 1 }, 7);
    const reads = 50;
    const read = await timed(child, async () => {
      for (let i = 0; i < reads; i++) await register.readRange();
    });
    // The firewall migration's state copy reads registers in ranges of 32 cells.
    const ranges = 1000;
    const rangeRead = await timed(child, async () => {
      for (let i = 0; i < ranges; i++) await register.readRange({ from: (i * RANGE_CELLS) % REGISTER_CELLS, to: ((i * RANGE_CELLS) % REGISTER_CELLS) + RANGE_CELLS - 1 });
    });

    const rtts: number[] = [];
    const entry = route(0);
    for (let i = 0; i < 1000; i++) {
      const s = process.hrtime.bigint();
      await table.modify({ ...entry, params: { ...entry.params, port: i % 8 } });
      rtts.push(ms(s) * 1000);
    }
    rtts.sort((a, b) => a - b);

    const rate = (n: number, t: { wallMs: number }) => Math.round(n / (t.wallMs / 1000)).toLocaleString('en');
    const cpu = (n: number, t: { clientCpuUs: number; switchCpuUs: number }) => `CPU per item: client ${(t.clientCpuUs / n).toFixed(1)} us, switch ${(t.switchCpuUs / n).toFixed(1)} us`;
    console.log(`p4runtime client (switch in a child process, loopback gRPC; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
    console.log(`  insert, batches of 1:      ${rate(singles, single)} entries/s (${singles} entries; ${cpu(singles, single)})`);
    console.log(`  insert, 1000 per call, calls one at a time: ${rate(batches * batch, batched)} entries/s (target >= 50,000; ${batches * batch} entries; ${cpu(batches * batch, batched)})`);
    console.log(`  insert, 50,000 in one call: ${rate(all.length, pipelined)} entries/s (${all.length} entries in one insert call; ${cpu(all.length, pipelined)})`);
    console.log(`  register read, ${REGISTER_CELLS} cells: ${(read.wallMs / reads).toFixed(2)} ms per read (${reads} reads; ${cpu(reads, read)})`);
    console.log(`  register read, ranges of ${RANGE_CELLS} cells: ${((rangeRead.wallMs * 1000) / ranges).toFixed(0)} us per read (${ranges} reads; ${cpu(ranges, rangeRead)})`);
    console.log(`  single write round trip:   median ${quantile(rtts, 0.5).toFixed(0)} us, p99 ${quantile(rtts, 0.99).toFixed(0)} us (1000 writes)`);
  } finally {
    await sw.close();
    child.disconnect();
  }
}

if (process.argv.includes('--serve')) await serve();
else await measure();

// The pure dataplane rate: the IPv4 router fixture forwarding 64-byte packets
// in one process, no I/O. Prints packets/s, ns/packet, heap growth and the
// bytes allocated per packet (the target: none), then the control-plane insert
// cost (Dataplane.tableAdd per entry) for exact, LPM and ternary versions of
// the router's table.
// Run after the build: node --expose-gc dist/bench/switch-engine.js [packets]
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Bmv2Json } from '../kernel-lib/bmv2/json-format.js';
import type { KeyMatch } from '../kernel-lib/switch/control-plane.js';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { Dataplane } from '../kernel-lib/switch/engine/dataplane.js';
import { addRoutes, receiveSlots } from './workloads/router.js';

const N = Number(process.argv[2] ?? 1_000_000);
const fixtures = fileURLToPath(new URL('../../test/fixtures/bmv2/', import.meta.url));

function frame(dst: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 2, 0x08, 0x00]);
  b.set([0x45, 0, 0, 50, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 10, 0, 1, 1, dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255], 14);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  sum = ~sum & 0xffff;
  b[24] = sum >> 8;
  b[25] = sum & 255;
  return b;
}

const frames = receiveSlots((i) => frame(0x0a000000 + ((i * 37) % 256 << 8) + 5));

async function measure(dp: Dataplane): Promise<void> {
  dp.loadProgram(readFileSync(fixtures + 'ipv4_router.json'));
  addRoutes(dp);
  let sent = 0;
  dp.onTransmit(() => {
    sent++;
  });
  // as the switch runs it: a receive batch of 64, then service()
  const run = (n: number): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      dp.receive(1, frames[i & 63]!, 64);
      if ((i & 63) === 63) dp.service();
    }
    return Number(process.hrtime.bigint() - t0);
  };
  run(200_000); // warm up: let V8 optimise the generated functions
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  sent = 0;
  let scavenges = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  });
  gcs.observe({ entryTypes: ['gc'] });
  const ns = run(N);
  await new Promise((r) => setTimeout(r, 100)); // gc entries arrive asynchronously
  gcs.disconnect();
  globalThis.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  if (sent !== N) throw new Error(`expected ${N} packets out, got ${sent}`);
  console.log(`  rate        ${(N / (ns / 1e9) / 1e3).toFixed(0)} kpps`);
  console.log(`  per packet  ${(ns / N).toFixed(0)} ns`);
  console.log(`  heap growth ${((heap1 - heap0) / 1024).toFixed(0)} KiB${globalThis.gc ? ' retained after GC' : ' (run node with --expose-gc to leave garbage out)'}`);
  console.log(`  young-generation GCs ${scavenges}`);
  const { bytes, top } = allocated(() => run(N));
  if (sent !== 2 * N) throw new Error(`expected ${N} more packets out, got ${sent - N}`);
  const perPacket = bytes / N;
  console.log(`  bytes allocated per packet ${perPacket.toFixed(2)} (target 0; sampled over ${N} packets, garbage included)${perPacket >= 0.5 ? `; most by ${top}` : ''}`);
}

/**
 * Bytes `work` allocates, garbage included, by V8's sampling heap profiler
 * (one sample per 64 bytes on average), and the function allocating most.
 * Not a heap difference: that would miss what young-generation GCs free.
 */
function allocated(work: () => void): { bytes: number; top: string | undefined } {
  type Node = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] };
  const session = new Session();
  session.connect();
  let profile: { head: Node } | undefined;
  session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
  work();
  session.post('HeapProfiler.stopSampling', (err, r) => {
    if (err) throw err;
    profile = r.profile as unknown as { head: Node };
  });
  session.disconnect();
  const bySite = new Map<string, number>();
  const walk = (n: Node): void => {
    const f = n.callFrame;
    if (f.url === 'node:inspector') return; // the profiler's own calls
    const site = `${f.functionName || '(anonymous)'} (${f.url.split('/').pop() || 'native'}:${f.lineNumber + 1})`;
    if (n.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    n.children.forEach(walk);
  };
  walk(profile!.head);
  const sites = [...bySite].sort((a, b) => b[1] - a[1]);
  return { bytes: sites.reduce((sum, [, b]) => sum + b, 0), top: sites[0]?.[0] };
}

/** The router's table turned into `kind` and sized for `n` entries. */
function routerWith(kind: 'exact' | 'lpm' | 'ternary', n: number): Bmv2Json {
  const json = JSON.parse(readFileSync(fixtures + 'ipv4_router.json', 'utf8')) as Bmv2Json;
  const t = json.pipelines[0]!.tables[0]!;
  t.match_type = kind;
  t.key[0]!.match_type = kind;
  t.max_size = n;
  return json;
}

function keyOf(kind: 'exact' | 'lpm' | 'ternary', i: number): KeyMatch {
  // distinct /24s (and, past 2^16 of them, distinct host parts) under 10/8
  const v = BigInt(0x0a000000 + (i & 0xffff) * 256 + (i >>> 16));
  if (kind === 'exact') return { kind: 'exact', value: v };
  if (kind === 'lpm') return { kind: 'lpm', value: v, prefixLen: 32 - ((i >>> 16) === 0 ? 8 : 0) };
  return { kind: 'ternary', value: v, mask: 0xffffffffn };
}

/** Best of three: µs per tableAdd filling an empty table with `n` entries (specs built beforehand). */
function measureInserts(kind: 'exact' | 'lpm' | 'ternary', n: number): number {
  const specs = Array.from({ length: n }, (_, i) => ({
    key: [keyOf(kind, i)],
    action: { action: 'MyIngress.ipv4_forward', params: [BigInt(0x020000000000 + (i & 0xffff)), BigInt(1 + (i % 4))] },
    priority: kind === 'ternary' ? 1 : 0,
  }));
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const dp = new Dataplane();
    dp.loadProgram(routerWith(kind, n));
    globalThis.gc?.();
    const t0 = process.hrtime.bigint();
    for (const s of specs) dp.tableAdd('MyIngress.ipv4_lpm', s);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  return best;
}

console.log(`switch-engine: ipv4_router fixture, 64-byte packets, ${N} packets, 256 /24 routes, default clock`);
await measure(new Dataplane());
console.log('tableAdd per entry (best of 3, into an empty table):');
for (const kind of ['exact', 'lpm', 'ternary'] as const) {
  console.log(`  ${kind.padEnd(7)} ${[10_000, 200_000].map((n) => `${n / 1000}k: ${measureInserts(kind, n).toFixed(2)} µs`).join('   ')}`);
}

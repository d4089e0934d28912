// Times the analysis of 10 million packet records (10 flows × 1M packets,
// with loss, reordering and duplicates): reading both traces and computing
// flows, series, outages and the packets table.
// Run after the build: node dist/bench/analysis.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ColumnTable } from 'arquero';
import { TrafficAnalysis } from '../kernel-lib/analysis/index.js';
import { writeTrace } from '../kernel-lib/traffic/trace-writer.js';

const FLOWS = 10;
const PER_FLOW = 1_000_000;
const N = FLOWS * PER_FLOW;
const ORIGIN = 1_763_700_000_000_000_000n;

async function makeTraces(dir: string): Promise<{ send: string; recv: string; received: number }> {
  // Flows interleaved at 100 kpps each; 1% lost, 0.1% swapped with the next, 0.01% duplicated.
  const flow = new Uint32Array(N), seq = new Uint32Array(N), size = new Uint32Array(N).fill(64), tx = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    flow[i] = i % FLOWS;
    seq[i] = Math.floor(i / FLOWS);
    tx[i] = Math.floor(i / FLOWS) * 10_000 + (i % FLOWS) * 100;
  }
  const send = path.join(dir, 'send.trace');
  await writeTrace(send, { kind: 'send', createdNs: ORIGIN, originNs: ORIGIN, flow, seq, size, tx_ns: tx });

  let rng = 12345;
  const rand = () => ((rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648);
  const order: number[] = [];
  for (let i = 0; i < N; i++) {
    const r = rand();
    if (r < 0.01) continue;
    order.push(i);
    if (r < 0.0101) order.push(i);
  }
  for (let k = 0; k + FLOWS < order.length; k++) {
    if (rand() < 0.001) [order[k], order[k + FLOWS]] = [order[k + FLOWS]!, order[k]!];
  }
  const m = order.length;
  const rf = new Uint32Array(m), rs = new Uint32Array(m), rz = new Uint32Array(m).fill(64), rt = new Float64Array(m), rr = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = order[k]!;
    rf[k] = flow[i]!; rs[k] = seq[i]!; rt[k] = tx[i]!;
    rr[k] = Math.max(tx[i]! + 50_000, k > 0 ? rr[k - 1]! : 0);
  }
  const recv = path.join(dir, 'recv.trace');
  await writeTrace(recv, { kind: 'recv', createdNs: ORIGIN, originNs: ORIGIN, flow: rf, seq: rs, size: rz, tx_ns: rt, rx_ns: rr });
  return { send, recv, received: m };
}

const dir = mkdtempSync(path.join(tmpdir(), 'p4lab-bench-an-'));
try {
  const { send, recv, received } = await makeTraces(dir);
  // Wall time, and CPU time (user + system), which other load on the machine inflates less.
  let analysis: TrafficAnalysis | undefined;
  const phases: [string, () => unknown][] = [
    ['read + match', async () => (analysis = await TrafficAnalysis.load({ sendTraces: [send], recvTraces: [recv], startNs: ORIGIN }))],
    ['flows table', () => analysis!.flows()],
    ['series (10 ms bins)', () => analysis!.series({ bin_ms: 10 })],
    ['outages (> 1 ms)', () => analysis!.outages({ threshold_ms: 1 })],
    ['packets table', () => analysis!.packets()],
  ];
  console.log(`records: ${N} sent + ${received} received (${FLOWS} flows)`);
  let wall = 0, cpu = 0;
  for (const [name, run] of phases) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const out = await run();
    const dt = performance.now() - t0, dc = process.cpuUsage(c0);
    const dcpu = (dc.user + dc.system) / 1000;
    wall += dt;
    cpu += dcpu;
    const rows = out instanceof TrafficAnalysis ? '' : `  (${(out as ColumnTable).numRows()} rows)`;
    console.log(`${name.padEnd(22)} ${(dt / 1000).toFixed(2)} s wall, ${(dcpu / 1000).toFixed(2)} s CPU${rows}`);
  }
  console.log(`${'total'.padEnd(22)} ${(wall / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

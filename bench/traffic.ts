// Achieved vs requested rates of p4lab-send: one flow at 1k, 10k and 100k pps
// over loopback (sender and receiver), then the aggregate maximum of one
// sender process with 64-byte frames (22-byte UDP payload) into a veth whose
// peer is down, so only the sender's own cost counts. Rates come from the
// traces' timestamps; "per CPU-second" divides by the sender's CPU time,
// which stays meaningful when other work shares the cores (at the maximum
// only: below it the sender spins near each deadline).
// Run after the build, as root: node dist/bench/traffic.js
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { LocalTrafficHost, NetnsTrafficHost, type TrafficHost } from '../kernel-lib/traffic/host.js';
import { startTraffic } from '../kernel-lib/traffic/start.js';
import { readTrace } from '../kernel-lib/traffic/trace-reader.js';
import type { FlowSpec } from '../kernel-lib/traffic/spec.js';

const port = 40000 + (process.pid % 10000);
const dir = `/tmp/p4lab-bench-traffic-${process.pid}`;
const ns = `tb${process.pid % 10000}`;

function rate(times: Float64Array): number {
  let lo = Infinity, hi = -Infinity;
  for (const t of times) { if (t < lo) lo = t; if (t > hi) hi = t; }
  return times.length > 1 ? ((times.length - 1) * 1e9) / (hi - lo) : 0;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(10);

async function measure(label: string, flows: FlowSpec[], discarded = false): Promise<void> {
  const run = await startTraffic(flows, { traceDir: `${dir}/${label}` });
  const s = await run.wait();
  const sent = await readTrace(s.sendTraces[0]!, { originNs: s.startNs });
  const recv = await readTrace(s.recvTraces[0]!, { originNs: s.startNs });
  const requested = flows.reduce((x, f) => x + f.pps!, 0);
  const achieved = rate(sent.tx_ns);
  console.log(`${label.padEnd(10)} requested ${fmt(requested)} pps   sent ${fmt(achieved)} pps (${(100 * (achieved / requested - 1)).toFixed(3).padStart(8)}%)` +
    `   received ${discarded ? '(discarded)'.padStart(14) : `${fmt(rate(recv.rx_ns))} pps`}   sender ${fmt(s.sent / s.senderCpu_s)} pps per CPU-second`);
}

const flow = (host: TrafficHost, dst: string, id: number, pps: number): FlowSpec =>
  ({ id, from: host, to: host, dst, dport: port, pps, size: 22, duration_s: 2 });

const local = new LocalTrafficHost();
try {
  for (const pps of [1_000, 10_000, 100_000]) await measure(`${pps / 1000}k`, [flow(local, '127.0.0.1', 1, pps)]);

  // A namespace whose only route leads into a veth whose peer is down: the
  // device discards frames, so the sender's own cost is all that is measured.
  execFileSync('ip', ['netns', 'add', ns]);
  for (const args of [['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ['addr', 'add', '10.9.0.1/24', 'dev', 'v0'],
    ['link', 'set', 'v0', 'up'], ['link', 'set', 'lo', 'up'], ['neigh', 'add', '10.9.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0']]) {
    execFileSync('ip', ['-n', ns, ...args]);
  }
  const host = new NetnsTrafficHost(ns);
  await measure('aggregate', [1, 2, 3, 4].map((id) => flow(host, '10.9.0.2', id, 500_000)), true);
} finally {
  try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* never made */ }
  rmSync(dir, { recursive: true, force: true });
}

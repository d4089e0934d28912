// Traffic through two real namespaces joined by a veth pair: rates, loss,
// patterns, schedules, shaping, and a receiver killed mid-run.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrafficAnalysis } from '../../kernel-lib/analysis/index.js';
import { realtimeNs } from '../../kernel-lib/events/index.js';
import { TOOL_DIR } from '../../kernel-lib/traffic/host.js';
import { startTraffic, type TrafficSummary } from '../../kernel-lib/traffic/start.js';
import { readTrace } from '../../kernel-lib/traffic/trace-reader.js';
import type { FlowSpec } from '../../kernel-lib/traffic/spec.js';
import { createNetnsPair, netnsUnavailable, type NetnsPair } from './netns-pair.js';

const missing = netnsUnavailable() ?? (existsSync(path.join(TOOL_DIR, 'p4lab-send')) ? null : 'traffic tools not built (scripts/setup.d/30-traffic.sh)');
const traceDirs: string[] = [];
let net: NetnsPair;

beforeAll(() => {
  if (!missing) net = createNetnsPair('tt');
});
afterAll(() => {
  net?.remove();
  for (const d of traceDirs) rmSync(d, { recursive: true, force: true });
});

const traceDir = (name: string) => {
  const d = `/tmp/p4lab-tt-${process.pid}-${name}`;
  traceDirs.push(d);
  return d;
};
const flow = (f: Partial<FlowSpec> & Pick<FlowSpec, 'id'>): FlowSpec => ({ from: net.a, to: net.b, dst: '10.0.0.2', dport: 46000, ...f });

type Row = Record<string, number>;
const rows = (t: { objects(): object[] }) => t.objects() as Row[];

/**
 * Packets per second from a flow's own timestamps, in packet order. A busy
 * machine makes packets late, never early, so the noise is one-sided bursts:
 * take the median time of the first and of the last quarter (each time moved
 * to its quarter's middle packet at the requested period) and divide the
 * packets between the two middles by the time between them.
 */
function rate(times: number[], pps: number): number {
  const n = times.length, q = Math.floor(n / 4);
  const middle = (from: number) => {
    const c = from + q / 2;
    const moved = times.slice(from, from + q).map((t, j) => t - ((from + j - c) * 1e9) / pps).sort((x, y) => x - y);
    return { c, t: moved[Math.floor(q / 2)]! };
  };
  const a = middle(0), b = middle(n - q);
  return ((b.c - a.c) * 1e9) / (b.t - a.t);
}

async function analyse(s: TrafficSummary) {
  return TrafficAnalysis.load({ sendTraces: s.sendTraces, recvTraces: s.recvTraces, startNs: s.startNs });
}

describe.skipIf(missing)(`traffic through namespaces${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('paces 1k and 10k pps within 1% with no loss on a clean link', async () => {
    const run = await startTraffic([flow({ id: 1, pps: 1000, duration_s: 2 }), flow({ id: 2, pps: 10000, duration_s: 2, dport: 46001 })],
      { traceDir: traceDir('rate') });
    const s = await run.wait();
    expect(s.sent).toBe(22000);
    expect(s.received).toBe(22000);
    const a = await analyse(s);
    const flows = rows(a.flows());
    expect(flows.map((f) => [f.flow, f.sent, f.received, f.lost, f.duplicates])).toEqual([[1, 2000, 2000, 0, 0], [2, 20000, 20000, 0, 0]]);
    const packets = a.packets();
    for (const [id, pps] of [[1, 1000], [2, 10000]] as const) {
      const p = packets.filter(`d => d.flow === ${id}`);
      const tx = Array.from(p.array('tx_ns') as ArrayLike<number>);
      const rx = Array.from(p.array('rx_ns') as ArrayLike<number>).sort((x, y) => x - y);
      expect(Math.abs(rate(tx, pps) / pps - 1)).toBeLessThan(0.01);
      expect(Math.abs(rate(rx, pps) / pps - 1)).toBeLessThan(0.01);
      // Both traces hold the same packets: tx from the payload equals the sender's record.
      const lat = Array.from(p.array('latency_ns') as ArrayLike<number>);
      expect(lat.every((l) => l > 0 && l < 1e9)).toBe(true);
      // The first packet leaves at the common start instant (not before).
      expect(tx[0]!).toBeGreaterThanOrEqual(0);
    }
  });

  it('runs on/off, burst and Poisson patterns and a ramped schedule', async () => {
    const run = await startTraffic({
      flows: [
        flow({ id: 10, pps: 1000, duration_s: 1, pattern: { kind: 'onoff', on_s: 0.2, off_s: 0.2 } }),
        flow({ id: 11, pps: 1000, duration_s: 0.1, pattern: { kind: 'burst', size: 10 } }),
        flow({ id: 12, pps: 5000, duration_s: 1, pattern: { kind: 'poisson', seed: 7 } }),
      ],
      ramps: [{ template: { from: net.a, to: net.b, dst: '10.0.0.2', dport: 46002, pps: 100, duration_s: 0.3 }, firstId: 20, count: 3, start_s: 0.2, every_s: 0.3 }],
    }, { traceDir: traceDir('patterns') });
    const s = await run.wait();
    const a = await analyse(s);
    const f = new Map(rows(a.flows()).map((r) => [r.flow, r]));
    expect(f.get(10)).toMatchObject({ sent: 600, lost: 0 });
    expect(f.get(11)).toMatchObject({ sent: 100, lost: 0 });
    expect(Math.abs(f.get(12)!.sent! / 5000 - 1)).toBeLessThan(0.05);
    for (const id of [20, 21, 22]) expect(f.get(id)).toMatchObject({ sent: 30, lost: 0 });

    const packets = a.packets();
    const sent = (id: number) => {
      const p = packets.filter(`d => d.flow === ${id}`);
      return { seq: Array.from(p.array('seq') as ArrayLike<number>), tx: Array.from(p.array('tx_ns') as ArrayLike<number>) };
    };
    // Packets may leave late when the machine is busy, never early: packet k of
    // the on/off flow is due at (k div 200)·0.4 s + (k mod 200)·1 ms.
    const onoff = sent(10);
    onoff.seq.forEach((k, i) => expect(onoff.tx[i]!).toBeGreaterThanOrEqual(Math.floor(k / 200) * 0.4e9 + (k % 200) * 1e6));
    // Bursts of 10 are due together and leave in one sendmmsg: one instant per burst.
    const burst = sent(11);
    burst.seq.forEach((k, i) => expect(burst.tx[i]).toBe(burst.tx[burst.seq.indexOf(k - (k % 10))]));
    expect(Math.min(...burst.seq.map((k, i) => burst.tx[i]! - Math.floor(k / 10) * 10e6))).toBeGreaterThanOrEqual(0);
    // Ramp flows start at 0.2, 0.5 and 0.8 s.
    for (const [id, start] of [[20, 0.2e9], [21, 0.5e9], [22, 0.8e9]] as const) {
      expect(Math.min(...sent(id).tx)).toBeGreaterThanOrEqual(start);
    }
  });

  it('measures the rate a tbf qdisc shapes the link to', async () => {
    execFileSync('ip', ['netns', 'exec', net.a.name, 'tc', 'qdisc', 'add', 'dev', net.ifA, 'root', 'tbf', 'rate', '8mbit', 'burst', '16kb', 'latency', '50ms']);
    try {
      const run = await startTraffic([flow({ id: 30, pps: 2000, size: 1000, duration_s: 3 })], { traceDir: traceDir('tbf') });
      const a = await analyse(await run.wait());
      // tbf counts the Ethernet frame: 1000 B payload + 8 UDP + 20 IP + 14 Ethernet.
      const expected = 8e6 / (8 * 1042);
      // Rate over all arrivals after the initial 16 kB burst (15 frames) has drained.
      const rx = Array.from(a.packets().filter('d => d.lost === 0').array('rx_ns') as ArrayLike<number>).sort((x, y) => x - y).slice(20);
      expect(Math.abs(rate(rx, expected) / expected - 1)).toBeLessThan(0.03);
      expect(rows(a.flows())[0]!.loss).toBeGreaterThan(0.4);
    } finally {
      execFileSync('ip', ['netns', 'exec', net.a.name, 'tc', 'qdisc', 'del', 'dev', net.ifA, 'root']);
    }
  });

  it('keeps all but the last second of records when the receiver is killed with SIGKILL', async () => {
    const run = await startTraffic([flow({ id: 40, pps: 1000, duration_s: 4 })], { traceDir: traceDir('kill') });
    while (realtimeNs() < run.startNs + 2_500_000_000n) await new Promise((r) => setTimeout(r, 50));
    const killedAt = Number(realtimeNs() - run.startNs);
    run.receivers[0]!.child.kill('SIGKILL');
    await Promise.all(run.senders.map((p) => p.exited));
    await expect(run.stop()).rejects.toThrow(/p4lab-recv in .* was killed by SIGKILL/);

    const sent = await readTrace(run.sendTraces[0]!, { originNs: run.startNs });
    const recv = await readTrace(run.recvTraces[0]!, { originNs: run.startNs });
    expect(recv.truncatedBytes).toBe(0);
    const have = new Set(recv.seq);
    let missingBeforeLastSecond = 0;
    for (let i = 0; i < sent.length; i++) {
      // 1 s of flush interval plus 0.2 s for the receiver's wake-up period.
      if (sent.tx_ns[i]! < killedAt - 1.2e9 && !have.has(sent.seq[i]!)) missingBeforeLastSecond++;
    }
    expect(recv.length).toBeGreaterThan(1000);
    expect(missingBeforeLastSecond).toBe(0);
  });

  it('rejects a bad flow before starting anything', async () => {
    await expect(startTraffic([flow({ id: 50, pps: 10 })])).rejects.toThrow(/flow 50: give duration_s or count/);
    await expect(startTraffic([flow({ id: 51, pps: 10, count: 5, dst: '10.0.0' })])).rejects.toThrow(/not an IPv4 address/);
  });

  it('reports a sender that fails inside its host and stops the receivers', async () => {
    const run = await startTraffic([flow({ id: 52, pps: 10, count: 5, src: '10.9.9.9' })], { traceDir: traceDir('fail') });
    await expect(run.wait()).rejects.toThrow(/p4lab-send in .* exited with code 2: p4lab-send: bind to the flow's src\/sport: Cannot assign requested address/);
    await Promise.all(run.receivers.map((p) => p.exited));
  });
});

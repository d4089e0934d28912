// Analysis of synthetic traces whose loss, reordering, duplicates, gaps and
// sequence wrap-around are known exactly.
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromArrow } from 'arquero';
import { TrafficAnalysis, eventsTable, writeArrow, writeCsv } from '../../kernel-lib/analysis/index.js';
import { EventLog } from '../../kernel-lib/events/index.js';
import { writeTrace } from '../../kernel-lib/traffic/trace-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'p4lab-an-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = 1_763_700_000_000_000_000n;
const MS = 1_000_000;
const US = 1_000;

interface Pkt { flow: number; seq: number; tx: number; rx?: number; size?: number }

/** Builds a run: every flow's sent packets, and arrivals in receive order. */
function scenario() {
  const sent: Pkt[] = [];
  const recv: Pkt[] = [];
  // Flow 1: 100 packets, 10–12 lost, 51 overtakes 50, 70 duplicated.
  for (let s = 0; s < 100; s++) sent.push({ flow: 1, seq: s, tx: s * MS });
  // Flow 2: 10 packets across the 32-bit wrap; seq 0 lost.
  const wrapStart = 2 ** 32 - 5;
  for (let i = 0; i < 10; i++) sent.push({ flow: 2, seq: (wrapStart + i) % 2 ** 32, tx: i * MS + 300 * US });
  // Flow 3: 200 packets; 100–149 lost (a 50 ms outage).
  for (let s = 0; s < 200; s++) sent.push({ flow: 3, seq: s, tx: s * MS + 500 * US });
  // Flow 4: 10 packets, latency alternating 100/300 µs.
  for (let s = 0; s < 10; s++) sent.push({ flow: 4, seq: s, tx: s * MS + 700 * US });

  for (const p of sent) {
    if (p.flow === 1 && p.seq >= 10 && p.seq <= 12) continue;
    if (p.flow === 2 && p.seq === 0) continue;
    if (p.flow === 3 && p.seq >= 100 && p.seq < 150) continue;
    const lat = p.flow === 2 ? 200 * US : p.flow === 4 ? (p.seq % 2 ? 300 * US : 100 * US) : 100 * US;
    recv.push({ ...p, rx: p.tx + lat });
  }
  const f1 = (s: number) => recv.findIndex((p) => p.flow === 1 && p.seq === s);
  const p50 = recv[f1(50)]!, p51 = recv[f1(51)]!;
  p51.rx = 51 * MS + 100 * US;
  p50.rx = 51 * MS + 150 * US;
  recv[f1(50)] = p51;
  recv[f1(51)] = p50;
  const p70 = recv[f1(70)]!;
  recv.push({ ...p70, rx: p70.rx! + 10 * US });
  recv.sort((a, b) => a.rx! - b.rx!);
  return { sent, recv };
}

async function writeRun(name: string): Promise<{ send: string; recv: string }> {
  const { sent, recv } = scenario();
  const send = path.join(dir, `${name}-send.trace`);
  const recvPath = path.join(dir, `${name}-recv.trace`);
  const cols = (ps: Pkt[]) => ({
    flow: ps.map((p) => p.flow), seq: ps.map((p) => p.seq), size: ps.map((p) => p.size ?? 64),
    tx_ns: ps.map((p) => p.tx), rx_ns: ps.map((p) => p.rx ?? 0),
  });
  await writeTrace(send, { kind: 'send', createdNs: ORIGIN, originNs: ORIGIN, ...cols(sent) });
  await writeTrace(recvPath, { kind: 'recv', createdNs: ORIGIN, originNs: ORIGIN, ...cols(recv) });
  return { send, recv: recvPath };
}

function row(t: ReturnType<TrafficAnalysis['flows']>, flow: number): Record<string, number> {
  const r = t.objects().find((o) => (o as { flow: number }).flow === flow);
  if (!r) throw new Error(`no flow ${flow}`);
  return r as Record<string, number>;
}

describe('TrafficAnalysis on synthetic traces', () => {
  it('counts loss, reordering, duplicates and wrap-around exactly', async () => {
    const { send, recv } = await writeRun('a');
    const a = await TrafficAnalysis.load({ sendTraces: [send], recvTraces: [recv], startNs: ORIGIN });
    const flows = a.flows();
    expect(row(flows, 1)).toMatchObject({ sent: 100, received: 97, lost: 3, duplicates: 1, reordered: 1 });
    expect(row(flows, 2)).toMatchObject({ sent: 10, received: 9, lost: 1, duplicates: 0, reordered: 0 });
    expect(row(flows, 2).loss).toBeCloseTo(0.1, 12);
    expect(row(flows, 3)).toMatchObject({ sent: 200, received: 150, lost: 50 });
    expect(row(flows, 2)).toMatchObject({ latency_p50_ns: 200 * US, latency_p99_ns: 200 * US, latency_max_ns: 200 * US, jitter_ns: 0 });
    expect(row(flows, 4)).toMatchObject({ latency_p50_ns: 100 * US, latency_p99_ns: 300 * US, latency_max_ns: 300 * US, jitter_ns: 200 * US });

    const packets = a.packets();
    expect(packets.numRows()).toBe(100 + 1 + 10 + 200 + 10);
    const lostSeqs = packets.filter((d: { lost: number }) => d.lost === 1).array('seq') as ArrayLike<number>;
    expect(Array.from(lostSeqs).sort((x, y) => x - y)).toEqual([0, 10, 11, 12, ...Array.from({ length: 50 }, (_, i) => 100 + i)].sort((x, y) => x - y));
    const reordered = packets.filter((d: { reordered: number }) => d.reordered === 1).objects() as { flow: number; seq: number }[];
    expect(reordered.map((p) => [p.flow, p.seq])).toEqual([[1, 50]]);
    const dups = packets.filter((d: { duplicate: number }) => d.duplicate === 1).objects() as { flow: number; seq: number; latency_ns: number }[];
    expect(dups.map((p) => [p.flow, p.seq, p.latency_ns])).toEqual([[1, 70, 110 * US]]);
    // Wrapped sequence numbers come back as carried, in sending order.
    const f2 = Array.from(packets.filter((d: { flow: number }) => d.flow === 2).array('seq') as ArrayLike<number>);
    expect(f2).toEqual([2 ** 32 - 5, 2 ** 32 - 4, 2 ** 32 - 3, 2 ** 32 - 2, 2 ** 32 - 1, 0, 1, 2, 3, 4]);
  });

  it('finds outages and the packets they lost', async () => {
    const { send, recv } = await writeRun('b');
    const a = await TrafficAnalysis.load({ sendTraces: [send], recvTraces: [recv], startNs: ORIGIN });
    const o = a.outages({ threshold_ms: 20 }).objects() as Record<string, number>[];
    expect(o).toEqual([{ flow: 3, start_ns: 99 * MS + 600 * US, end_ns: 150 * MS + 600 * US, duration_ns: 51 * MS, lost: 50 }]);
    // At 1.5 ms the reordering in flow 1 also leaves a 2 ms gap, with nothing lost.
    const short = a.outages({ threshold_ms: 1.5 }).objects() as { flow: number; lost: number }[];
    expect(short.map((r) => [r.flow, r.lost])).toEqual([[2, 1], [1, 3], [1, 0], [3, 50]]);
  });

  it('infers loss from sequence gaps when there is no send trace', async () => {
    const { recv } = await writeRun('c');
    const a = await TrafficAnalysis.load({ recvTraces: [recv], startNs: ORIGIN });
    expect(row(a.flows(), 1)).toMatchObject({ sent: 100, received: 97, lost: 3, duplicates: 1, reordered: 1 });
    expect(row(a.flows(), 3)).toMatchObject({ sent: 200, lost: 50 });
  });

  it('bins series by send time (loss, latency) and receive time (throughput)', async () => {
    const { send, recv } = await writeRun('d');
    const a = await TrafficAnalysis.load({ sendTraces: [send], recvTraces: [recv], startNs: ORIGIN });
    const s = a.series({ bin_ms: 10 });
    const sum = (c: string) => Array.from(s.array(c) as ArrayLike<number>).reduce((x, y) => x + y, 0);
    expect(s.numRows()).toBe(20); // 0 … 199.6 ms
    expect(sum('sent')).toBe(320);
    expect(sum('lost')).toBe(54);
    expect(sum('rx_pps') * 0.01).toBeCloseTo(266, 9);
    const byFlow = a.series({ bin_ms: 10, byFlow: true }).filter((d: { flow: number }) => d.flow === 3);
    const loss = Array.from(byFlow.array('loss') as ArrayLike<number>);
    expect(loss.slice(10, 15)).toEqual([1, 1, 1, 1, 1]);
    expect(loss.slice(0, 10).every((x) => x === 0)).toBe(true);
  });

  it('exports to CSV and Arrow, and joins the event log on the same clock', async () => {
    const { send, recv } = await writeRun('e');
    const a = await TrafficAnalysis.load({ sendTraces: [send], recvTraces: [recv], startNs: ORIGIN });
    const csv = path.join(dir, 'flows.csv');
    await writeCsv(a.flows(), csv);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toContain('flow,sent,received,lost,loss');
    const arrow = path.join(dir, 'packets.arrow');
    await writeArrow(a.packets(), arrow);
    expect(fromArrow(readFileSync(arrow)).numRows()).toBe(321);

    const log = new EventLog();
    log.record('pipeline_commit', { device: 's1' }, { t_ns: ORIGIN + 5n * BigInt(MS) });
    const ev = eventsTable(log, a.originNs).objects();
    expect(ev).toEqual([{ t_ns: 5 * MS, kind: 'pipeline_commit', label: 'commit s1', detail: '{"device":"s1"}' }]);
  });

  it('rejects a file that is not a trace with a clear error', async () => {
    const bad = path.join(dir, 'bad.trace');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, 'hello'));
    await expect(TrafficAnalysis.load({ recvTraces: [bad] })).rejects.toThrow(/not a p4lab trace/);
    await expect(TrafficAnalysis.load({ recvTraces: [path.join(dir, 'missing')] })).rejects.toThrow(/cannot open trace/);
  });
});

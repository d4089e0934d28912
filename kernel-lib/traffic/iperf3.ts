// iperf3 runs between two hosts, with the client's JSON report (-J) parsed
// into a series-style table.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { P4labError } from '../errors.js';
import type { TrafficHost } from './host.js';
import { ToolProcess } from './tool-process.js';

export interface Iperf3Summary {
  protocol: 'TCP' | 'UDP';
  sent_bps: number;
  received_bps: number;
  /** TCP only. */
  retransmits?: number;
  /** UDP only. */
  lost_packets?: number;
  packets?: number;
  jitter_ms?: number;
}

export interface Iperf3Result {
  /**
   * One row per reporting interval: t_ns (interval start since originNs;
   * iperf3 reports its start time to the second), duration_ns, bytes,
   * rx_bps (the client's view), retransmits (TCP) or packets (UDP), NaN
   * when absent.
   */
  intervals: ColumnTable;
  summary: Iperf3Summary;
}

interface Json { [k: string]: unknown }
const obj = (v: unknown, where: string): Json => {
  if (typeof v !== 'object' || v === null) throw new P4labError(`iperf3 report: ${where} is missing`, 'pass the output of iperf3 -J (the client side)');
  return v as Json;
};
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

export function parseIperf3(json: string, options: { originNs?: bigint } = {}): Iperf3Result {
  let report: Json;
  try {
    report = obj(JSON.parse(json), 'the report');
  } catch (e) {
    if (e instanceof P4labError) throw e;
    throw new P4labError('iperf3 report is not JSON', 'run iperf3 with -J');
  }
  if (typeof report.error === 'string') throw new P4labError(`iperf3 failed: ${report.error}`);
  const start = obj(report.start, 'start');
  const startNs = BigInt(num(obj(start.timestamp, 'start.timestamp').timesecs)) * 1_000_000_000n;
  const origin = options.originNs ?? startNs;
  const protocol = obj(start.test_start, 'start.test_start').protocol === 'UDP' ? 'UDP' : 'TCP';
  const intervals = Array.isArray(report.intervals) ? report.intervals.map((i) => obj(obj(i, 'intervals[]').sum, 'intervals[].sum')) : [];
  const base = Number(startNs - origin);
  const end = obj(report.end, 'end');
  const sent = obj(end.sum_sent ?? end.sum, 'end.sum_sent');
  const received = obj(end.sum_received ?? end.sum, 'end.sum_received');
  const summary: Iperf3Summary = { protocol, sent_bps: num(sent.bits_per_second), received_bps: num(received.bits_per_second) };
  if (protocol === 'TCP') summary.retransmits = num(sent.retransmits);
  else {
    const sum = obj(end.sum, 'end.sum');
    summary.lost_packets = num(sum.lost_packets);
    summary.packets = num(sum.packets);
    summary.jitter_ms = num(sum.jitter_ms);
  }
  return {
    intervals: aq.table({
      t_ns: Float64Array.from(intervals, (s) => base + num(s.start) * 1e9),
      duration_ns: Float64Array.from(intervals, (s) => num(s.seconds) * 1e9),
      bytes: Float64Array.from(intervals, (s) => num(s.bytes)),
      rx_bps: Float64Array.from(intervals, (s) => num(s.bits_per_second)),
      retransmits: Float64Array.from(intervals, (s) => num(s.retransmits)),
      packets: Float64Array.from(intervals, (s) => num(s.packets)),
    }),
    summary,
  };
}

export interface Iperf3Options {
  /** Server address as seen from the client. */
  address: string;
  port?: number;
  duration_s: number;
  udp?: boolean;
  /** Target rate in bit/s (iperf3 -b); UDP default 1 Mbit/s. */
  bitrate?: number;
  originNs?: bigint;
}

/** Runs one iperf3 test: server in `server`, client in `client`. */
export async function runIperf3(server: TrafficHost, client: TrafficHost, o: Iperf3Options): Promise<Iperf3Result> {
  const port = String(o.port ?? 5201);
  const srv = new ToolProcess(`iperf3 server in ${server.name}`, server.spawn(['iperf3', '-s', '-1', '--forceflush', '-p', port]));
  try {
    await srv.waitFor(/Server listening/, 10_000);
    const argv = ['iperf3', '-c', o.address, '-p', port, '-t', String(o.duration_s), '-J'];
    if (o.udp) argv.push('-u');
    if (o.bitrate !== undefined) argv.push('-b', String(o.bitrate));
    const cli = new ToolProcess(`iperf3 client in ${client.name}`, client.spawn(argv));
    await cli.exited;
    return parseIperf3(cli.stdout, o);
  } finally {
    srv.signal('SIGTERM');
    await srv.exited;
  }
}


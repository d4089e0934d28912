// ping (iputils, run with -D) inside a host, parsed into a packets-style table.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { P4labError } from '../errors.js';
import type { TrafficHost } from './host.js';
import { ToolProcess } from './tool-process.js';

export interface PingOptions {
  count: number;
  /** Seconds between requests (iputils allows ≥ 0.002 as root); default 1. */
  interval_s?: number;
  /** Flow id to put in the table; default 0. */
  flow?: number;
  /** Time origin of rx_ns (CLOCK_REALTIME ns); default the first reply. */
  originNs?: bigint;
}

const REPLY = /^\[(\d+)\.(\d{6})\] (\d+) bytes from [^:]+: icmp_seq=(\d+) .*time=([\d.]+) ms/;
interface Reply { seq: number; size: number; rx: bigint; rtt: number }

const SUMMARY = /^(\d+) packets transmitted, (\d+) received/;

/**
 * Parses `ping -D -n` output: one row per request (icmp_seq 1 … transmitted)
 * with flow, seq, size (ICMP bytes), rx_ns (reply time since originNs,
 * microsecond resolution), rtt_ns, lost and duplicate (0/1).
 */
export function parsePing(text: string, options: { flow?: number; originNs?: bigint } = {}): ColumnTable {
  const replies: Reply[] = [];
  let transmitted = -1;
  for (const line of text.split('\n')) {
    const r = REPLY.exec(line);
    if (r) replies.push({ seq: Number(r[4]), size: Number(r[3]), rx: BigInt(r[1]!) * 1_000_000_000n + BigInt(r[2]!) * 1000n, rtt: Number(r[5]) * 1e6 });
    const s = SUMMARY.exec(line);
    if (s) transmitted = Number(s[1]);
  }
  if (transmitted < 0) {
    throw new P4labError('ping output has no "packets transmitted" summary', 'run ping with -D -n and a count (-c) so it ends with its statistics');
  }
  const origin = options.originNs ?? replies[0]?.rx ?? 0n;
  const first = new Map<number, Reply>();
  const dups: Reply[] = [];
  for (const r of replies) {
    if (first.has(r.seq)) dups.push(r);
    else first.set(r.seq, r);
  }
  const out = { seq: [] as number[], size: [] as number[], rx: [] as number[], rtt: [] as number[], lost: [] as number[], dup: [] as number[] };
  const add = (seq: number, r: Reply | undefined, dup: number) => {
    out.seq.push(seq);
    out.size.push(r?.size ?? NaN);
    out.rx.push(r ? Number(r.rx - origin) : NaN);
    out.rtt.push(r?.rtt ?? NaN);
    out.lost.push(r ? 0 : 1);
    out.dup.push(dup);
  };
  for (let seq = 1; seq <= transmitted; seq++) add(seq, first.get(seq), 0);
  for (const r of dups) add(r.seq, r, 1);
  return aq.table({
    flow: new Uint32Array(out.seq.length).fill(options.flow ?? 0), seq: Uint32Array.from(out.seq), size: Float64Array.from(out.size),
    rx_ns: Float64Array.from(out.rx), rtt_ns: Float64Array.from(out.rtt), lost: Uint8Array.from(out.lost), duplicate: Uint8Array.from(out.dup),
  });
}

/** Pings `address` from inside `host` and returns the parsed table. */
export async function runPing(host: TrafficHost, address: string, options: PingOptions): Promise<ColumnTable> {
  if (!Number.isInteger(options.count) || options.count < 1) throw new P4labError(`ping count must be a whole number ≥ 1, got ${options.count}`);
  const p = new ToolProcess(`ping in ${host.name}`, host.spawn([
    'ping', '-D', '-n', '-c', String(options.count), '-i', String(options.interval_s ?? 1), address,
  ]));
  const { code } = await p.exited;
  // ping exits 1 when replies are missing: still a result.
  if (code !== 0 && code !== 1) throw p.failure(`exited with code ${code}`);
  return parsePing(p.stdout, options);
}

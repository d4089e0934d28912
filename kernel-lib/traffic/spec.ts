// Flow and schedule descriptions, checked once here and turned into the
// arguments of p4lab-send.
import { isIPv4 } from 'node:net';
import { P4labError } from '../errors.js';
import type { TrafficHost } from './host.js';

export type Pattern =
  | { kind: 'const' }
  | { kind: 'poisson'; seed?: number }
  /** Constant rate while on; silent while off. */
  | { kind: 'onoff'; on_s: number; off_s: number }
  /** `size` packets back to back, bursts spaced so the mean rate is the flow's rate. */
  | { kind: 'burst'; size: number };

export interface FlowSpec {
  /** Flow id carried in every packet (0 … 2^32 − 1), unique within a run. */
  id: number;
  /** Host the sender runs in. */
  from: TrafficHost;
  /** Host the receiver runs in. */
  to: TrafficHost;
  dst: string;
  dport: number;
  src?: string;
  sport?: number;
  /** UDP payload bytes, ≥ 20 (the p4lab header); default 64. */
  size?: number;
  /** Packets per second, or `bps` (UDP payload bits per second, as iperf3 counts). */
  pps?: number;
  bps?: number;
  pattern?: Pattern;
  /** Seconds after the run's start instant; default 0. */
  start_s?: number;
  /** Stop after this many seconds, or after `count` packets (whichever first). */
  duration_s?: number;
  count?: number;
}

/** `count` flows like `template`, the i-th starting at start_s + i·every_s with id firstId + i (and sport + i). */
export interface Ramp {
  template: Omit<FlowSpec, 'id' | 'start_s'>;
  firstId: number;
  count: number;
  start_s: number;
  every_s: number;
}

/**
 * Several flows with staggered starts. The elastic-scaling load (9 flows of
 * 25 pps, then one more every 10 s):
 *
 *   const f = { from: h1, to: h2, dst: '10.0.0.2', dport: 5000, pps: 25 };
 *   { ramps: [
 *       { template: { ...f, sport: 4000, duration_s: 35 }, firstId: 1, count: 9, start_s: 0, every_s: 0 },
 *       { template: { ...f, sport: 4009, duration_s: 35 }, firstId: 10, count: 3, start_s: 10, every_s: 10 } ] }
 *
 * Each flow sends for its duration_s from its own start.
 */
export interface Schedule {
  flows?: FlowSpec[];
  ramps?: Ramp[];
}

export function expandSchedule(schedule: Schedule | FlowSpec[]): FlowSpec[] {
  if (Array.isArray(schedule)) return schedule.map(checkFlow);
  const out = [...(schedule.flows ?? [])];
  for (const r of schedule.ramps ?? []) {
    if (!Number.isInteger(r.count) || r.count < 0 || !(r.every_s >= 0) || !(r.start_s >= 0)) {
      throw new P4labError(`ramp from flow id ${r.firstId}: count must be a whole number ≥ 0, start_s and every_s ≥ 0`);
    }
    for (let i = 0; i < r.count; i++) {
      const f: FlowSpec = { ...r.template, id: r.firstId + i, start_s: r.start_s + i * r.every_s };
      if (r.template.sport !== undefined) f.sport = r.template.sport + i;
      out.push(f);
    }
  }
  const flows = out.map(checkFlow);
  const seen = new Set<number>();
  for (const f of flows) {
    if (seen.has(f.id)) throw new P4labError(`flow id ${f.id} appears twice`, 'give every flow (and every ramp flow) its own id');
    seen.add(f.id);
  }
  return flows;
}

function checkFlow(f: FlowSpec): FlowSpec {
  const bad = (what: string, fix?: string): never => {
    throw new P4labError(`flow ${f.id}: ${what}`, fix);
  };
  if (!Number.isInteger(f.id) || f.id < 0 || f.id > 0xffffffff) bad('id must be a whole number 0 … 4294967295');
  if (!isIPv4(f.dst)) bad(`dst ${JSON.stringify(f.dst)} is not an IPv4 address`);
  if (f.src !== undefined && !isIPv4(f.src)) bad(`src ${JSON.stringify(f.src)} is not an IPv4 address`);
  if (!isPort(f.dport)) bad('dport must be 1 … 65535');
  if (f.sport !== undefined && !isPort(f.sport)) bad('sport must be 1 … 65535');
  const size = f.size ?? 64;
  if (!Number.isInteger(size) || size < 20 || size > 65507) bad('size (UDP payload) must be 20 … 65507 bytes', 'the first 20 bytes carry the p4lab header');
  if ((f.pps === undefined) === (f.bps === undefined)) bad('give exactly one of pps and bps');
  if (!((f.pps ?? f.bps)! > 0)) bad('the rate must be above 0');
  if (f.duration_s === undefined && f.count === undefined) bad('give duration_s or count');
  if (f.duration_s !== undefined && !(f.duration_s >= 0)) bad('duration_s must be ≥ 0');
  if (f.count !== undefined && (!Number.isInteger(f.count) || f.count < 1)) bad('count must be a whole number ≥ 1');
  if (f.start_s !== undefined && !(f.start_s >= 0)) bad('start_s must be ≥ 0');
  const p = f.pattern;
  if (p?.kind === 'onoff' && !(p.on_s > 0 && p.off_s >= 0)) bad('onoff needs on_s > 0 and off_s ≥ 0');
  if (p?.kind === 'burst' && !(Number.isInteger(p.size) && p.size > 0)) bad('burst size must be a whole number > 0');
  return f;
}

function isPort(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= 65535;
}

/** The `-f` argument p4lab-send takes for this flow. */
export function flowArgument(f: FlowSpec): string {
  const kv: string[] = [`id=${f.id}`, `dst=${f.dst}:${f.dport}`, `size=${f.size ?? 64}`];
  if (f.src !== undefined) kv.push(`src=${f.src}`);
  if (f.sport !== undefined) kv.push(`sport=${f.sport}`);
  kv.push(f.pps !== undefined ? `pps=${f.pps}` : `bps=${f.bps}`);
  if (f.start_s) kv.push(`start=${f.start_s}`);
  if (f.duration_s !== undefined) kv.push(`duration=${f.duration_s}`);
  if (f.count !== undefined) kv.push(`count=${f.count}`);
  const p = f.pattern ?? { kind: 'const' };
  kv.push(`pattern=${p.kind}`);
  if (p.kind === 'poisson' && p.seed !== undefined) kv.push(`seed=${p.seed}`);
  if (p.kind === 'onoff') kv.push(`on=${p.on_s}`, `off=${p.off_s}`);
  if (p.kind === 'burst') kv.push(`burst=${p.size}`);
  return kv.join(',');
}

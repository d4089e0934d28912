// Link emulation parameters: parsed once at the API boundary into plain
// numbers, so the rest of emulation never re-parses "20ms" or "10Mbit".
import { P4labError } from '../errors.js';

/** What a link may emulate, as users write it ('20ms', '1%', '10Mbit'). */
export interface LinkEmulation {
  /** One-way delay, e.g. '20ms', '500us', '1s'. */
  delay?: string;
  /** Delay variation, e.g. '2ms'. */
  jitter?: string;
  /** Loss probability, as '1%' or a fraction 0.01. */
  loss?: string | number;
  /** Rate limit, e.g. '10Mbit', '1Gbit', '500kbit'. */
  rate?: string;
  /** Queue limit in packets. */
  queue?: number;
}

/** The same parameters as numbers: microseconds, a 0..1 fraction, bits per second, packets. */
export interface EmulationValues {
  delayUs?: number;
  jitterUs?: number;
  loss?: number;
  rateBps?: number;
  queue?: number;
}

const TIME_UNITS: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000 };
const RATE_UNITS: Record<string, number> = {
  bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9,
};

function bad(where: string, field: string, value: unknown, expected: string): P4labError {
  return new P4labError(`${where}: ${field} ${JSON.stringify(value)} is not valid`, `write ${expected}`);
}

function parseTime(where: string, field: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s)\s*$/.exec(v);
  if (!m) throw bad(where, field, v, "a duration such as '20ms', '500us' or '1s'");
  return Math.round(Number(m[1]) * TIME_UNITS[m[2]!]!);
}

function parseRate(where: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(v);
  const unit = m ? RATE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw bad(where, 'rate', v, "a rate such as '10Mbit', '1Gbit' or '500kbit'");
  const bps = Number(m[1]) * unit;
  if (bps <= 0) throw bad(where, 'rate', v, 'a rate above zero');
  return bps;
}

function parseLoss(where: string, v: string | number): number {
  let f: number;
  if (typeof v === 'number') f = v;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
    if (!m) throw bad(where, 'loss', v, "a percentage such as '1%' or a fraction such as 0.01");
    f = Number(m[1]) / 100;
  }
  if (!(f >= 0 && f <= 1)) throw bad(where, 'loss', v, 'a loss between 0% and 100%');
  return f;
}

/** Parses and checks emulation parameters; `where` names the link in errors. */
export function parseEmulation(where: string, e: LinkEmulation): EmulationValues {
  const known = new Set(['delay', 'jitter', 'loss', 'rate', 'queue']);
  for (const k of Object.keys(e)) {
    if (!known.has(k)) throw new P4labError(`${where}: unknown link setting ${JSON.stringify(k)}`, `use ${[...known].join(', ')}`);
  }
  const out: EmulationValues = {};
  if (e.delay !== undefined) out.delayUs = parseTime(where, 'delay', e.delay);
  if (e.jitter !== undefined) out.jitterUs = parseTime(where, 'jitter', e.jitter);
  if (e.loss !== undefined) out.loss = parseLoss(where, e.loss);
  if (e.rate !== undefined) out.rateBps = parseRate(where, e.rate);
  if (e.queue !== undefined) {
    if (!Number.isInteger(e.queue) || e.queue < 1) throw bad(where, 'queue', e.queue, 'a whole number of packets, at least 1');
    out.queue = e.queue;
  }
  return out;
}

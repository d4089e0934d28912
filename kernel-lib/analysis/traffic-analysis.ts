// Dataframes of a traffic run: packets, flows, series and outages, computed
// on typed arrays and handed to Arquero as columns.
//
// Times are float64 nanoseconds since `originNs` (a CLOCK_REALTIME instant,
// by default the run's start), exact for runs shorter than 104 days.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { P4labError } from '../errors.js';
import { SEQ_MODULUS } from '../traffic/trace-format.js';
import { readTrace, readTraceHeader, type TraceColumns } from '../traffic/trace-reader.js';
import { matchTraces, type Matched } from './match.js';
import { groupByKey, quantiles } from './stats.js';

export interface TraceSet {
  sendTraces?: readonly string[];
  recvTraces: readonly string[];
  /** Time origin; default the run's start instant if given, else the earliest trace's creation. */
  startNs?: bigint;
}

export interface SeriesOptions {
  /** Bin width in milliseconds, 10 … 1000 (others allowed). */
  bin_ms: number;
  /** One row per flow and bin instead of one per bin. */
  byFlow?: boolean;
}

export class TrafficAnalysis {
  readonly #m: Matched;

  private constructor(readonly originNs: bigint, m: Matched) {
    this.#m = m;
  }

  /** Reads a run's traces (e.g. what startTraffic's wait() returns) with one time origin. */
  static async load(set: TraceSet): Promise<TrafficAnalysis> {
    const sendPaths = set.sendTraces ?? [];
    if (set.recvTraces.length === 0) throw new P4labError('no receive traces to analyse', 'pass recvTraces from the run (startTraffic(...).wait())');
    let origin = set.startNs;
    if (origin === undefined) {
      const headers = await Promise.all([...sendPaths, ...set.recvTraces].map(readTraceHeader));
      origin = headers.reduce((a, h) => (h.createdNs < a ? h.createdNs : a), headers[0]!.createdNs);
    }
    const opts = { originNs: origin };
    const sent = await Promise.all(sendPaths.map((p) => readTrace(p, opts)));
    const recv = await Promise.all(set.recvTraces.map((p) => readTrace(p, opts)));
    for (const t of sent) if (t.kind !== 'send') throw new P4labError(`${t.path} is a receive trace, given as a send trace`);
    for (const t of recv) if (t.kind !== 'recv') throw new P4labError(`${t.path} is a send trace, given as a receive trace`);
    return TrafficAnalysis.fromColumns(sent, recv, origin);
  }

  /** From traces already read with the same originNs. */
  static fromColumns(sent: readonly TraceColumns[], recv: readonly TraceColumns[], originNs: bigint): TrafficAnalysis {
    for (const t of [...sent, ...recv]) {
      if (t.originNs !== originNs) throw new P4labError(`${t.path} was read with another time origin`, 'read every trace with the same originNs');
    }
    return new TrafficAnalysis(originNs, matchTraces(sent, recv));
  }

  /**
   * One row per packet (flow, seq), first copy; lost packets have rx_ns and
   * latency_ns NaN. Then one row per duplicate copy (duplicate = 1).
   * Without send traces, packets after the last arrival of a flow are unknown.
   * seq is the 32-bit sequence number as carried; rows are ordered by flow and
   * unwrapped sequence, duplicates last. lost/reordered/duplicate are 0/1.
   */
  packets(): ColumnTable {
    const m = this.#m;
    const slots = m.arrivals.length;
    let dups = 0;
    for (let i = 0; i < m.arrivalDup.length; i++) dups += m.arrivalDup[i]!;
    const keep = (s: number) => m.sent[s] === 1 || m.arrivals[s]! > 0 || !m.haveSent;
    let n = dups;
    for (let s = 0; s < slots; s++) if (keep(s)) n++;
    const flow = new Uint32Array(n), seq = new Uint32Array(n), size = new Uint32Array(n);
    const tx = new Float64Array(n), rx = new Float64Array(n), lat = new Float64Array(n);
    const lost = new Uint8Array(n), reordered = new Uint8Array(n), duplicate = new Uint8Array(n);
    let r = 0;
    for (let f = 0; f < m.flowIds.length; f++) {
      const base = m.slotBase[f]!, count = m.slotCount[f]!, min = m.minExt[f]!, id = m.flowIds[f]!;
      for (let j = 0; j < count; j++) {
        const s = base + j;
        if (!keep(s)) continue;
        flow[r] = id;
        seq[r] = (min + j) % SEQ_MODULUS >>> 0;
        size[r] = m.size[s]!;
        tx[r] = m.tx_ns[s]!;
        rx[r] = m.rx_ns[s]!;
        lat[r] = rx[r]! - tx[r]!;
        lost[r] = m.arrivals[s] === 0 ? 1 : 0;
        reordered[r] = m.reordered[s]!;
        r++;
      }
    }
    for (let k = 0; k < m.arrivalDup.length; k++) {
      if (!m.arrivalDup[k]) continue;
      const f = m.arrivalFlow[k]!;
      flow[r] = m.flowIds[f]!;
      seq[r] = (m.minExt[f]! + m.arrivalSlot[k]! - m.slotBase[f]!) % SEQ_MODULUS >>> 0;
      size[r] = m.arrivalSize[k]!;
      tx[r] = m.arrivalTx[k]!;
      rx[r] = m.arrivalRx[k]!;
      lat[r] = rx[r]! - tx[r]!;
      duplicate[r] = 1;
      r++;
    }
    return aq.table({ flow, seq, size, tx_ns: tx, rx_ns: rx, latency_ns: lat, lost, reordered, duplicate });
  }

  /**
   * One row per flow. sent: packets in the send traces (without them, the
   * span of sequence numbers received); lost: sent but never received;
   * loss = lost / sent. Latency is one-way (rx_ns − tx_ns) of first copies;
   * percentiles are nearest-rank. jitter_ns is the mean absolute difference
   * between the latencies of consecutively received packets (RFC 3550's D,
   * unsmoothed); duplicates are left out of latency and jitter.
   */
  flows(): ColumnTable {
    const m = this.#m;
    const nf = m.flowIds.length;
    const sent = new Float64Array(nf), received = new Float64Array(nf), lost = new Float64Array(nf);
    const dup = new Float64Array(nf), reord = new Float64Array(nf), loss = new Float64Array(nf);
    const p50 = new Float64Array(nf), p99 = new Float64Array(nf), max = new Float64Array(nf), mean = new Float64Array(nf);
    const jitter = new Float64Array(nf);
    const latency = new Float64Array(m.arrivals.length);
    for (let f = 0; f < nf; f++) {
      const base = m.slotBase[f]!, end = base + m.slotCount[f]!;
      let n = base; // this flow's latencies, packed from its first slot
      for (let s = base; s < end; s++) {
        const wasSent = m.haveSent ? m.sent[s] === 1 : true;
        if (wasSent) sent[f]!++;
        if (m.arrivals[s]! > 0) {
          received[f]!++;
          dup[f]! += m.arrivals[s]! - 1;
          reord[f]! += m.reordered[s]!;
          latency[n++] = m.rx_ns[s]! - m.tx_ns[s]!;
        } else if (wasSent) lost[f]!++;
      }
      loss[f] = sent[f]! > 0 ? lost[f]! / sent[f]! : NaN;
      const q = quantiles(latency, base, n);
      p50[f] = q.p50;
      p99[f] = q.p99;
      max[f] = q.max;
      mean[f] = q.mean;
    }
    const last = new Float64Array(nf).fill(NaN), jsum = new Float64Array(nf), jn = new Float64Array(nf);
    for (let k = 0; k < m.arrivalDup.length; k++) {
      if (m.arrivalDup[k]) continue;
      const f = m.arrivalFlow[k]!;
      const l = m.arrivalRx[k]! - m.arrivalTx[k]!;
      if (last[f] === last[f]) { jsum[f]! += Math.abs(l - last[f]!); jn[f]!++; }
      last[f] = l;
    }
    for (let f = 0; f < nf; f++) jitter[f] = jn[f]! > 0 ? jsum[f]! / jn[f]! : NaN;
    return aq.table({
      flow: Uint32Array.from(m.flowIds), sent, received, lost, loss, duplicates: dup, reordered: reord,
      latency_p50_ns: p50, latency_p99_ns: p99, latency_max_ns: max, latency_mean_ns: mean, jitter_ns: jitter,
    });
  }

  /**
   * Fixed-width bins from t = 0 (the origin). sent, lost, loss and latency_*
   * count packets by their send time (a lost packet has no receive time);
   * rx_pps and rx_bps (UDP payload bits) count first copies by receive time.
   * t_ns is the bin's start. Bins run from the first to the last active one
   * (per flow with byFlow), empty bins included so gaps show as zeros.
   * Without send traces a lost packet has no known send time, so it is not
   * counted here (flows() and outages() still count it).
   */
  series(options: SeriesOptions): ColumnTable {
    const m = this.#m;
    const bin = options.bin_ms * 1e6;
    if (!(bin > 0)) throw new P4labError(`series bin_ms must be above 0, got ${options.bin_ms}`);
    const nf = options.byFlow ? m.flowIds.length : 1;
    const slots = m.arrivals.length;
    // Bin indices of every slot (by tx) and arrival (by rx), and their range.
    let lo = Infinity, hi = -Infinity;
    for (let s = 0; s < slots; s++) {
      const t = m.tx_ns[s]!;
      if (t === t) { if (t < lo) lo = t; if (t > hi) hi = t; }
    }
    for (let k = 0; k < m.arrivalRx.length; k++) {
      const t = m.arrivalRx[k]!;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    if (lo > hi) return aq.table({ t_ns: new Float64Array(0) });
    const b0 = Math.floor(lo / bin), nb = Math.floor(hi / bin) - b0 + 1;
    if (nb * nf > 50_000_000) {
      throw new P4labError(`series of ${nb} bins × ${nf} flows is too large`, 'use a larger bin_ms or leave out byFlow');
    }
    const keys = nb * nf;
    const sent = new Float64Array(keys), lost = new Float64Array(keys), rxCount = new Float64Array(keys), rxBytes = new Float64Array(keys);
    const first = new Float64Array(nf).fill(Infinity), lastB = new Float64Array(nf).fill(-Infinity);
    const slotKey = new Float64Array(slots).fill(-1);
    const latency = new Float64Array(slots).fill(NaN);
    const mark = (f: number, b: number) => { if (b < first[f]!) first[f] = b; if (b > lastB[f]!) lastB[f] = b; };
    for (let fl = 0; fl < m.flowIds.length; fl++) {
      const f = options.byFlow ? fl : 0;
      const base = m.slotBase[fl]!, end = base + m.slotCount[fl]!;
      for (let s = base; s < end; s++) {
        const t = m.tx_ns[s]!;
        if (t !== t || (m.haveSent && !m.sent[s] && m.arrivals[s] === 0)) continue;
        const b = Math.floor(t / bin) - b0;
        const key = f * nb + b;
        slotKey[s] = key;
        sent[key]!++;
        if (m.arrivals[s] === 0) lost[key]!++;
        else latency[s] = m.rx_ns[s]! - t;
        mark(f, b);
      }
    }
    for (let k = 0; k < m.arrivalRx.length; k++) {
      if (m.arrivalDup[k]) continue;
      const f = options.byFlow ? m.arrivalFlow[k]! : 0;
      const b = Math.floor(m.arrivalRx[k]! / bin) - b0;
      rxCount[f * nb + b]!++;
      rxBytes[f * nb + b]! += m.arrivalSize[k]!;
      mark(f, b);
    }
    const { values: grouped, offsets } = groupByKey(slotKey, latency, keys);
    let rows = 0;
    for (let f = 0; f < nf; f++) if (lastB[f]! >= first[f]!) rows += lastB[f]! - first[f]! + 1;
    const out = {
      t_ns: new Float64Array(rows), flow: new Uint32Array(rows), sent: new Float64Array(rows), lost: new Float64Array(rows),
      loss: new Float64Array(rows), rx_pps: new Float64Array(rows), rx_bps: new Float64Array(rows),
      latency_p50_ns: new Float64Array(rows), latency_p99_ns: new Float64Array(rows), latency_max_ns: new Float64Array(rows),
    };
    const seconds = bin / 1e9;
    let r = 0;
    for (let f = 0; f < nf; f++) {
      for (let b = first[f]!; b <= lastB[f]!; b++, r++) {
        const key = f * nb + b;
        const q = quantiles(grouped, offsets[key]!, offsets[key + 1]!);
        out.t_ns[r] = (b + b0) * bin;
        out.flow[r] = m.flowIds[f]!;
        out.sent[r] = sent[key]!;
        out.lost[r] = lost[key]!;
        out.loss[r] = sent[key]! > 0 ? lost[key]! / sent[key]! : NaN;
        out.rx_pps[r] = rxCount[key]! / seconds;
        out.rx_bps[r] = (rxBytes[key]! * 8) / seconds;
        out.latency_p50_ns[r] = q.p50;
        out.latency_p99_ns[r] = q.p99;
        out.latency_max_ns[r] = q.max;
      }
    }
    const { flow, ...aggregate } = out;
    return aq.table(options.byFlow ? out : aggregate);
  }

  /**
   * Gaps longer than threshold_ms between consecutive arrivals of a flow
   * (first copies, receive order): start_ns/end_ns are the two arrivals'
   * receive times; lost counts the flow's lost packets whose sequence numbers
   * lie between the highest received before the gap and the packet after it.
   */
  outages(options: { threshold_ms: number }): ColumnTable {
    const m = this.#m;
    const thr = options.threshold_ms * 1e6;
    if (!(thr >= 0)) throw new P4labError(`outages threshold_ms must be ≥ 0, got ${options.threshold_ms}`);
    const slots = m.arrivals.length;
    const cumLost = new Float64Array(slots + 1);
    for (let s = 0; s < slots; s++) {
      const isLost = m.arrivals[s] === 0 && (!m.haveSent || m.sent[s] === 1);
      cumLost[s + 1] = cumLost[s]! + (isLost ? 1 : 0);
    }
    const nf = m.flowIds.length;
    const lastRx = new Float64Array(nf).fill(NaN), highest = new Float64Array(nf).fill(-1);
    const rows = { flow: [] as number[], start_ns: [] as number[], end_ns: [] as number[], duration_ns: [] as number[], lost: [] as number[] };
    for (let k = 0; k < m.arrivalRx.length; k++) {
      if (m.arrivalDup[k]) continue;
      const f = m.arrivalFlow[k]!, rx = m.arrivalRx[k]!, s = m.arrivalSlot[k]!;
      if (rx - lastRx[f]! > thr) {
        rows.flow.push(m.flowIds[f]!);
        rows.start_ns.push(lastRx[f]!);
        rows.end_ns.push(rx);
        rows.duration_ns.push(rx - lastRx[f]!);
        rows.lost.push(s > highest[f]! ? cumLost[s]! - cumLost[highest[f]! + 1]! : 0);
      }
      lastRx[f] = rx;
      if (s > highest[f]!) highest[f] = s;
    }
    return aq.table({
      flow: Uint32Array.from(rows.flow), start_ns: Float64Array.from(rows.start_ns), end_ns: Float64Array.from(rows.end_ns),
      duration_ns: Float64Array.from(rows.duration_ns), lost: Float64Array.from(rows.lost),
    });
  }
}

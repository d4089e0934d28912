// Matches sent and received records per flow by sequence number, on typed
// arrays only (this is the path that must take 10M records in seconds).
//
// Sequence numbers are 32 bits and wrap (2^32 − 1 → 0). Each record's
// sequence number is "unwrapped" to the value within ±2^31 of a per-flow
// reference (the sender's previous packet; for arrivals, the highest seen so
// far), so wrap-around, loss and reordering of less than 2^31 packets are exact.
// Every (flow, unwrapped seq) gets a slot; flows' slots are contiguous.
import { P4labError } from '../errors.js';
import type { TraceColumns } from '../traffic/trace-reader.js';

export interface Matched {
  readonly haveSent: boolean;
  readonly flowIds: Uint32Array;
  /** Per flow index: first slot, slot count, lowest unwrapped seq. */
  readonly slotBase: Float64Array;
  readonly slotCount: Float64Array;
  readonly minExt: Float64Array;
  /** Per slot. tx_ns NaN when not known; rx_ns NaN when never received. */
  readonly sent: Uint8Array;
  readonly tx_ns: Float64Array;
  readonly rx_ns: Float64Array;
  readonly size: Uint32Array;
  readonly arrivals: Uint32Array;
  readonly reordered: Uint8Array;
  /** Per arrival (concatenated received traces, arrival order): its slot, 1 if a duplicate copy. */
  readonly arrivalSlot: Float64Array;
  readonly arrivalDup: Uint8Array;
  readonly arrivalTx: Float64Array;
  readonly arrivalRx: Float64Array;
  readonly arrivalSize: Uint32Array;
  readonly arrivalFlow: Uint32Array; // flow index
}

export function matchTraces(sentTraces: readonly TraceColumns[], recvTraces: readonly TraceColumns[]): Matched {
  // Flow ids below 2^16 (the usual case) index a table; others go through a Map.
  const small = new Int32Array(65536).fill(-1);
  const large = new Map<number, number>();
  const ids: number[] = [];
  const flowIndex = (id: number): number => {
    let i = id < 65536 ? small[id]! : (large.get(id) ?? -1);
    if (i < 0) {
      i = ids.length;
      if (id < 65536) small[id] = i; else large.set(id, i);
      ids.push(id);
    }
    return i;
  };

  const nSent = sentTraces.reduce((a, t) => a + t.length, 0);
  const nRecv = recvTraces.reduce((a, t) => a + t.length, 0);
  const sentFlow = new Uint32Array(nSent);
  const sentExt = new Float64Array(nSent);
  const arrivalFlow = new Uint32Array(nRecv);
  const arrivalExt = new Float64Array(nRecv);

  // Unwrap sent records against the flow's previous packet (ext, and its
  // 32-bit value kept alongside to avoid a float modulo per record).
  let lastExt: Float64Array = new Float64Array(64).fill(NaN);
  let lastRaw: Float64Array = new Float64Array(64);
  let k = 0;
  for (const t of sentTraces) {
    for (let i = 0; i < t.length; i++, k++) {
      const fi = flowIndex(t.flow[i]!);
      if (fi >= lastExt.length) { lastExt = grow(lastExt, NaN); lastRaw = grow(lastRaw, 0); }
      const seq = t.seq[i]!;
      const ref = lastExt[fi]!;
      const ext = ref !== ref ? seq : ref + ((seq - lastRaw[fi]!) | 0);
      lastExt[fi] = ext;
      lastRaw[fi] = seq;
      sentFlow[k] = fi;
      sentExt[k] = ext;
    }
  }
  // Arrivals: against the highest seen so far, starting from the first sent seq.
  let maxExt: Float64Array = new Float64Array(Math.max(64, ids.length)).fill(NaN);
  let maxRaw: Float64Array = new Float64Array(maxExt.length);
  for (let i = nSent - 1; i >= 0; i--) maxExt[sentFlow[i]!] = sentExt[i]!; // each flow's first sent
  for (let f = 0; f < ids.length; f++) if (maxExt[f] === maxExt[f]) maxRaw[f] = maxExt[f]! >>> 0;
  k = 0;
  for (const t of recvTraces) {
    for (let i = 0; i < t.length; i++, k++) {
      const fi = flowIndex(t.flow[i]!);
      if (fi >= maxExt.length) { maxExt = grow(maxExt, NaN); maxRaw = grow(maxRaw, 0); }
      const seq = t.seq[i]!;
      const ref = maxExt[fi]!;
      const ext = ref !== ref ? seq : ref + ((seq - maxRaw[fi]!) | 0);
      if (!(ext <= ref)) { maxExt[fi] = ext; maxRaw[fi] = seq; }
      arrivalFlow[k] = fi;
      arrivalExt[k] = ext;
    }
  }

  // Slot ranges per flow.
  const nFlows = ids.length;
  const minExt = new Float64Array(nFlows).fill(Infinity);
  const maxSlotExt = new Float64Array(nFlows).fill(-Infinity);
  for (let i = 0; i < nSent; i++) {
    const f = sentFlow[i]!, e = sentExt[i]!;
    if (e < minExt[f]!) minExt[f] = e;
    if (e > maxSlotExt[f]!) maxSlotExt[f] = e;
  }
  for (let i = 0; i < nRecv; i++) {
    const f = arrivalFlow[i]!, e = arrivalExt[i]!;
    if (e < minExt[f]!) minExt[f] = e;
    if (e > maxSlotExt[f]!) maxSlotExt[f] = e;
  }
  const slotBase = new Float64Array(nFlows);
  const slotCount = new Float64Array(nFlows);
  let slots = 0;
  for (let f = 0; f < nFlows; f++) {
    slotBase[f] = slots;
    slotCount[f] = maxSlotExt[f]! - minExt[f]! + 1;
    slots += slotCount[f]!;
  }
  const limit = 2 * (nSent + nRecv) + 1_000_000;
  if (slots > limit) {
    throw new P4labError(
      `the traces' sequence numbers span ${slots} packets for ${nSent + nRecv} records`,
      'a flow id was reused by unrelated senders, or a trace is not from p4lab-send; give each flow its own id',
    );
  }

  const sent = new Uint8Array(slots);
  const tx = new Float64Array(slots).fill(NaN);
  const rx = new Float64Array(slots).fill(NaN);
  const size = new Uint32Array(slots);
  const arrivals = new Uint32Array(slots);
  const reordered = new Uint8Array(slots);
  k = 0;
  for (const t of sentTraces) {
    for (let i = 0; i < t.length; i++, k++) {
      const f = sentFlow[k]!;
      const s = slotBase[f]! + sentExt[k]! - minExt[f]!;
      sent[s] = 1;
      tx[s] = t.tx_ns[i]!;
      size[s] = t.size[i]!;
    }
  }
  const arrivalSlot = new Float64Array(nRecv);
  const arrivalDup = new Uint8Array(nRecv);
  const arrivalTx = new Float64Array(nRecv);
  const arrivalRx = new Float64Array(nRecv);
  const arrivalSize = new Uint32Array(nRecv);
  const highest = new Float64Array(nFlows).fill(-Infinity);
  k = 0;
  for (const t of recvTraces) {
    for (let i = 0; i < t.length; i++, k++) {
      const f = arrivalFlow[k]!;
      const e = arrivalExt[k]!;
      const s = slotBase[f]! + e - minExt[f]!;
      arrivalSlot[k] = s;
      arrivalTx[k] = t.tx_ns[i]!;
      arrivalRx[k] = t.rx_ns[i]!;
      arrivalSize[k] = t.size[i]!;
      if (arrivals[s]!++ > 0) {
        arrivalDup[k] = 1;
        continue;
      }
      rx[s] = t.rx_ns[i]!;
      if (tx[s] !== tx[s]) tx[s] = t.tx_ns[i]!;
      if (size[s] === 0) size[s] = t.size[i]!;
      if (e < highest[f]!) reordered[s] = 1;
      else highest[f] = e;
    }
  }
  return {
    haveSent: sentTraces.length > 0,
    flowIds: Uint32Array.from(ids),
    slotBase, slotCount, minExt,
    sent, tx_ns: tx, rx_ns: rx, size, arrivals, reordered,
    arrivalSlot, arrivalDup, arrivalTx, arrivalRx, arrivalSize, arrivalFlow,
  };
}

function grow(a: Float64Array, fill: number): Float64Array {
  const b = new Float64Array(a.length * 2).fill(fill);
  b.set(a);
  return b;
}

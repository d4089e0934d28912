// Writes traces in the tools' format, for synthetic traces and conversions.
import { writeFile } from 'node:fs/promises';
import { P4labError } from '../errors.js';
import { RECORD_WORDS, TRACE_HEADER_BYTES, TRACE_MAGIC, TRACE_RECORD_BYTES, TRACE_VERSION, W, type TraceKind } from './trace-format.js';

export interface TraceRecords {
  kind: TraceKind;
  createdNs: bigint;
  /** The instant tx_ns/rx_ns count from. */
  originNs: bigint;
  flow: ArrayLike<number>;
  seq: ArrayLike<number>;
  size: ArrayLike<number>;
  /** Nanoseconds since originNs, whole numbers. rx_ns is ignored in send traces. */
  tx_ns: ArrayLike<number>;
  rx_ns?: ArrayLike<number>;
}

const M = 4294967296;

export async function writeTrace(path: string, t: TraceRecords): Promise<void> {
  const n = t.flow.length;
  if (t.seq.length !== n || t.size.length !== n || t.tx_ns.length !== n || (t.kind === 'recv' && t.rx_ns?.length !== n)) {
    throw new P4labError(`writeTrace ${path}: every column needs ${n} values (rx_ns too in a recv trace)`);
  }
  const buf = Buffer.alloc(TRACE_HEADER_BYTES + n * TRACE_RECORD_BYTES);
  buf.write(TRACE_MAGIC, 0, 'latin1');
  buf.writeUInt16LE(TRACE_VERSION, 8);
  buf.writeUInt16LE(TRACE_HEADER_BYTES, 10);
  buf.writeUInt16LE(TRACE_RECORD_BYTES, 12);
  buf.writeUInt16LE(t.kind === 'send' ? 1 : 2, 14);
  buf.writeBigUInt64LE(t.createdNs, 16);
  const words = new Uint32Array(buf.buffer, buf.byteOffset + TRACE_HEADER_BYTES, n * RECORD_WORDS);
  // origin + rel split into 32-bit halves without BigInt per record.
  const oLo = Number(t.originNs & 0xffffffffn), oHi = Number(t.originNs >> 32n);
  const put = (w: number, rel: number) => {
    const lo = oLo + rel;
    words[w] = ((lo % M) + M) % M;
    words[w + 1] = oHi + Math.floor(lo / M);
  };
  for (let i = 0, w = 0; i < n; i++, w += RECORD_WORDS) {
    put(w + W.txLo, t.tx_ns[i]!);
    if (t.kind === 'recv') put(w + W.rxLo, t.rx_ns![i]!);
    words[w + W.flow] = t.flow[i]!;
    words[w + W.seq] = t.seq[i]!;
    words[w + W.size] = t.size[i]!;
  }
  await writeFile(path, buf);
}

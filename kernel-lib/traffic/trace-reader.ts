// Reads p4lab traces into columns (typed arrays, no per-record objects).
// Times become float64 nanoseconds relative to an origin instant: absolute
// realtime nanoseconds exceed 2^53, differences within 104 days do not.
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { P4labError } from '../errors.js';
import {
  RECORD_WORDS, TRACE_HEADER_BYTES, TRACE_KINDS, TRACE_MAGIC, TRACE_RECORD_BYTES, TRACE_VERSION, W,
  type TraceKind,
} from './trace-format.js';

export interface TraceHeader {
  kind: TraceKind;
  /** When the tool opened the trace (CLOCK_REALTIME ns). */
  createdNs: bigint;
}

/** A trace as columns; row i is record i in file order. */
export interface TraceColumns {
  readonly path: string;
  readonly kind: TraceKind;
  readonly createdNs: bigint;
  /** The instant tx_ns and rx_ns count from. */
  readonly originNs: bigint;
  readonly length: number;
  readonly flow: Uint32Array;
  readonly seq: Uint32Array;
  /** UDP payload bytes. */
  readonly size: Uint32Array;
  readonly tx_ns: Float64Array;
  /** NaN in send traces. */
  readonly rx_ns: Float64Array;
  /** Bytes of a partial last record (a writer killed mid-write), ignored. */
  readonly truncatedBytes: number;
}

export interface ReadOptions {
  /** Origin for tx_ns/rx_ns; default the trace's createdNs. */
  originNs?: bigint;
}

const CHUNK_RECORDS = 65536; // 2 MiB reads

if (endianness() !== 'LE') throw new Error('p4lab traces are little-endian; this host is big-endian');

export async function readTraceHeader(path: string): Promise<TraceHeader> {
  const fh = await openTrace(path);
  try {
    return await header(fh, path);
  } finally {
    await fh.close();
  }
}

/** Reads a whole trace into columns. */
export async function readTrace(path: string, options: ReadOptions = {}): Promise<TraceColumns> {
  const fh = await openTrace(path);
  try {
    const h = await header(fh, path);
    const bytes = (await fh.stat()).size - TRACE_HEADER_BYTES;
    const n = Math.floor(bytes / TRACE_RECORD_BYTES);
    const cols: TraceChunk = {
      length: 0,
      flow: new Uint32Array(n), seq: new Uint32Array(n), size: new Uint32Array(n),
      tx_ns: new Float64Array(n), rx_ns: new Float64Array(n),
    };
    const originNs = options.originNs ?? h.createdNs;
    const raw = new Uint8Array(CHUNK_RECORDS * TRACE_RECORD_BYTES);
    while (cols.length < n) {
      const got = await readRecords(fh, raw, cols.length, Math.min(CHUNK_RECORDS, n - cols.length));
      if (got === 0) break; // the file shrank under us
      decode(raw, got, h.kind, originNs, cols, cols.length);
      cols.length += got;
    }
    return { path, ...h, originNs, ...cols, truncatedBytes: bytes - n * TRACE_RECORD_BYTES };
  }
  finally {
    await fh.close();
  }
}

/** A slice of a trace; its arrays are reused by the next chunk. */
export interface TraceChunk {
  length: number;
  flow: Uint32Array;
  seq: Uint32Array;
  size: Uint32Array;
  tx_ns: Float64Array;
  rx_ns: Float64Array;
}

/** Streams a trace in chunks without holding it in memory. */
export async function* streamTrace(path: string, options: ReadOptions = {}): AsyncGenerator<TraceChunk> {
  const fh = await openTrace(path);
  try {
    const h = await header(fh, path);
    const n = Math.floor(((await fh.stat()).size - TRACE_HEADER_BYTES) / TRACE_RECORD_BYTES);
    yield* chunks(fh, n, h.kind, options.originNs ?? h.createdNs);
  } finally {
    await fh.close();
  }
}

async function* chunks(fh: FileHandle, records: number, kind: TraceKind, originNs: bigint): AsyncGenerator<TraceChunk> {
  const raw = new Uint8Array(CHUNK_RECORDS * TRACE_RECORD_BYTES);
  const out: TraceChunk = {
    length: 0,
    flow: new Uint32Array(CHUNK_RECORDS), seq: new Uint32Array(CHUNK_RECORDS), size: new Uint32Array(CHUNK_RECORDS),
    tx_ns: new Float64Array(CHUNK_RECORDS), rx_ns: new Float64Array(CHUNK_RECORDS),
  };
  let done = 0;
  while (done < records) {
    const got = await readRecords(fh, raw, done, Math.min(CHUNK_RECORDS, records - done));
    if (got === 0) break; // the file shrank under us
    decode(raw, got, kind, originNs, out, 0);
    out.length = got;
    yield got === CHUNK_RECORDS ? out : sliceChunk(out, got);
    done += got;
  }
}

async function readRecords(fh: FileHandle, raw: Uint8Array, first: number, count: number): Promise<number> {
  const { bytesRead } = await fh.read(raw, 0, count * TRACE_RECORD_BYTES, TRACE_HEADER_BYTES + first * TRACE_RECORD_BYTES);
  return Math.floor(bytesRead / TRACE_RECORD_BYTES);
}

/** Decodes `count` records from raw into out[at …]. */
function decode(raw: Uint8Array, count: number, kind: TraceKind, originNs: bigint, out: TraceChunk, at: number): void {
  const words = new Uint32Array(raw.buffer, raw.byteOffset, count * RECORD_WORDS);
  const oLo = Number(originNs & 0xffffffffn);
  const oHi = Number(originNs >> 32n);
  const recv = kind === 'recv';
  for (let i = 0, w = 0, o = at; i < count; i++, w += RECORD_WORDS, o++) {
    out.tx_ns[o] = (words[w + W.txHi]! - oHi) * 4294967296 + (words[w + W.txLo]! - oLo);
    out.rx_ns[o] = recv ? (words[w + W.rxHi]! - oHi) * 4294967296 + (words[w + W.rxLo]! - oLo) : NaN;
    out.flow[o] = words[w + W.flow]!;
    out.seq[o] = words[w + W.seq]!;
    out.size[o] = words[w + W.size]!;
  }
}

function sliceChunk(c: TraceChunk, n: number): TraceChunk {
  return {
    length: n,
    flow: c.flow.subarray(0, n), seq: c.seq.subarray(0, n), size: c.size.subarray(0, n),
    tx_ns: c.tx_ns.subarray(0, n), rx_ns: c.rx_ns.subarray(0, n),
  };
}

async function openTrace(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw new P4labError(`cannot open trace ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      'check the path; traces are written by p4lab-send/p4lab-recv (startTraffic returns their paths)');
  }
}

async function header(fh: FileHandle, path: string): Promise<TraceHeader> {
  const b = Buffer.alloc(TRACE_HEADER_BYTES);
  const { bytesRead } = await fh.read(b, 0, TRACE_HEADER_BYTES, 0);
  if (bytesRead < TRACE_HEADER_BYTES || b.toString('latin1', 0, 8) !== TRACE_MAGIC) {
    throw new P4labError(`${path} is not a p4lab trace (no P4LTRACE header)`, 'pass a file written by p4lab-send or p4lab-recv');
  }
  const version = b.readUInt16LE(8);
  const headerSize = b.readUInt16LE(10);
  const recordSize = b.readUInt16LE(12);
  const kind = TRACE_KINDS[b.readUInt16LE(14)];
  if (version !== TRACE_VERSION || headerSize !== TRACE_HEADER_BYTES || recordSize !== TRACE_RECORD_BYTES || !kind) {
    throw new P4labError(
      `${path}: trace version ${version} (header ${headerSize} B, records ${recordSize} B) is not the version ${TRACE_VERSION} this p4lab reads`,
      'read it with the p4lab version that wrote it, or re-run the experiment',
    );
  }
  return { kind, createdNs: b.readBigUInt64LE(16) };
}

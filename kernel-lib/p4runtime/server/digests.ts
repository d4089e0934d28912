// Digests: configuration (DigestEntry), batching into DigestLists and acks.
// A digest is streamed only once it is configured. Entries gather per digest
// until max_list_size are waiting or the oldest waited max_timeout_ns; the
// same data is not sent again while a list holding it waits for its ack (or
// for ack_timeout_ns to pass).
import * as grpc from '@grpc/grpc-js';
import type { DigestMessage } from '../../switch/control-plane.js';
import { encodeBytes } from '../bytes.js';
import type { DigestEntry, DigestList, DigestListAck, Entity, P4Data, UpdateType } from '../proto/messages.js';
import type { Pipeline } from './pipeline.js';
import type { DigestInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import { int64 } from './values.js';

interface Batch {
  data: P4Data[];
  keys: string[];
  timer: NodeJS.Timeout | undefined;
}

interface Outstanding {
  keys: string[];
  timer: NodeJS.Timeout | undefined;
}

function p4DataOf(info: DigestInfo, row: bigint[]): P4Data {
  const members = row.map((v) => ({ bitstring: encodeBytes(v) }));
  if (info.kind === 'bitstring') return members[0] ?? { bitstring: encodeBytes(0n) };
  return info.kind === 'tuple' ? { tuple: { members } } : { struct: { members } };
}

/** A timer delay in ms; Node treats anything above 2^31-1 ms as 1 ms, so clamp (≈ 24.8 days). */
function nsToMs(ns: bigint): number {
  return Math.min(Number(ns / 1_000_000n), 2 ** 31 - 1);
}

export class DigestService {
  private pipeline: Pipeline | undefined;
  private readonly batches = new Map<number, Batch>();
  private readonly outstanding = new Map<string, Outstanding>(); // `${digestId}/${listId}`
  private readonly suppressed = new Map<number, Set<string>>();
  private nextListId = 1n;

  constructor(private readonly send: (list: DigestList) => void) {}

  /** The running pipeline changed: pending lists and suppressions belong to the old one. */
  setPipeline(pipeline: Pipeline): void {
    this.close();
    this.pipeline = pipeline;
  }

  close(): void {
    for (const b of this.batches.values()) clearTimeout(b.timer);
    for (const o of this.outstanding.values()) clearTimeout(o.timer);
    this.batches.clear();
    this.outstanding.clear();
    this.suppressed.clear();
  }

  /** A digest the dataplane generated. */
  handle(message: DigestMessage): void {
    const pipeline = this.pipeline;
    const info = pipeline?.info.digestByLearnList.get(message.learnList);
    const config = info && pipeline?.digestConfigs.get(info.id);
    if (!info || !config) return; // not configured: the spec says not to stream it
    let suppressed = this.suppressed.get(info.id);
    if (!suppressed) this.suppressed.set(info.id, (suppressed = new Set()));
    let batch = this.batches.get(info.id);
    for (const row of message.data) {
      const key = row.join(',');
      if (suppressed.has(key)) continue;
      suppressed.add(key);
      if (!batch) this.batches.set(info.id, (batch = { data: [], keys: [], timer: undefined }));
      batch.data.push(p4DataOf(info, row));
      batch.keys.push(key);
    }
    if (!batch || batch.data.length === 0) return;
    if (batch.data.length >= Math.max(1, config.max_list_size) || config.max_timeout_ns <= 0n) this.flush(info.id);
    else batch.timer ??= setTimeout(() => this.flush(info.id), nsToMs(config.max_timeout_ns)).unref();
  }

  private flush(digestId: number): void {
    const batch = this.batches.get(digestId);
    const config = this.pipeline?.digestConfigs.get(digestId);
    if (!batch || !config) return;
    clearTimeout(batch.timer);
    this.batches.delete(digestId);
    const listId = this.nextListId++;
    const id = `${digestId}/${listId}`;
    const outstanding: Outstanding = { keys: batch.keys, timer: undefined };
    this.outstanding.set(id, outstanding);
    if (config.ack_timeout_ns > 0n) outstanding.timer = setTimeout(() => this.release(id), nsToMs(config.ack_timeout_ns)).unref();
    this.send({ digest_id: digestId, list_id: listId.toString(), data: batch.data, timestamp: (BigInt(Date.now()) * 1_000_000n).toString() });
    if (config.ack_timeout_ns <= 0n) this.release(id);
  }

  private release(id: string): void {
    const o = this.outstanding.get(id);
    if (!o) return;
    clearTimeout(o.timer);
    this.outstanding.delete(id);
    const suppressed = this.suppressed.get(Number(id.split('/')[0]));
    for (const k of o.keys) suppressed?.delete(k);
  }

  ack(ack: DigestListAck): void {
    const id = `${ack.digest_id ?? 0}/${ack.list_id ?? 0}`;
    if (!this.outstanding.has(id)) {
      throw new RpcError(grpc.status.NOT_FOUND, `DigestListAck: no digest list ${ack.list_id ?? 0} of digest ${ack.digest_id ?? 0} is waiting for an ack`);
    }
    this.release(id);
  }

  write(pipeline: Pipeline, type: UpdateType | undefined, e: DigestEntry): void {
    const info = pipeline.info.digests.get(e.digest_id ?? 0);
    if (!info) throw new RpcError(grpc.status.NOT_FOUND, `digest entry: no digest with id ${e.digest_id ?? 0} in the P4Info`);
    const where = `digest ${info.name}`;
    const exists = pipeline.digestConfigs.has(info.id);
    if (type === 'INSERT' && exists) throw new RpcError(grpc.status.ALREADY_EXISTS, `${where} is already configured; use MODIFY`);
    if ((type === 'MODIFY' || type === 'DELETE') && !exists) throw new RpcError(grpc.status.NOT_FOUND, `${where} is not configured; INSERT it first`);
    if (type === 'DELETE') {
      pipeline.digestConfigs.delete(info.id);
      if (pipeline === this.pipeline) {
        clearTimeout(this.batches.get(info.id)?.timer);
        this.batches.delete(info.id);
      }
      return;
    }
    if (type !== 'INSERT' && type !== 'MODIFY') throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: update type ${type ?? 'UNSPECIFIED'} is not INSERT, MODIFY or DELETE`);
    if (!e.config) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: config is missing`);
    const config = { max_timeout_ns: int64(e.config.max_timeout_ns), max_list_size: e.config.max_list_size ?? 0, ack_timeout_ns: int64(e.config.ack_timeout_ns) };
    if (config.max_timeout_ns < 0n || config.max_list_size < 0 || config.ack_timeout_ns < 0n) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: max_timeout_ns, max_list_size and ack_timeout_ns must not be negative`);
    }
    pipeline.digestConfigs.set(info.id, config);
  }

  read(pipeline: Pipeline, e: DigestEntry, out: Entity[]): void {
    if (e.digest_id && !pipeline.info.digests.has(e.digest_id)) {
      throw new RpcError(grpc.status.NOT_FOUND, `read digest entry: no digest with id ${e.digest_id} in the P4Info`);
    }
    for (const [id, c] of pipeline.digestConfigs) {
      if (e.digest_id && id !== e.digest_id) continue;
      out.push({
        digest_entry: {
          digest_id: id,
          config: { max_timeout_ns: c.max_timeout_ns.toString(), max_list_size: c.max_list_size, ack_timeout_ns: c.ack_timeout_ns.toString() },
        },
      });
    }
  }
}

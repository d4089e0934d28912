// Stream messages by name: packet-in / packet-out metadata, digest lists,
// idle-timeout notifications.
import type { Digest } from '../../p4info/types.js';
import { toBigInt } from '../bytes.js';
import { P4RuntimeNameError } from '../errors.js';
import type { ValueInput } from '../values.js';
import { encodeValue, int64 } from './codec.js';
import type { P4InfoIndex } from './p4info-index.js';
import { decodeTableEntry, type TableEntryView } from './table-entry.js';
import type { P4Data, PacketMetadata, StreamMessageRequest, StreamMessageResponse } from './wire.js';

export interface PacketIn {
  payload: Buffer;
  /** The packet_in header's fields by name. */
  metadata: Record<string, bigint>;
}

/** One digest message: each item is the digest struct's fields by name. */
export interface DigestList {
  digest: string;
  listId: bigint;
  timestampNs: bigint;
  data: Array<Record<string, bigint>>;
  /** Acknowledges the list (the switch then stops suppressing repeats of its data). */
  ack(): void;
}

export interface IdleTimeout {
  timestampNs: bigint;
  entries: TableEntryView[];
}

export function decodePacketIn(index: P4InfoIndex | undefined, msg: NonNullable<StreamMessageResponse['packet']>): PacketIn {
  const header = index?.controllerHeader('packet_in');
  const metadata: Record<string, bigint> = {};
  for (const m of msg.metadata ?? []) {
    const name = header?.metadata.find((f) => f.id === m.metadata_id)?.name ?? `id${m.metadata_id}`;
    metadata[name] = toBigInt(m.value);
  }
  return { payload: msg.payload ?? Buffer.alloc(0), metadata };
}

export function encodePacketOut(index: P4InfoIndex, payload: Uint8Array, metadata: Record<string, ValueInput>): StreamMessageRequest {
  const header = index.controllerHeader('packet_out');
  const given = Object.keys(metadata);
  if (!header) {
    if (given.length) throw new P4RuntimeNameError('the program has no @controller_header("packet_out") header', 'send the packet without metadata, or declare the header in the P4 program');
    return { packet: { payload: Buffer.from(payload), metadata: [] } };
  }
  for (const name of given) {
    if (!header.metadata.some((f) => f.name === name)) {
      throw new P4RuntimeNameError(`packet_out has no field '${name}'`, `its fields are ${header.metadata.map((f) => f.name).join(', ')}`);
    }
  }
  const out: PacketMetadata[] = header.metadata.map((f) => ({
    metadata_id: f.id,
    value: encodeValue(metadata[f.name] ?? 0, f.bitwidth, `packet_out field ${f.name}`),
  }));
  return { packet: { payload: Buffer.from(payload), metadata: out } };
}

function memberNames(index: P4InfoIndex, digest: Digest): string[] | undefined {
  const spec = digest.type_spec as { struct?: { name: string } };
  if (!spec.struct) return undefined;
  return index.p4info.type_info?.structs?.[spec.struct.name]?.members.map((m) => m.name);
}

function flatten(data: P4Data, names: string[] | undefined): Record<string, bigint> {
  const members = data.struct?.members ?? data.tuple?.members;
  if (!members) return { value: data.bitstring ? toBigInt(data.bitstring) : 0n };
  const out: Record<string, bigint> = {};
  members.forEach((m, i) => {
    out[names?.[i] ?? `f${i}`] = m.bitstring ? toBigInt(m.bitstring) : m.bool ? 1n : 0n;
  });
  return out;
}

export function decodeDigest(index: P4InfoIndex, msg: NonNullable<StreamMessageResponse['digest']>, ack: () => void): DigestList {
  const digest = index.digests.byId(msg.digest_id);
  const names = memberNames(index, digest);
  return {
    digest: digest.preamble.name,
    listId: int64(msg.list_id),
    timestampNs: int64(msg.timestamp),
    data: (msg.data ?? []).map((d) => flatten(d, names)),
    ack,
  };
}

export function decodeIdleTimeout(index: P4InfoIndex, msg: NonNullable<StreamMessageResponse['idle_timeout_notification']>): IdleTimeout {
  return {
    timestampNs: int64(msg.timestamp),
    entries: (msg.table_entry ?? []).map((e) => decodeTableEntry(index, e)),
  };
}

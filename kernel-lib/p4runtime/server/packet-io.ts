// Controller packet I/O: the packet_out header built from PacketOut metadata
// and the packet_in header stripped into PacketIn metadata. Fields are packed
// MSB first in P4Info order, the header padded with zero bits to whole bytes.
import * as grpc from '@grpc/grpc-js';
import { encodeBytes, toBigInt } from '../bytes.js';
import type { Bytes, PacketIn, PacketOut } from '../proto/messages.js';
import type { ControllerHeaderInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import { valueOf } from './values.js';

function invalid(message: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, message);
}

/** The bytes to inject on the CPU port: packet_out header, then the payload. */
export function packetOutBytes(header: ControllerHeaderInfo | undefined, packet: PacketOut): Buffer {
  const payload = Buffer.from(packet.payload ?? new Uint8Array());
  if (!header) {
    if (packet.metadata?.length) throw invalid('PacketOut: the program declares no @controller_header("packet_out"), so metadata must be empty');
    return payload;
  }
  const given = new Map<number, Bytes | undefined>();
  for (const m of packet.metadata ?? []) {
    const id = m.metadata_id ?? 0;
    if (!header.fields.some((f) => f.id === id)) {
      throw invalid(`PacketOut: packet_out has no metadata id ${id} (fields: ${header.fields.map((f) => `${f.id}=${f.name}`).join(', ')})`);
    }
    if (given.has(id)) throw invalid(`PacketOut: metadata id ${id} appears twice`);
    given.set(id, m.value);
  }
  let bits = 0n;
  for (const f of header.fields) {
    if (!given.has(f.id)) throw invalid(`PacketOut: packet_out metadata ${f.name} (id ${f.id}) is missing`);
    bits = (bits << BigInt(f.bitwidth)) | valueOf(given.get(f.id), f.bitwidth, `PacketOut metadata ${f.name}`);
  }
  const bytes = (header.bits + 7) >> 3;
  bits <<= BigInt(bytes * 8 - header.bits);
  const out = Buffer.alloc(bytes + payload.length);
  Buffer.from(bits.toString(16).padStart(bytes * 2, '0'), 'hex').copy(out);
  payload.copy(out, bytes);
  return out;
}

/** The PacketIn of a packet the pipeline sent to the CPU; undefined if it is shorter than the header. */
export function packetInOf(header: ControllerHeaderInfo | undefined, packet: Uint8Array): PacketIn | undefined {
  if (!header) return { payload: Buffer.from(packet) };
  const bytes = (header.bits + 7) >> 3;
  if (packet.length < bytes) return undefined;
  let bits = toBigInt(packet.subarray(0, bytes)) >> BigInt(bytes * 8 - header.bits);
  const values: bigint[] = [];
  for (let i = header.fields.length - 1; i >= 0; i--) {
    const w = BigInt(header.fields[i].bitwidth);
    values.push(bits & ((1n << w) - 1n));
    bits >>= w;
  }
  values.reverse();
  return {
    payload: Buffer.from(packet.subarray(bytes)),
    metadata: header.fields.map((f, i) => ({ metadata_id: f.id, value: encodeBytes(values[i]) })),
  };
}

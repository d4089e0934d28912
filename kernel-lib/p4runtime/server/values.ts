// Scalar P4Runtime values the server reads from requests and writes back:
// bytestrings, 64-bit integers, counter data, meter configs, indexes.
import * as grpc from '@grpc/grpc-js';
import type { CounterValue, MeterConfig as EngineMeterConfig } from '../../switch/control-plane.js';
import { BytestringError, decodeBytes } from '../bytes.js';
import type { Bytes, CounterData, Index, Int64, MeterConfig } from '../proto/messages.js';
import { RpcError } from './status.js';

/** A bytestring of a `bitwidth`-bit field; OUT_OF_RANGE names `what`. */
export function valueOf(bytes: Bytes | undefined, bitwidth: number, what: string): bigint {
  try {
    return decodeBytes(bytes ?? new Uint8Array(), bitwidth, what);
  } catch (e) {
    if (e instanceof BytestringError) throw new RpcError(grpc.status.OUT_OF_RANGE, e.message);
    throw e;
  }
}

export function int64(value: Int64 | undefined): bigint {
  return value === undefined ? 0n : BigInt(value);
}

function nonNegative(value: Int64 | undefined, what: string): bigint {
  const v = int64(value);
  if (v < 0n) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${what} is negative (${v})`);
  return v;
}

export function counterValueOf(data: CounterData, where: string): CounterValue {
  return { bytes: nonNegative(data.byte_count, `${where} byte_count`), packets: nonNegative(data.packet_count, `${where} packet_count`) };
}

/** Counter data as the counter's unit shows it (a packets-only counter has no byte_count). */
export function counterDataOf(value: CounterValue, unit: string): CounterData {
  const out: CounterData = {};
  if (unit !== 'PACKETS') out.byte_count = value.bytes.toString();
  if (unit !== 'BYTES') out.packet_count = value.packets.toString();
  return out;
}

export function meterConfigOf(config: MeterConfig, where: string): EngineMeterConfig {
  const m = {
    cir: nonNegative(config.cir, `${where} cir`),
    cburst: nonNegative(config.cburst, `${where} cburst`),
    pir: nonNegative(config.pir, `${where} pir`),
    pburst: nonNegative(config.pburst, `${where} pburst`),
  };
  if (int64(config.eburst) !== 0n) {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: eburst is for single-rate meters; v1model meters are two-rate three-colour (leave eburst unset)`);
  }
  if (m.cir > m.pir) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: cir ${m.cir} is above pir ${m.pir}; a two-rate meter needs cir <= pir`);
  return m;
}

export function meterConfigMessage(config: EngineMeterConfig): MeterConfig {
  return { cir: config.cir.toString(), cburst: config.cburst.toString(), pir: config.pir.toString(), pburst: config.pburst.toString() };
}

/** The cells an entity addresses, first to last: one, or all of them when the index is unset. */
export function indexRangeOf(index: Index | undefined, size: number, where: string): { from: number; to: number } {
  if (index === undefined) return { from: 0, to: size - 1 };
  const i = int64(index.index);
  if (i < 0n || i >= BigInt(size)) throw new RpcError(grpc.status.OUT_OF_RANGE, `${where}: index ${i} is outside 0..${size - 1}`);
  return { from: Number(i), to: Number(i) };
}

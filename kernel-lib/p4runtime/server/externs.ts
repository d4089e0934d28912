// Write and Read of the indexed externs: RegisterEntry, CounterEntry, MeterEntry.
// An unset index addresses every cell (wildcard), id 0 every instance (Read only).
// Registers over P4Runtime are a p4lab addition: real BMv2 answers UNIMPLEMENTED.
import * as grpc from '@grpc/grpc-js';
import { encodeBytes } from '../bytes.js';
import type { CounterEntry, Entity, MeterEntry, RegisterEntry, UpdateType } from '../proto/messages.js';
import type { ArrayInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import type { Target } from './table-entries.js';
import { counterDataOf, counterValueOf, indexesOf, meterConfigMessage, meterConfigOf, valueOf } from './values.js';

function requireModify(kind: string, type: UpdateType | undefined): void {
  if (type !== 'MODIFY') {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `${kind} entry: only MODIFY applies to ${kind}s (got ${type ?? 'UNSPECIFIED'}); their cells always exist`);
  }
}

function arrayOf(arrays: Map<number, ArrayInfo>, id: number | undefined, kind: string): ArrayInfo {
  const a = arrays.get(id ?? 0);
  if (!a) throw new RpcError(grpc.status.NOT_FOUND, `${kind} entry: no ${kind} with id ${id ?? 0} in the P4Info`);
  return a;
}

function arraysOf(arrays: Map<number, ArrayInfo>, id: number | undefined, kind: string): ArrayInfo[] {
  return id ? [arrayOf(arrays, id, kind)] : [...arrays.values()];
}

export function writeRegister({ pipeline, control }: Target, type: UpdateType | undefined, e: RegisterEntry): void {
  requireModify('register', type);
  const reg = arrayOf(pipeline.info.registers, e.register_id, 'register');
  const where = `register ${reg.name}`;
  if (e.data?.data !== 'bitstring') {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: data must be a bitstring of ${reg.bitwidth} bits (got ${e.data?.data ?? 'nothing'})`);
  }
  const value = valueOf(e.data.bitstring, reg.bitwidth, `${where} data`);
  for (const i of indexesOf(e.index, reg.size, where)) control.registerWrite(reg.name, i, value);
}

export function readRegisters({ pipeline, control }: Target, e: RegisterEntry, out: Entity[]): void {
  for (const reg of arraysOf(pipeline.info.registers, e.register_id, 'register')) {
    for (const i of indexesOf(e.register_id ? e.index : undefined, reg.size, `register ${reg.name}`)) {
      const value = control.registerRead(reg.name, i);
      out.push({ register_entry: { register_id: reg.id, index: { index: i }, data: { bitstring: encodeBytes(value) } } });
    }
  }
}

export function writeCounter({ pipeline, control }: Target, type: UpdateType | undefined, e: CounterEntry): void {
  requireModify('counter', type);
  const counter = arrayOf(pipeline.info.counters, e.counter_id, 'counter');
  const where = `counter ${counter.name}`;
  if (!e.data) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: data is missing`);
  const value = counterValueOf(e.data, where);
  for (const i of indexesOf(e.index, counter.size, where)) control.counterWrite(counter.name, i, value);
}

export function readCounters({ pipeline, control }: Target, e: CounterEntry, out: Entity[]): void {
  for (const counter of arraysOf(pipeline.info.counters, e.counter_id, 'counter')) {
    for (const i of indexesOf(e.counter_id ? e.index : undefined, counter.size, `counter ${counter.name}`)) {
      const data = counterDataOf(control.counterRead(counter.name, i), counter.unit);
      out.push({ counter_entry: { counter_id: counter.id, index: { index: i }, data } });
    }
  }
}

export function writeMeter({ pipeline, control }: Target, type: UpdateType | undefined, e: MeterEntry): void {
  requireModify('meter', type);
  const meter = arrayOf(pipeline.info.meters, e.meter_id, 'meter');
  const where = `meter ${meter.name}`;
  if (e.counter_data) throw new RpcError(grpc.status.UNIMPLEMENTED, `${where}: per-colour counter_data is not supported by the p4lab switch`);
  const config = e.config && meterConfigOf(e.config, where);
  for (const i of indexesOf(e.index, meter.size, where)) control.meterSet(meter.name, i, config);
}

export function readMeters({ pipeline, control }: Target, e: MeterEntry, out: Entity[]): void {
  for (const meter of arraysOf(pipeline.info.meters, e.meter_id, 'meter')) {
    for (const i of indexesOf(e.meter_id ? e.index : undefined, meter.size, `meter ${meter.name}`)) {
      const config = control.meterGet(meter.name, i);
      const entry: MeterEntry = { meter_id: meter.id, index: { index: i } };
      if (config) entry.config = meterConfigMessage(config);
      out.push({ meter_entry: entry });
    }
  }
}

// Write and Read of the indexed externs: RegisterEntry, CounterEntry, MeterEntry.
// An unset index addresses every cell (wildcard), id 0 every instance (Read only).
// Registers over P4Runtime are a p4lab addition: real BMv2 answers UNIMPLEMENTED.
// A Read is checked at once but its cells are read as the response is sent
// (see the Read handler), so a read of thousands of cells is no long stall.
import * as grpc from '@grpc/grpc-js';
import { encodeBytes } from '../bytes.js';
import type { CounterEntry, Entity, Index, MeterEntry, RegisterEntry, UpdateType } from '../proto/messages.js';
import type { ArrayInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import type { Target } from './table-entries.js';
import { counterDataOf, counterValueOf, indexRangeOf, meterConfigMessage, meterConfigOf, valueOf } from './values.js';

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

interface CellRange {
  array: ArrayInfo;
  from: number;
  to: number;
}

/** The arrays and cells a Read addresses: one array (its index or every cell), or every cell of every array when the id is 0. */
function cellsToRead(arrays: Map<number, ArrayInfo>, id: number | undefined, index: Index | undefined, kind: string): CellRange[] {
  if (!id) return [...arrays.values()].map((array) => ({ array, from: 0, to: array.size - 1 }));
  const array = arrayOf(arrays, id, kind);
  return [{ array, ...indexRangeOf(index, array.size, `${kind} ${array.name}`) }];
}

/** The cells' entities: one cell at once (the common Read, one entity per cell), more of them as they are iterated. */
function cellEntities(ranges: CellRange[], entity: (array: ArrayInfo, index: number) => Entity): Iterable<Entity> {
  const only = ranges.length === 1 && ranges[0]!.from === ranges[0]!.to ? ranges[0] : undefined;
  if (only) return [entity(only.array, only.from)];
  return (function* () {
    for (const { array, from, to } of ranges) for (let i = from; i <= to; i++) yield entity(array, i);
  })();
}

export function writeRegister({ pipeline, control }: Target, type: UpdateType | undefined, e: RegisterEntry): void {
  requireModify('register', type);
  const reg = arrayOf(pipeline.info.registers, e.register_id, 'register');
  const where = `register ${reg.name}`;
  if (e.data?.data !== 'bitstring') {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: data must be a bitstring of ${reg.bitwidth} bits (got ${e.data?.data ?? 'nothing'})`);
  }
  const value = valueOf(e.data.bitstring, reg.bitwidth, `${where} data`);
  const { from, to } = indexRangeOf(e.index, reg.size, where);
  for (let i = from; i <= to; i++) control.registerWrite(reg.name, i, value);
}

export function readRegisters({ pipeline, control }: Target, e: RegisterEntry): Iterable<Entity> {
  const ranges = cellsToRead(pipeline.info.registers, e.register_id, e.index, 'register');
  return cellEntities(ranges, (reg, i) => ({
    register_entry: { register_id: reg.id, index: { index: i }, data: { bitstring: encodeBytes(control.registerRead(reg.name, i)) } },
  }));
}

export function writeCounter({ pipeline, control }: Target, type: UpdateType | undefined, e: CounterEntry): void {
  requireModify('counter', type);
  const counter = arrayOf(pipeline.info.counters, e.counter_id, 'counter');
  const where = `counter ${counter.name}`;
  if (!e.data) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: data is missing`);
  const value = counterValueOf(e.data, where);
  const { from, to } = indexRangeOf(e.index, counter.size, where);
  for (let i = from; i <= to; i++) control.counterWrite(counter.name, i, value);
}

export function readCounters({ pipeline, control }: Target, e: CounterEntry): Iterable<Entity> {
  const ranges = cellsToRead(pipeline.info.counters, e.counter_id, e.index, 'counter');
  return cellEntities(ranges, (counter, i) => ({
    counter_entry: { counter_id: counter.id, index: { index: i }, data: counterDataOf(control.counterRead(counter.name, i), counter.unit) },
  }));
}

export function writeMeter({ pipeline, control }: Target, type: UpdateType | undefined, e: MeterEntry): void {
  requireModify('meter', type);
  const meter = arrayOf(pipeline.info.meters, e.meter_id, 'meter');
  const where = `meter ${meter.name}`;
  if (e.counter_data) throw new RpcError(grpc.status.UNIMPLEMENTED, `${where}: per-colour counter_data is not supported by the p4lab switch`);
  const config = e.config && meterConfigOf(e.config, where);
  const { from, to } = indexRangeOf(e.index, meter.size, where);
  for (let i = from; i <= to; i++) control.meterSet(meter.name, i, config);
}

export function readMeters({ pipeline, control }: Target, e: MeterEntry): Iterable<Entity> {
  const ranges = cellsToRead(pipeline.info.meters, e.meter_id, e.index, 'meter');
  return cellEntities(ranges, (meter, i) => {
    const config = control.meterGet(meter.name, i);
    const entry: MeterEntry = { meter_id: meter.id, index: { index: i } };
    if (config) entry.config = meterConfigMessage(config);
    return { meter_entry: entry };
  });
}

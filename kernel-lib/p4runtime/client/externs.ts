// Indexed externs by name: registers, counters, meters. Registers go through
// BMv2's Thrift CLI when the switch is a real BMv2 (its P4Runtime lacks them).
import { inspect } from 'node:util';
import type { Register } from '../../p4info/types.js';
import { decodeBytes, toBigInt } from '../bytes.js';
import { P4RuntimeValueError } from '../errors.js';
import { parseValue, type ValueInput } from '../values.js';
import { encodeValue, int64, toInt64 } from './codec.js';
import type { EntityIO } from './entity-io.js';
import { decodeMeterConfig, encodeMeterConfig, type CounterValue, type MeterConfigInput, type MeterConfigValue } from './table-entry.js';
import type { Entity, Update } from './wire.js';

/** A single index or an inclusive range of indexes. */
export type IndexSelector = number | { from: number; to: number };

function indexes(sel: IndexSelector, size: number, where: string): number[] {
  const check = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= size) throw new P4RuntimeValueError(`${where}, index`, i, `an integer in 0..${size - 1}`);
    return i;
  };
  if (typeof sel === 'number') return [check(sel)];
  const from = check(sel.from);
  const to = check(sel.to);
  if (from > to) throw new P4RuntimeValueError(`${where}, index range`, sel, 'from <= to');
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

export function registerBitwidth(reg: Register): number {
  const spec = reg.type_spec as { bitstring?: { bit?: { bitwidth: number }; int?: { bitwidth: number } } };
  const width = spec.bitstring?.bit?.bitwidth ?? spec.bitstring?.int?.bitwidth;
  if (width === undefined) throw new P4RuntimeValueError(`register ${reg.preamble.name}`, reg.type_spec, 'a bit<W> register (struct-typed registers are not supported)');
  return width;
}

export class RegisterHandle {
  constructor(
    private readonly io: EntityIO,
    readonly name: string,
  ) {
    this.info();
  }

  [inspect.custom](): string {
    return `RegisterHandle(${this.name})`;
  }

  private info(): Register {
    return this.io.index.registers.get(this.name);
  }

  get size(): number {
    return this.info().size;
  }

  /** One cell. */
  async read(index: number): Promise<bigint> {
    const [v] = await this.readCells(index);
    return v!;
  }

  /** Cells of an index range (inclusive), or every cell when no range is given. */
  async readRange(sel?: { from: number; to: number }): Promise<bigint[]> {
    return this.readCells(sel ?? { from: 0, to: this.size - 1 });
  }

  private async readCells(sel: IndexSelector): Promise<bigint[]> {
    const reg = this.info();
    const where = `register ${reg.preamble.name}`;
    const list = indexes(sel, reg.size, where);
    if (this.io.thrift) return this.io.thrift.registerRead(reg.preamble.name, list);
    const width = registerBitwidth(reg);
    const id = reg.preamble.id;
    // A whole-register read is one wildcard entity; a partial range, one entity per cell in one Read.
    const whole = list.length === reg.size;
    const request: Entity[] = whole ? [{ register_entry: { register_id: id } }] : list.map((i) => ({ register_entry: { register_id: id, index: { index: i } } }));
    const entities = await this.io.read(request);
    const out = new Array<bigint>(list.length).fill(0n);
    const first = list[0]!;
    for (const e of entities) {
      const r = e.register_entry;
      if (!r?.data?.bitstring) continue;
      const i = Number(int64(r.index?.index)) - first;
      if (i < 0 || i >= out.length) continue;
      const bits = r.data.bitstring;
      // A canonical value that cannot pass the width skips the checks (and the name built for their message).
      out[i] = bits.length > 0 && bits.length * 8 <= width ? toBigInt(bits) : decodeBytes(bits, width, `${where}[${i + first}]`);
    }
    return out;
  }

  /** Writes one value to one cell or to every cell of a range. */
  async write(sel: IndexSelector, value: ValueInput): Promise<void> {
    const reg = this.info();
    const where = `register ${reg.preamble.name}`;
    const list = indexes(sel, reg.size, where);
    const width = registerBitwidth(reg);
    if (this.io.thrift) {
      const v = parseValue(value, width, where);
      return this.io.thrift.registerWrite(reg.preamble.name, list.map((i) => [i, v] as const));
    }
    const data = { bitstring: encodeValue(value, width, where) };
    const updates: Update[] = list.map((i) => ({ type: 'MODIFY', entity: { register_entry: { register_id: reg.preamble.id, index: { index: i }, data } } }));
    await this.io.write(updates);
  }

  /** Writes `values` to consecutive cells from `from` (e.g. state copied from another switch), in one batch. */
  async writeValues(from: number, values: readonly ValueInput[]): Promise<void> {
    if (values.length === 0) return;
    const reg = this.info();
    const where = `register ${reg.preamble.name}`;
    const list = indexes({ from, to: from + values.length - 1 }, reg.size, where);
    const width = registerBitwidth(reg);
    if (this.io.thrift) return this.io.thrift.registerWrite(reg.preamble.name, list.map((i, k) => [i, parseValue(values[k]!, width, `${where}[${i}]`)] as const));
    const updates: Update[] = list.map((i, k) => ({
      type: 'MODIFY',
      entity: { register_entry: { register_id: reg.preamble.id, index: { index: i }, data: { bitstring: encodeValue(values[k]!, width, `${where}[${i}]`) } } },
    }));
    await this.io.write(updates);
  }

  /** Sets every cell to zero. */
  async reset(): Promise<void> {
    if (this.io.thrift) return this.io.thrift.registerReset(this.info().preamble.name);
    return this.write({ from: 0, to: this.size - 1 }, 0);
  }
}

export class CounterHandle {
  constructor(
    private readonly io: EntityIO,
    readonly name: string,
  ) {
    this.io.index.counters.get(name);
  }

  [inspect.custom](): string {
    return `CounterHandle(${this.name})`;
  }

  /** One cell, or every cell (in index order) when no index is given. */
  async read(index: number): Promise<CounterValue>;
  async read(): Promise<CounterValue[]>;
  async read(index?: number): Promise<CounterValue | CounterValue[]> {
    const c = this.io.index.counters.get(this.name);
    if (index !== undefined) indexes(index, c.size, `counter ${c.preamble.name}`);
    const entry: Entity['counter_entry'] = { counter_id: c.preamble.id };
    if (index !== undefined) entry.index = { index };
    const entities = await this.io.read([{ counter_entry: entry }]);
    const all = new Array<CounterValue>(index === undefined ? c.size : 1);
    for (let i = 0; i < all.length; i++) all[i] = { bytes: 0n, packets: 0n };
    for (const e of entities) {
      const ce = e.counter_entry;
      if (!ce) continue;
      const i = index === undefined ? Number(int64(ce.index?.index)) : 0;
      if (i < all.length) all[i] = { bytes: int64(ce.data?.byte_count), packets: int64(ce.data?.packet_count) };
    }
    return index === undefined ? all : all[0]!;
  }

  async write(sel: IndexSelector, value: { bytes?: bigint | number; packets?: bigint | number }): Promise<void> {
    const c = this.io.index.counters.get(this.name);
    const data = { byte_count: toInt64(value.bytes ?? 0), packet_count: toInt64(value.packets ?? 0) };
    const list = indexes(sel, c.size, `counter ${c.preamble.name}`);
    await this.io.write(list.map((i) => ({ type: 'MODIFY', entity: { counter_entry: { counter_id: c.preamble.id, index: { index: i }, data } } })));
  }

  async reset(): Promise<void> {
    const c = this.io.index.counters.get(this.name);
    return this.write({ from: 0, to: c.size - 1 }, {});
  }
}

export class MeterHandle {
  constructor(
    private readonly io: EntityIO,
    readonly name: string,
  ) {
    this.io.index.meters.get(name);
  }

  [inspect.custom](): string {
    return `MeterHandle(${this.name})`;
  }

  /** Configures cells (rates per second in the meter's unit); `undefined` resets them to always green. */
  async set(sel: IndexSelector, config: MeterConfigInput | undefined): Promise<void> {
    const m = this.io.index.meters.get(this.name);
    const list = indexes(sel, m.size, `meter ${m.preamble.name}`);
    const encoded = config ? encodeMeterConfig(config) : undefined;
    await this.io.write(
      list.map((i) => {
        const entry: Entity['meter_entry'] = { meter_id: m.preamble.id, index: { index: i } };
        if (encoded) entry.config = encoded;
        return { type: 'MODIFY', entity: { meter_entry: entry } };
      }),
    );
  }

  /** The configuration of one cell, undefined when it is unconfigured. */
  async read(index: number): Promise<MeterConfigValue | undefined> {
    const m = this.io.index.meters.get(this.name);
    indexes(index, m.size, `meter ${m.preamble.name}`);
    const [e] = await this.io.read([{ meter_entry: { meter_id: m.preamble.id, index: { index } } }]);
    const config = e?.meter_entry?.config;
    return config ? decodeMeterConfig(config) : undefined;
  }
}

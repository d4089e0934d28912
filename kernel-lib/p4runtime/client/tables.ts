// A table by name: insert, modify, delete, default action, read, clear,
// and the entry's direct counter and meter.
import { inspect } from 'node:util';
import { P4RuntimeNameError } from '../errors.js';
import type { EntityIO } from './entity-io.js';
import type { TableInfo } from './p4info-index.js';
import {
  decodeMeterConfig,
  decodeTableEntry,
  encodeDefaultEntry,
  encodeMeterConfig,
  encodeTableEntry,
  type CounterValue,
  type MeterConfigInput,
  type MeterConfigValue,
  type ParamsInput,
  type TableEntrySpec,
  type TableEntryView,
} from './table-entry.js';
import { int64, toInt64 } from './codec.js';
import type { Entity, Update, UpdateType } from './wire.js';

export class TableHandle {
  constructor(
    private readonly io: EntityIO,
    readonly name: string,
  ) {
    this.info(); // fail now on an unknown name
  }

  [inspect.custom](): string {
    return `TableHandle(${this.name})`;
  }

  private info(): TableInfo {
    return this.io.index.table(this.name);
  }

  /** An update of this table, for batches mixing tables: `sw.write([t.update('INSERT', spec), …])`. */
  update(type: UpdateType, spec: TableEntrySpec): Update {
    return { type, entity: { table_entry: encodeTableEntry(this.info(), spec, type === 'DELETE') } };
  }

  /** Inserts one entry, or many in one batch. */
  async insert(spec: TableEntrySpec | readonly TableEntrySpec[]): Promise<void> {
    return this.apply('INSERT', spec);
  }

  async modify(spec: TableEntrySpec | readonly TableEntrySpec[]): Promise<void> {
    return this.apply('MODIFY', spec);
  }

  /** Deletes by key (and priority); the action is not needed. */
  async delete(spec: TableEntrySpec | readonly TableEntrySpec[]): Promise<void> {
    return this.apply('DELETE', spec);
  }

  private async apply(type: UpdateType, spec: TableEntrySpec | readonly TableEntrySpec[]): Promise<void> {
    const specs = Array.isArray(spec) ? spec : [spec as TableEntrySpec];
    const info = this.info();
    const keyOnly = type === 'DELETE';
    const updates: Update[] = new Array(specs.length);
    for (let i = 0; i < specs.length; i++) updates[i] = { type, entity: { table_entry: encodeTableEntry(info, specs[i]!, keyOnly) } };
    await this.io.write(updates);
  }

  /** Sets the action run on a miss. */
  async setDefault(action: string, params?: ParamsInput): Promise<void> {
    await this.io.write([{ type: 'MODIFY', entity: { table_entry: encodeDefaultEntry(this.info(), action, params) } }]);
  }

  /** Restores the program's default action. */
  async resetDefault(): Promise<void> {
    await this.io.write([{ type: 'MODIFY', entity: { table_entry: encodeDefaultEntry(this.info(), undefined, undefined) } }]);
  }

  async getDefault(): Promise<TableEntryView> {
    const [e] = await this.io.read([{ table_entry: { table_id: this.info().table.preamble.id, is_default_action: true } }]);
    if (!e?.table_entry) throw new P4RuntimeNameError(`table ${this.name}: the switch returned no default entry`);
    return decodeTableEntry(this.io.index, e.table_entry);
  }

  /** Every entry (not the default), optionally filtered; with `counters`, each entry's direct counter too. */
  async read(filter?: (entry: TableEntryView) => boolean, options: { counters?: boolean } = {}): Promise<TableEntryView[]> {
    const entry: Entity['table_entry'] = { table_id: this.info().table.preamble.id };
    if (options.counters) entry.counter_data = {};
    const entities = await this.io.read([{ table_entry: entry }]);
    const views: TableEntryView[] = [];
    for (const e of entities) {
      if (!e.table_entry || e.table_entry.is_default_action) continue;
      const view = decodeTableEntry(this.io.index, e.table_entry);
      if (!filter || filter(view)) views.push(view);
    }
    return views;
  }

  /** Deletes every entry that is not const; returns how many. */
  async clear(): Promise<number> {
    const entities = await this.io.read([{ table_entry: { table_id: this.info().table.preamble.id } }]);
    const updates: Update[] = [];
    for (const e of entities) {
      const t = e.table_entry;
      if (!t || t.is_default_action || t.const) continue;
      updates.push({ type: 'DELETE', entity: { table_entry: { table_id: t.table_id, match: t.match ?? [], priority: t.priority ?? 0 } } });
    }
    if (updates.length) await this.io.write(updates);
    return updates.length;
  }

  /** The direct counter of one entry, addressed by its key. */
  async readCounter(key: TableEntrySpec): Promise<CounterValue> {
    const [e] = await this.io.read([{ direct_counter_entry: { table_entry: encodeTableEntry(this.info(), key, true) } }]);
    const data = e?.direct_counter_entry?.data;
    return { bytes: int64(data?.byte_count), packets: int64(data?.packet_count) };
  }

  async writeCounter(key: TableEntrySpec, value: { bytes?: bigint | number; packets?: bigint | number }): Promise<void> {
    await this.io.write([
      {
        type: 'MODIFY',
        entity: {
          direct_counter_entry: {
            table_entry: encodeTableEntry(this.info(), key, true),
            data: { byte_count: toInt64(value.bytes ?? 0), packet_count: toInt64(value.packets ?? 0) },
          },
        },
      },
    ]);
  }

  /** Configures the direct meter of one entry; `undefined` resets it to always green. */
  async setMeter(key: TableEntrySpec, config: MeterConfigInput | undefined): Promise<void> {
    const entry: Entity['direct_meter_entry'] = { table_entry: encodeTableEntry(this.info(), key, true) };
    if (config) entry.config = encodeMeterConfig(config);
    await this.io.write([{ type: 'MODIFY', entity: { direct_meter_entry: entry } }]);
  }

  async readMeter(key: TableEntrySpec): Promise<MeterConfigValue | undefined> {
    const [e] = await this.io.read([{ direct_meter_entry: { table_entry: encodeTableEntry(this.info(), key, true) } }]);
    const config = e?.direct_meter_entry?.config;
    return config ? decodeMeterConfig(config) : undefined;
  }
}

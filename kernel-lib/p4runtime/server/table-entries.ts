// Write and Read of TableEntry, DirectCounterEntry and DirectMeterEntry.
import * as grpc from '@grpc/grpc-js';
import type { ControlPlane, EntryView, KeyMatch } from '../../switch/control-plane.js';
import type { DirectCounterEntry, DirectMeterEntry, Entity, TableEntry, UpdateType } from '../proto/messages.js';
import type { Pipeline } from './pipeline.js';
import type { DirectInfo, TableInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import { actionCallOf, entryKeyMessage, entryKeyText, keyOf, priorityOf, tableActionOf } from './table-codec.js';
import { counterDataOf, counterValueOf, int64, meterConfigMessage, meterConfigOf } from './values.js';

export interface Target {
  pipeline: Pipeline;
  control: ControlPlane;
}

function invalid(message: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, message);
}

function tableOf(pipeline: Pipeline, id: number | undefined, where: string): TableInfo {
  const table = pipeline.info.tables.get(id ?? 0);
  if (!table) throw new RpcError(grpc.status.NOT_FOUND, `${where}: no table with id ${id ?? 0} in the P4Info`);
  return table;
}

export function writeTableEntry({ pipeline, control }: Target, type: UpdateType | undefined, e: TableEntry): void {
  const table = tableOf(pipeline, e.table_id, 'table entry');
  const where = `table ${table.name}`;
  if (e.is_default_action) return writeDefaultEntry({ pipeline, control }, table, type, e);
  if (table.isConst) {
    throw new RpcError(grpc.status.PERMISSION_DENIED, `${where} is const (declared with const entries); its entries cannot be inserted, modified or deleted`);
  }
  const key = keyOf(table, e.match, where);
  const priority = priorityOf(table, e.priority, where);
  // Per-entry metadata is rare: only build its key when some entry has metadata.
  const metaKey = e.metadata?.length || pipeline.entryMetadata.size ? entryKeyText(table.id, key, priority) : undefined;
  switch (type) {
    case 'INSERT':
    case 'MODIFY': {
      const action = actionCallOf(pipeline.info, table, e.action, false, where);
      const idleTimeoutNs = int64(e.idle_timeout_ns);
      if (idleTimeoutNs < 0n) throw invalid(`${where}: idle_timeout_ns is negative`);
      if (idleTimeoutNs > 0n && !table.idleTimeout) throw invalid(`${where}: the table does not support idle timeout (add support_timeout = true to it); leave idle_timeout_ns unset`);
      const counter = e.counter_data && counterValueOf(e.counter_data, `${where} counter_data`);
      if (counter && !table.directCounter) throw invalid(`${where}: counter_data given but the table has no direct counter`);
      const meter = e.meter_config && meterConfigOf(e.meter_config, `${where} meter_config`);
      if (meter && !table.directMeter) throw invalid(`${where}: meter_config given but the table has no direct meter`);
      if (e.meter_counter_data) throw new RpcError(grpc.status.UNIMPLEMENTED, `${where}: per-colour meter_counter_data is not supported by the p4lab switch`);
      const spec = { key, action, priority, idleTimeoutNs };
      if (type === 'INSERT') control.tableAdd(table.name, spec);
      else control.tableModify(table.name, spec);
      if (counter) control.directCounterWrite(table.name, key, priority, counter);
      // On MODIFY an unset meter_config resets the meter (the spec's rule); on INSERT it is already default.
      if (meter || (type === 'MODIFY' && table.directMeter)) control.directMeterSet(table.name, key, priority, meter);
      if (metaKey === undefined) return;
      if (e.metadata?.length) pipeline.entryMetadata.set(metaKey, Buffer.from(e.metadata));
      else pipeline.entryMetadata.delete(metaKey);
      return;
    }
    case 'DELETE':
      control.tableDelete(table.name, key, priority);
      if (metaKey !== undefined) pipeline.entryMetadata.delete(metaKey);
      return;
    default:
      throw invalid(`${where}: update type ${type ?? 'UNSPECIFIED'} is not INSERT, MODIFY or DELETE`);
  }
}

function writeDefaultEntry({ pipeline, control }: Target, table: TableInfo, type: UpdateType | undefined, e: TableEntry): void {
  const where = `table ${table.name} default entry`;
  if (type !== 'MODIFY') throw invalid(`${where}: only MODIFY applies to the default entry (got ${type ?? 'UNSPECIFIED'})`);
  if (e.match?.length) throw invalid(`${where}: match must be empty when is_default_action is set`);
  if (e.priority) throw invalid(`${where}: priority must be unset when is_default_action is set`);
  if (e.counter_data || e.meter_config || e.meter_counter_data || int64(e.idle_timeout_ns) !== 0n) {
    throw new RpcError(grpc.status.UNIMPLEMENTED, `${where}: direct resources and idle timeout of the default entry are not supported by the p4lab switch`);
  }
  if (table.constDefaultActionId) {
    const name = pipeline.info.actions.get(table.constDefaultActionId)?.name ?? table.constDefaultActionId;
    throw new RpcError(grpc.status.PERMISSION_DENIED, `${where}: the default action is const (${name}) and cannot be changed`);
  }
  if (!e.action) return control.tableResetDefault(table.name);
  control.tableSetDefault(table.name, actionCallOf(pipeline.info, table, e.action, true, where));
}

/** Tables a read addresses: one, or all (table_id 0) that `filter` admits. */
function tablesOf(pipeline: Pipeline, id: number | undefined, filter: (t: TableInfo) => boolean, where: string): TableInfo[] {
  if (!id) return [...pipeline.info.tables.values()].filter(filter);
  return [tableOf(pipeline, id, where)];
}

/** Entries of `table` that a read's match (empty: all) and priority select. */
function selectEntries(control: ControlPlane, table: TableInfo, e: TableEntry, where: string): EntryView[] {
  if (!e.match?.length) return control.tableEntries(table.name);
  const key = keyOf(table, e.match, where);
  const found = control.tableEntry(table.name, key, priorityOf(table, e.priority, where));
  return found ? [found] : [];
}

export function readTableEntries({ pipeline, control }: Target, e: TableEntry, out: Entity[]): void {
  const tables = tablesOf(pipeline, e.table_id, () => true, 'read table entry');
  if (!e.table_id && e.match?.length) throw invalid('read table entry: a match needs a table_id');
  for (const table of tables) {
    const where = `table ${table.name}`;
    if (e.is_default_action) {
      const action = control.tableGetDefault(table.name);
      const entry: TableEntry = { table_id: table.id, action: tableActionOf(pipeline.info, action), is_default_action: true };
      if (table.constDefaultActionId) entry.const = true;
      out.push({ table_entry: entry });
      continue;
    }
    for (const view of selectEntries(control, table, e, where)) {
      const entry: TableEntry = { ...entryKeyMessage(table, view.key, view.priority), action: tableActionOf(pipeline.info, view.action) };
      if (view.isConst) entry.const = true;
      if (view.idleTimeoutNs) entry.idle_timeout_ns = view.idleTimeoutNs.toString();
      const metadata = pipeline.entryMetadata.size ? pipeline.entryMetadata.get(entryKeyText(table.id, view.key, view.priority)) : undefined;
      if (metadata) entry.metadata = metadata;
      if (e.counter_data && table.directCounter && view.counter) entry.counter_data = counterDataOf(view.counter, table.directCounter.unit);
      if (e.meter_config && view.meter) entry.meter_config = meterConfigMessage(view.meter);
      if (e.time_since_last_hit && view.elapsedNs !== undefined) entry.time_since_last_hit = { elapsed_ns: view.elapsedNs.toString() };
      out.push({ table_entry: entry });
    }
  }
}

/** The table and key of a direct resource entity's table_entry. */
function directKey(pipeline: Pipeline, e: TableEntry | undefined, kind: 'directCounter' | 'directMeter', what: string): { direct: DirectInfo; key: KeyMatch[]; priority: number } {
  if (!e) throw invalid(`${what}: table_entry is missing`);
  const table = tableOf(pipeline, e.table_id, what);
  const direct = table[kind];
  if (!direct) throw invalid(`${what}: table ${table.name} has no ${kind === 'directCounter' ? 'direct counter' : 'direct meter'}`);
  const where = `${what} of table ${table.name}`;
  return { direct, key: keyOf(table, e.match, where), priority: priorityOf(table, e.priority, where) };
}

export function writeDirectCounter({ pipeline, control }: Target, type: UpdateType | undefined, e: DirectCounterEntry): void {
  if (type !== 'MODIFY') throw invalid(`direct counter entry: only MODIFY applies (got ${type ?? 'UNSPECIFIED'}); direct counters come and go with their table entries`);
  const { direct, key, priority } = directKey(pipeline, e.table_entry, 'directCounter', 'direct counter entry');
  if (!e.data) throw invalid(`direct counter ${direct.name}: data is missing`);
  control.directCounterWrite(direct.table.name, key, priority, counterValueOf(e.data, `direct counter ${direct.name}`));
}

export function writeDirectMeter({ pipeline, control }: Target, type: UpdateType | undefined, e: DirectMeterEntry): void {
  if (type !== 'MODIFY') throw invalid(`direct meter entry: only MODIFY applies (got ${type ?? 'UNSPECIFIED'}); direct meters come and go with their table entries`);
  const { direct, key, priority } = directKey(pipeline, e.table_entry, 'directMeter', 'direct meter entry');
  if (e.counter_data) throw new RpcError(grpc.status.UNIMPLEMENTED, `direct meter ${direct.name}: per-colour counter_data is not supported by the p4lab switch`);
  control.directMeterSet(direct.table.name, key, priority, e.config && meterConfigOf(e.config, `direct meter ${direct.name}`));
}

export function readDirectCounters({ pipeline, control }: Target, e: DirectCounterEntry, out: Entity[]): void {
  const request = e.table_entry ?? {};
  for (const table of tablesOf(pipeline, request.table_id, (t) => !!t.directCounter, 'read direct counter entry')) {
    const direct = table.directCounter;
    if (!direct) throw invalid(`read direct counter entry: table ${table.name} has no direct counter`);
    for (const view of selectEntries(control, table, request, `direct counter ${direct.name}`)) {
      const data = counterDataOf(view.counter ?? { bytes: 0n, packets: 0n }, direct.unit);
      out.push({ direct_counter_entry: { table_entry: entryKeyMessage(table, view.key, view.priority), data } });
    }
  }
}

export function readDirectMeters({ pipeline, control }: Target, e: DirectMeterEntry, out: Entity[]): void {
  const request = e.table_entry ?? {};
  for (const table of tablesOf(pipeline, request.table_id, (t) => !!t.directMeter, 'read direct meter entry')) {
    const direct = table.directMeter;
    if (!direct) throw invalid(`read direct meter entry: table ${table.name} has no direct meter`);
    for (const view of selectEntries(control, table, request, `direct meter ${direct.name}`)) {
      const entry: DirectMeterEntry = { table_entry: entryKeyMessage(table, view.key, view.priority) };
      if (view.meter) entry.config = meterConfigMessage(view.meter);
      out.push({ direct_meter_entry: entry });
    }
  }
}

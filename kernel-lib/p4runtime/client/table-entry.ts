// Table entries by name: the spec people write ⇄ p4.v1.TableEntry.
import type { Action as P4Action } from '../../p4info/types.js';
import { P4RuntimeNameError, P4RuntimeValueError } from '../errors.js';
import { decodeBytes } from '../bytes.js';
import { formatMatch, type MatchInput, type ParsedMatch, type ValueInput } from '../values.js';
import { decodeFieldMatch, encodeFieldMatch, encodeValue, int64, toInt64 } from './codec.js';
import type { P4InfoIndex, TableInfo } from './p4info-index.js';
import type { Action, FieldMatch, TableEntry } from './wire.js';

/** Action parameters by name, or in declaration order. */
export type ParamsInput = Record<string, ValueInput> | readonly ValueInput[];

export interface TableEntrySpec {
  /** Key fields by name ('hdr.ipv4.dstAddr' or an unambiguous suffix such as 'dstAddr'); omitted fields are don't-care. */
  match?: Record<string, MatchInput>;
  action?: string;
  params?: ParamsInput;
  /** Higher wins; required (> 0) for tables with ternary, range or optional keys. */
  priority?: number;
  idleTimeoutNs?: bigint | number;
}

export interface CounterValue {
  bytes: bigint;
  packets: bigint;
}

export interface MeterConfigInput {
  cir: bigint | number;
  cburst: bigint | number;
  pir: bigint | number;
  pburst: bigint | number;
}

export interface MeterConfigValue {
  cir: bigint;
  cburst: bigint;
  pir: bigint;
  pburst: bigint;
}

/** An entry as read back from the switch. */
export interface TableEntryView {
  table: string;
  match: Record<string, ParsedMatch>;
  action?: string;
  params?: Record<string, bigint>;
  priority: number;
  isDefault: boolean;
  isConst: boolean;
  idleTimeoutNs: bigint;
  elapsedNs?: bigint;
  counter?: CounterValue;
  meter?: MeterConfigValue;
}

export function encodeAction(action: P4Action, params: ParamsInput | undefined, where: string): Action {
  const declared = action.params ?? [];
  const place = `${where}, action ${action.preamble.name}`;
  const out: Action = { action_id: action.preamble.id, params: new Array(declared.length) };
  if (Array.isArray(params)) {
    if (params.length !== declared.length) {
      throw new P4RuntimeValueError(place, params, `${declared.length} parameter(s): ${declared.map((p) => p.name).join(', ') || 'none'}`);
    }
    for (let i = 0; i < declared.length; i++) {
      const p = declared[i]!;
      out.params![i] = { param_id: p.id, value: encodeValue(params[i]!, p.bitwidth, `${place}, param ${p.name}`) };
    }
    return out;
  }
  const given = (params ?? {}) as Record<string, ValueInput>;
  // Count instead of searching per name: this runs for every entry of a batch.
  let known = 0;
  let names = 0;
  for (const p of declared) if (p.name in given) known++;
  for (const _ in given) names++;
  if (known !== names) {
    const unknown = Object.keys(given).find((name) => !declared.some((p) => p.name === name));
    const list = declared.map((p) => p.name);
    throw new P4RuntimeNameError(`${place} has no parameter '${unknown}'`, list.length ? `its parameters are ${list.join(', ')}` : 'it takes no parameters');
  }
  for (let i = 0; i < declared.length; i++) {
    const p = declared[i]!;
    const value = given[p.name];
    if (value === undefined) throw new P4RuntimeValueError(`${place}, param ${p.name}`, undefined, `a value of ${p.bitwidth} bits (every parameter is required)`);
    out.params![i] = { param_id: p.id, value: encodeValue(value, p.bitwidth, `${place}, param ${p.name}`) };
  }
  return out;
}

/** The key part of an entry (for every update type). */
export function encodeMatch(info: TableInfo, match: Record<string, MatchInput> | undefined, where: string): FieldMatch[] {
  const out: FieldMatch[] = [];
  if (!match) return out;
  for (const name in match) {
    const m = encodeFieldMatch(info.fields.get(name), match[name]!, where);
    if (m) out.push(m);
  }
  if (out.length > 1) out.sort((a, b) => a.field_id - b.field_id);
  return out;
}

/** Builds a TableEntry; `keyOnly` for DELETE and for direct counter/meter addressing. */
export function encodeTableEntry(info: TableInfo, spec: TableEntrySpec, keyOnly = false): TableEntry {
  const name = info.table.preamble.name;
  const where = `table ${name}`;
  const entry: TableEntry = { table_id: info.table.preamble.id, match: encodeMatch(info, spec.match, where) };
  if (info.needsPriority) {
    if (spec.priority === undefined || !Number.isInteger(spec.priority) || spec.priority <= 0 || spec.priority > 0x7fffffff) {
      throw new P4RuntimeValueError(`${where}, priority`, spec.priority, 'an integer priority > 0 (higher wins): the table has ternary, range or optional keys');
    }
    entry.priority = spec.priority;
  } else if (spec.priority) {
    throw new P4RuntimeValueError(`${where}, priority`, spec.priority, 'no priority: the table has only exact and lpm keys');
  }
  if (keyOnly) return entry;
  if (!spec.action) throw new P4RuntimeValueError(`${where}, action`, spec.action, `an action name: one of ${info.actions.all().join(', ')}`);
  entry.action = { action: encodeAction(info.actions.get(spec.action), spec.params, where) };
  if (spec.idleTimeoutNs !== undefined && spec.idleTimeoutNs !== 0) entry.idle_timeout_ns = toInt64(spec.idleTimeoutNs);
  return entry;
}

/** The default-action entry of a table (MODIFY sets it; an entry without action resets it). */
export function encodeDefaultEntry(info: TableInfo, action: string | undefined, params: ParamsInput | undefined): TableEntry {
  const entry: TableEntry = { table_id: info.table.preamble.id, is_default_action: true };
  if (action !== undefined) {
    entry.action = { action: encodeAction(info.actions.get(action), params, `table ${info.table.preamble.name}, default action`) };
  }
  return entry;
}

export function decodeTableEntry(index: P4InfoIndex, e: TableEntry): TableEntryView {
  const info = index.tableById(e.table_id);
  const view: TableEntryView = {
    table: info.table.preamble.name,
    match: {},
    priority: e.priority ?? 0,
    isDefault: e.is_default_action ?? false,
    isConst: e.const ?? false,
    idleTimeoutNs: int64(e.idle_timeout_ns),
  };
  for (const m of e.match ?? []) {
    const field = (info.table.match_fields ?? []).find((f) => f.id === m.field_id);
    if (!field) throw new P4RuntimeNameError(`the switch returned unknown field id ${m.field_id} in table ${view.table}`);
    view.match[field.name] = decodeFieldMatch(field, m);
  }
  const act = e.action;
  if (act?.action) {
    const action = index.actions.byId(act.action.action_id);
    view.action = action.preamble.name;
    view.params = {};
    for (const p of act.action.params ?? []) {
      const decl = (action.params ?? []).find((d) => d.id === p.param_id);
      if (decl) view.params[decl.name] = decodeBytes(p.value, decl.bitwidth, `param ${decl.name}`);
    }
  }
  if (e.time_since_last_hit) view.elapsedNs = int64(e.time_since_last_hit.elapsed_ns);
  if (e.counter_data) view.counter = { bytes: int64(e.counter_data.byte_count), packets: int64(e.counter_data.packet_count) };
  if (e.meter_config) view.meter = decodeMeterConfig(e.meter_config);
  return view;
}

export function decodeMeterConfig(c: { cir?: string | number; cburst?: string | number; pir?: string | number; pburst?: string | number }): MeterConfigValue {
  return { cir: int64(c.cir), cburst: int64(c.cburst), pir: int64(c.pir), pburst: int64(c.pburst) };
}

export function encodeMeterConfig(c: MeterConfigInput): { cir: string; cburst: string; pir: string; pburst: string } {
  return { cir: toInt64(c.cir), cburst: toInt64(c.cburst), pir: toInt64(c.pir), pburst: toInt64(c.pburst) };
}

/** A short description of an entry for error messages: `table T {f=v, …}`. */
export function describeTableEntry(index: P4InfoIndex | undefined, e: TableEntry): string {
  try {
    if (!index) return `table id ${e.table_id}`;
    if (e.is_default_action) return `table ${index.tableById(e.table_id).table.preamble.name} default action`;
    const view = decodeTableEntry(index, e);
    const info = index.tableById(e.table_id);
    const keys = Object.entries(view.match).map(([f, m]) => {
      const w = (info.table.match_fields ?? []).find((x) => x.name === f)?.bitwidth ?? 32;
      return `${f}=${formatMatch(m, w)}`;
    });
    return `table ${view.table} {${keys.join(', ')}}${view.priority ? ` priority ${view.priority}` : ''}`;
  } catch {
    return `table id ${e.table_id}`;
  }
}

// P4Runtime table entry parts ⇄ the dataplane's KeyMatch / ActionCall. Every
// rule of the spec about match values is checked here, once: don't-care
// fields are omitted (never sent as zero masks or prefixes), masked-off bits
// are zero, ranges are ordered, priorities are present exactly when a table
// has ternary, range or optional fields.
import * as grpc from '@grpc/grpc-js';
import type { ActionCall, KeyMatch } from '../../switch/control-plane.js';
import { encodeBytes } from '../bytes.js';
import type { Action, FieldMatch, TableAction, TableEntry } from '../proto/messages.js';
import type { ActionInfo, FieldInfo, PipelineInfo, TableInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import { valueOf } from './values.js';

function invalid(message: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, message);
}

// (1 << n) - 1 for each n met so far: keys of a batch reuse a few widths and prefixes.
const lowMasks: bigint[] = [];
function lowMask(bits: number): bigint {
  return (lowMasks[bits] ??= (1n << BigInt(bits)) - 1n);
}

const ONEOF_OF: Record<FieldInfo['matchType'], NonNullable<FieldMatch['field_match_type']>> = {
  EXACT: 'exact',
  LPM: 'lpm',
  TERNARY: 'ternary',
  RANGE: 'range',
  OPTIONAL: 'optional',
};

function wildcard(field: FieldInfo, where: string): KeyMatch {
  switch (field.matchType) {
    case 'EXACT':
      throw invalid(`${where}: exact field ${field.name} (id ${field.id}) is missing; exact fields cannot be wildcards`);
    case 'LPM':
      return { kind: 'lpm', value: 0n, prefixLen: 0 };
    case 'RANGE':
      return { kind: 'range', low: 0n, high: lowMask(field.bitwidth) };
    default:
      return { kind: 'ternary', value: 0n, mask: 0n };
  }
}

function fieldKey(field: FieldInfo, m: FieldMatch, where: string): KeyMatch {
  const what = `${where} field ${field.name}`;
  const expected = ONEOF_OF[field.matchType];
  if (!m.field_match_type) throw invalid(`${what}: no match value set (expected ${expected})`);
  if (m.field_match_type !== expected) throw invalid(`${what}: is a ${field.matchType} field but the request sets ${m.field_match_type}`);
  const w = field.bitwidth;
  switch (m.field_match_type) {
    case 'exact':
      return { kind: 'exact', value: valueOf(m.exact?.value, w, what) };
    case 'optional':
      return { kind: 'ternary', value: valueOf(m.optional?.value, w, what), mask: lowMask(w) };
    case 'lpm': {
      const value = valueOf(m.lpm?.value, w, what);
      const prefixLen = m.lpm?.prefix_len ?? 0;
      if (prefixLen === 0) throw invalid(`${what}: prefix_len 0 is a wildcard; omit the field instead`);
      if (prefixLen < 0 || prefixLen > w) throw invalid(`${what}: prefix_len ${prefixLen} is outside 1..${w}`);
      if ((value & lowMask(w - prefixLen)) !== 0n) throw invalid(`${what}: value 0x${value.toString(16)} has bits set beyond the /${prefixLen} prefix`);
      return { kind: 'lpm', value, prefixLen };
    }
    case 'ternary': {
      const value = valueOf(m.ternary?.value, w, `${what} value`);
      const mask = valueOf(m.ternary?.mask, w, `${what} mask`);
      if (mask === 0n) throw invalid(`${what}: mask 0 is a wildcard; omit the field instead`);
      if ((value & ~mask) !== 0n) throw invalid(`${what}: value 0x${value.toString(16)} has bits set outside mask 0x${mask.toString(16)}`);
      return { kind: 'ternary', value, mask };
    }
    case 'range': {
      const low = valueOf(m.range?.low, w, `${what} low`);
      const high = valueOf(m.range?.high, w, `${what} high`);
      if (low > high) throw invalid(`${what}: range low 0x${low.toString(16)} is above high 0x${high.toString(16)}`);
      if (low === 0n && high === lowMask(w)) throw invalid(`${what}: the full range is a wildcard; omit the field instead`);
      return { kind: 'range', low, high };
    }
    default:
      throw invalid(`${what}: architecture-specific (other) matches are not supported`);
  }
}

/** What keyOf needs: a table, or a value set's match fields. */
export type KeyedInfo = Pick<TableInfo, 'name' | 'fields' | 'fieldById'>;

/** The dataplane key of `match` (one KeyMatch per table key field, wildcards explicit). */
export function keyOf(table: KeyedInfo, match: FieldMatch[] | undefined, where: string): KeyMatch[] {
  // Runs for every entry of a batch: plain arrays by field position, no Map or closure.
  const fields = table.fields;
  const given: Array<FieldMatch | undefined> = new Array(fields.length);
  for (const m of match ?? []) {
    const id = m.field_id ?? 0;
    const field = table.fieldById.get(id);
    if (!field) {
      throw invalid(`${where}: table ${table.name} has no match field id ${id} (ids: ${fields.map((f) => `${f.id}=${f.name}`).join(', ')})`);
    }
    const i = fields.indexOf(field);
    if (given[i]) throw invalid(`${where}: match field id ${id} appears twice`);
    given[i] = m;
  }
  const key: KeyMatch[] = [];
  for (let i = 0; i < fields.length; i++) {
    const m = given[i];
    key.push(m ? fieldKey(fields[i]!, m, where) : wildcard(fields[i]!, where));
  }
  return key;
}

/** The P4Runtime match of a dataplane key: wildcards omitted, optional fields as optional. */
export function matchOf(table: TableInfo, key: KeyMatch[]): FieldMatch[] {
  const out: FieldMatch[] = [];
  table.fields.forEach((f, i) => {
    const k = key[i];
    if (!k) return;
    const w = f.bitwidth;
    switch (k.kind) {
      case 'exact':
        out.push({ field_id: f.id, exact: { value: encodeBytes(k.value) } });
        break;
      case 'lpm':
        if (k.prefixLen > 0) out.push({ field_id: f.id, lpm: { value: encodeBytes(k.value), prefix_len: k.prefixLen } });
        break;
      case 'ternary':
        if (k.mask === 0n) break;
        if (f.matchType === 'OPTIONAL') out.push({ field_id: f.id, optional: { value: encodeBytes(k.value) } });
        else out.push({ field_id: f.id, ternary: { value: encodeBytes(k.value), mask: encodeBytes(k.mask) } });
        break;
      case 'range':
        if (k.low !== 0n || k.high !== lowMask(w)) out.push({ field_id: f.id, range: { low: encodeBytes(k.low), high: encodeBytes(k.high) } });
        break;
    }
  });
  return out;
}

/** The key part of a TableEntry (table, match, priority) as the switch reports it; zero fields omitted. */
export function entryKeyMessage(table: TableInfo, key: KeyMatch[], priority: number): TableEntry {
  const entry: TableEntry = { table_id: table.id, match: matchOf(table, key) };
  if (priority) entry.priority = priority;
  return entry;
}

/** Checks a priority against the table's need for one; returns it. */
export function priorityOf(table: TableInfo, priority: number | undefined, where: string): number {
  const p = priority ?? 0;
  if (table.needsPriority && p <= 0) throw invalid(`${where}: table ${table.name} has ternary, range or optional fields, so entries need a priority > 0`);
  if (!table.needsPriority && p !== 0) throw invalid(`${where}: table ${table.name} has only exact and lpm fields; leave priority unset (got ${p})`);
  return p;
}

/** The dataplane call of a direct action; `forDefault` applies the action-ref scopes. */
export function actionCallOf(info: PipelineInfo, table: TableInfo, action: TableAction | undefined, forDefault: boolean, where: string): ActionCall {
  if (!action?.type) throw invalid(`${where}: the entry has no action`);
  if (action.type !== 'action') {
    throw new RpcError(grpc.status.UNIMPLEMENTED, `${where}: ${action.type} (action profiles) is not supported by the p4lab switch; use a direct action`);
  }
  return directActionOf(info, table, action.action ?? {}, forDefault, where);
}

function directActionOf(info: PipelineInfo, table: TableInfo, action: Action, forDefault: boolean, where: string): ActionCall {
  const id = action.action_id ?? 0;
  const scope = table.actions.get(id);
  const a = info.actions.get(id);
  if (!scope || !a) {
    const names = [...table.actions.keys()].map((k) => `${k}=${info.actions.get(k)?.name}`).join(', ');
    throw invalid(`${where}: action id ${id} is not an action of table ${table.name} (its actions: ${names})`);
  }
  if (forDefault && scope === 'TABLE_ONLY') throw invalid(`${where}: action ${a.name} is @tableonly in table ${table.name}; it cannot be the default action`);
  if (!forDefault && scope === 'DEFAULT_ONLY') throw invalid(`${where}: action ${a.name} is @defaultonly in table ${table.name}; it can only be the default action`);
  return { action: a.name, params: paramsOf(a, action.params, where) };
}

function paramsOf(a: ActionInfo, params: Action['params'], where: string): bigint[] {
  const declared = a.params;
  const values: Array<bigint | undefined> = new Array(declared.length);
  for (const p of params ?? []) {
    const id = p.param_id ?? 0;
    let i = 0;
    while (i < declared.length && declared[i]!.id !== id) i++;
    if (i === declared.length) throw invalid(`${where}: action ${a.name} has no param id ${id} (params: ${declared.map((d) => `${d.id}=${d.name}`).join(', ') || 'none'})`);
    if (values[i] !== undefined) throw invalid(`${where}: action ${a.name} param id ${id} appears twice`);
    values[i] = valueOf(p.value, declared[i]!.bitwidth, `${where} action ${a.name} param ${declared[i]!.name}`);
  }
  for (let i = 0; i < declared.length; i++) {
    if (values[i] === undefined) throw invalid(`${where}: action ${a.name} param ${declared[i]!.name} (id ${declared[i]!.id}) is missing`);
  }
  return values as bigint[];
}

/** The P4Runtime action of a dataplane call. */
export function tableActionOf(info: PipelineInfo, call: ActionCall): TableAction {
  const a = info.actionByName.get(call.action);
  if (!a) throw new RpcError(grpc.status.INTERNAL, `the dataplane reported action ${call.action}, which the P4Info does not declare`);
  return {
    action: {
      action_id: a.id,
      params: a.params.map((p, i) => ({ param_id: p.id, value: encodeBytes(call.params[i] ?? 0n) })),
    },
  };
}

/** A stable text of a key and priority, for server-side per-entry state. */
export function entryKeyText(tableId: number, key: KeyMatch[], priority: number): string {
  const parts = key.map((k) => {
    switch (k.kind) {
      case 'exact':
        return k.value.toString(16);
      case 'lpm':
        return `${k.value.toString(16)}/${k.prefixLen}`;
      case 'ternary':
        return `${k.value.toString(16)}&${k.mask.toString(16)}`;
      case 'range':
        return `${k.low.toString(16)}-${k.high.toString(16)}`;
    }
  });
  return `${tableId}|${priority}|${parts.join(',')}`;
}

// A pipeline as the server sees it: the received P4Info, validated once and
// indexed by id, joined with the BMv2 JSON it describes (P4Info ids ⇄ BMv2
// names, as BMv2's PI layer does). Building one is the check that the two
// agree: the first disagreement is an INVALID_ARGUMENT naming both sides.
import * as grpc from '@grpc/grpc-js';
import type { Bmv2Json } from '../../bmv2/json-format.js';
import { RpcError } from './status.js';

export type MatchType = 'EXACT' | 'LPM' | 'TERNARY' | 'RANGE' | 'OPTIONAL';
export type Scope = 'TABLE_AND_DEFAULT' | 'TABLE_ONLY' | 'DEFAULT_ONLY';
export type CounterUnit = 'BYTES' | 'PACKETS' | 'BOTH';

export interface FieldInfo {
  id: number;
  name: string;
  bitwidth: number;
  matchType: MatchType;
}

export interface ParamInfo {
  id: number;
  name: string;
  bitwidth: number;
}

export interface ActionInfo {
  id: number;
  name: string;
  params: ParamInfo[]; // in BMv2 runtime_data order
}

export interface TableInfo {
  id: number;
  name: string;
  fields: FieldInfo[]; // in BMv2 key order
  fieldById: Map<number, FieldInfo>;
  actions: Map<number, Scope>;
  constDefaultActionId: number;
  isConst: boolean;
  idleTimeout: boolean;
  indirect: boolean; // implemented by an action profile
  needsPriority: boolean; // has a ternary, range or optional field
  directCounter?: DirectInfo;
  directMeter?: DirectInfo;
}

export interface DirectInfo {
  id: number;
  name: string; // BMv2 counter/meter array
  table: TableInfo;
  unit: string;
}

export interface ArrayInfo {
  id: number;
  name: string;
  size: number;
  unit: string; // counters and meters
  bitwidth: number; // registers
}

export interface DigestInfo {
  id: number;
  name: string; // = BMv2 learn_list name
  kind: 'struct' | 'tuple' | 'bitstring';
}

export interface ValueSetInfo {
  id: number;
  name: string;
  fields: FieldInfo[];
  size: number;
}

export interface ControllerHeaderInfo {
  fields: ParamInfo[]; // MSB first
  bits: number;
}

type Obj = Record<string, unknown>;

/** Widths beyond this are refused: they would make every wildcard a huge bigint. */
const MAX_BITWIDTH = 4096;

function checkWidth(bitwidth: number, what: string): void {
  if (!Number.isInteger(bitwidth) || bitwidth < 1 || bitwidth > MAX_BITWIDTH) {
    throw invalid(`${what}: bitwidth ${bitwidth} is outside 1..${MAX_BITWIDTH}`);
  }
}

/** The width of a BMv2 header field, or undefined when the key is not a plain field. */
function fieldWidth(json: Bmv2Json, target: unknown): number | undefined {
  if (!Array.isArray(target) || target.length !== 2) return undefined;
  const header = (json.headers ?? []).find((h) => h.name === target[0]);
  const type = header && (json.header_types ?? []).find((t) => t.name === header.header_type);
  const width = type?.fields.find((f) => f[0] === target[1])?.[1];
  return typeof width === 'number' ? width : undefined;
}

function invalid(message: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, `P4Info: ${message}`);
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value as Obj[]) : [];
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
}

function preambleOf(item: Obj, kind: string): { id: number; name: string } {
  const p = (item.preamble ?? {}) as Obj;
  const id = num(p.id);
  const name = typeof p.name === 'string' ? p.name : '';
  if (!id || !name) throw invalid(`a ${kind} without a preamble id and name`);
  return { id, name };
}

function bitstringWidth(typeSpec: unknown): number | undefined {
  const bitstring = (typeSpec as Obj | undefined)?.bitstring as Obj | undefined;
  const w = (bitstring?.bit as Obj | undefined)?.bitwidth ?? (bitstring?.int as Obj | undefined)?.bitwidth;
  return w === undefined ? undefined : num(w);
}

function uniqueIds(items: Array<{ id: number; name: string }>, what: string): void {
  const seen = new Set<number>();
  for (const item of items) {
    if (!item.id || seen.has(item.id)) throw invalid(`${what}: ${item.name} has ${item.id ? 'a repeated' : 'no'} id (${item.id})`);
    seen.add(item.id);
  }
}

export class PipelineInfo {
  readonly tables = new Map<number, TableInfo>();
  readonly tableByName = new Map<string, TableInfo>();
  readonly actions = new Map<number, ActionInfo>();
  readonly actionByName = new Map<string, ActionInfo>();
  readonly counters = new Map<number, ArrayInfo>();
  readonly meters = new Map<number, ArrayInfo>();
  readonly registers = new Map<number, ArrayInfo>();
  readonly directCounters = new Map<number, DirectInfo>();
  readonly directMeters = new Map<number, DirectInfo>();
  readonly digests = new Map<number, DigestInfo>();
  readonly digestByLearnList = new Map<string, DigestInfo>();
  readonly valueSets = new Map<number, ValueSetInfo>();
  readonly packetIn: ControllerHeaderInfo | undefined;
  readonly packetOut: ControllerHeaderInfo | undefined;
  private readonly ids = new Set<number>();

  constructor(p4info: Obj, json: Bmv2Json) {
    this.indexActions(p4info, json);
    this.indexTables(p4info, json);
    this.indexArrays(p4info, json);
    this.indexDirect(p4info, json);
    this.indexDigests(p4info, json);
    this.indexValueSets(p4info, json);
    this.packetIn = this.controllerHeader(p4info, 'packet_in');
    this.packetOut = this.controllerHeader(p4info, 'packet_out');
  }

  private claim(id: number, kind: string, name: string): void {
    if (this.ids.has(id)) throw invalid(`id ${id} of ${kind} ${name} is used twice`);
    this.ids.add(id);
  }

  private indexActions(p4info: Obj, json: Bmv2Json): void {
    const bmv2 = new Map((json.actions ?? []).map((a) => [a.name, a]));
    for (const item of list(p4info.actions)) {
      const { id, name } = preambleOf(item, 'action');
      this.claim(id, 'action', name);
      const b = bmv2.get(name);
      if (!b) throw invalid(`action ${name} is not in the BMv2 JSON (its actions: ${[...bmv2.keys()].join(', ')})`);
      const declared = list(item.params).map((p) => ({ id: num(p.id), name: String(p.name ?? ''), bitwidth: num(p.bitwidth) }));
      uniqueIds(declared, `action ${name} params`);
      for (const p of declared) checkWidth(p.bitwidth, `action ${name} param ${p.name}`);
      const params = (b.runtime_data ?? []).map((rd) => {
        const p = declared.find((d) => d.name === rd.name);
        if (!p) throw invalid(`action ${name}: BMv2 parameter ${rd.name} is not among the P4Info params (${declared.map((d) => d.name).join(', ') || 'none'})`);
        if (p.bitwidth !== rd.bitwidth) throw invalid(`action ${name} param ${rd.name}: P4Info says ${p.bitwidth} bits, the BMv2 JSON ${rd.bitwidth}`);
        return p;
      });
      if (params.length !== declared.length) throw invalid(`action ${name}: P4Info declares ${declared.length} params, the BMv2 JSON ${params.length}`);
      const info = { id, name, params };
      this.actions.set(id, info);
      this.actionByName.set(name, info);
    }
  }

  private indexTables(p4info: Obj, json: Bmv2Json): void {
    const bmv2 = new Map(json.pipelines.flatMap((p) => p.tables ?? []).map((t) => [t.name, t]));
    for (const item of list(p4info.tables)) {
      const { id, name } = preambleOf(item, 'table');
      this.claim(id, 'table', name);
      const b = bmv2.get(name);
      if (!b) throw invalid(`table ${name} is not in the BMv2 JSON (its tables: ${[...bmv2.keys()].join(', ')})`);
      const declared = list(item.match_fields).map((f) => ({
        id: num(f.id),
        name: String(f.name ?? ''),
        bitwidth: num(f.bitwidth),
        matchType: String(f.match_type ?? '') as MatchType,
      }));
      uniqueIds(declared, `table ${name} match fields`);
      if (declared.length !== b.key.length) throw invalid(`table ${name}: P4Info has ${declared.length} match fields, the BMv2 JSON ${b.key.length}`);
      const fields = b.key.map((k, i) => {
        const f = declared.find((d) => d.name === k.name) ?? declared[i];
        if (f.matchType.toLowerCase() !== k.match_type) {
          throw invalid(`table ${name} field ${f.name}: P4Info match type ${f.matchType || 'unset'}, BMv2 ${k.match_type}`);
        }
        checkWidth(f.bitwidth, `table ${name} field ${f.name}`);
        const width = fieldWidth(json, k.target);
        if (width !== undefined && width !== f.bitwidth) throw invalid(`table ${name} field ${f.name}: P4Info says ${f.bitwidth} bits, the BMv2 field ${width}`);
        return f;
      });
      const actions = new Map<number, Scope>();
      for (const ref of list(item.action_refs)) {
        const action = this.actions.get(num(ref.id));
        if (!action) throw invalid(`table ${name} refers to action id ${num(ref.id)}, which P4Info does not declare`);
        if (!b.actions.includes(action.name)) throw invalid(`table ${name}: action ${action.name} is not one of its BMv2 actions (${b.actions.join(', ')})`);
        actions.set(action.id, (ref.scope as Scope | undefined) ?? 'TABLE_AND_DEFAULT');
      }
      const table: TableInfo = {
        id,
        name,
        fields,
        fieldById: new Map(fields.map((f) => [f.id, f])),
        actions,
        constDefaultActionId: num(item.const_default_action_id),
        isConst: item.is_const_table === true,
        idleTimeout: item.idle_timeout_behavior === 'NOTIFY_CONTROL',
        indirect: num(item.implementation_id) !== 0,
        needsPriority: fields.some((f) => f.matchType === 'TERNARY' || f.matchType === 'RANGE' || f.matchType === 'OPTIONAL'),
      };
      this.tables.set(id, table);
      this.tableByName.set(name, table);
    }
  }

  private indexArrays(p4info: Obj, json: Bmv2Json): void {
    const kinds = [
      { key: 'counters', kind: 'counter', into: this.counters, bmv2: (json.counter_arrays ?? []).filter((c) => !c.is_direct) },
      { key: 'meters', kind: 'meter', into: this.meters, bmv2: (json.meter_arrays ?? []).filter((m) => !m.is_direct) },
      { key: 'registers', kind: 'register', into: this.registers, bmv2: json.register_arrays ?? [] },
    ] as const;
    for (const { key, kind, into, bmv2 } of kinds) {
      const byName = new Map<string, { size: number; bitwidth?: number }>(bmv2.map((a) => [a.name, a]));
      for (const item of list(p4info[key])) {
        const { id, name } = preambleOf(item, kind);
        this.claim(id, kind, name);
        const b = byName.get(name);
        if (!b) throw invalid(`${kind} ${name} is not in the BMv2 JSON`);
        const size = num(item.size);
        if (size !== b.size) throw invalid(`${kind} ${name}: P4Info size ${size}, BMv2 size ${b.size}`);
        let bitwidth = 0;
        if (kind === 'register') {
          bitwidth = bitstringWidth(item.type_spec) ?? 0;
          if (bitwidth !== b.bitwidth) throw invalid(`register ${name}: P4Info type is ${bitwidth ? `bit<${bitwidth}>` : 'not a bitstring'}, BMv2 bitwidth ${b.bitwidth}`);
        }
        into.set(id, { id, name, size, bitwidth, unit: String((item.spec as Obj | undefined)?.unit ?? 'BOTH') });
      }
    }
  }

  private indexDirect(p4info: Obj, json: Bmv2Json): void {
    const kinds = [
      { key: 'direct_counters', kind: 'direct counter', into: this.directCounters, field: 'directCounter', bmv2: json.counter_arrays ?? [] },
      { key: 'direct_meters', kind: 'direct meter', into: this.directMeters, field: 'directMeter', bmv2: json.meter_arrays ?? [] },
    ] as const;
    for (const { key, kind, into, field, bmv2 } of kinds) {
      for (const item of list(p4info[key])) {
        const { id, name } = preambleOf(item, kind);
        this.claim(id, kind, name);
        const table = this.tables.get(num(item.direct_table_id));
        if (!table) throw invalid(`${kind} ${name}: direct_table_id ${num(item.direct_table_id)} is not a table of this P4Info`);
        const b = bmv2.find((a) => a.name === name);
        if (!b || !b.is_direct || b.binding !== table.name) throw invalid(`${kind} ${name} is not a direct array bound to ${table.name} in the BMv2 JSON`);
        const info: DirectInfo = { id, name, table, unit: String((item.spec as Obj | undefined)?.unit ?? 'BOTH') };
        into.set(id, info);
        table[field] = info;
      }
    }
  }

  private indexDigests(p4info: Obj, json: Bmv2Json): void {
    const learnLists = new Set((json.learn_lists ?? []).map((l) => l.name));
    for (const item of list(p4info.digests)) {
      const { id, name } = preambleOf(item, 'digest');
      this.claim(id, 'digest', name);
      if (!learnLists.has(name)) throw invalid(`digest ${name} has no learn_list of that name in the BMv2 JSON`);
      const spec = (item.type_spec ?? {}) as Obj;
      const kind = spec.tuple ? 'tuple' : spec.bitstring ? 'bitstring' : 'struct';
      const info: DigestInfo = { id, name, kind };
      this.digests.set(id, info);
      this.digestByLearnList.set(name, info);
    }
  }

  private indexValueSets(p4info: Obj, json: Bmv2Json): void {
    const vsets = new Map((json.parse_vsets ?? []).map((v) => [v.name, v]));
    for (const item of list(p4info.value_sets)) {
      const { id, name } = preambleOf(item, 'value set');
      this.claim(id, 'value set', name);
      const b = vsets.get(name);
      if (!b) throw invalid(`value set ${name} is not a parse_vset of the BMv2 JSON`);
      const fields = list(item.match).map((f) => ({
        id: num(f.id),
        name: String(f.name ?? ''),
        bitwidth: num(f.bitwidth),
        matchType: String(f.match_type ?? 'EXACT') as MatchType,
      }));
      for (const f of fields) checkWidth(f.bitwidth, `value set ${name} field ${f.name}`);
      this.valueSets.set(id, { id, name, fields, size: num(item.size) || b.max_size });
    }
  }

  private controllerHeader(p4info: Obj, which: 'packet_in' | 'packet_out'): ControllerHeaderInfo | undefined {
    const item = list(p4info.controller_packet_metadata).find((m) => (m.preamble as Obj | undefined)?.name === which);
    if (!item) return undefined;
    const { id } = preambleOf(item, 'controller header');
    this.claim(id, 'controller header', which);
    const fields = list(item.metadata).map((m) => ({ id: num(m.id), name: String(m.name ?? ''), bitwidth: num(m.bitwidth) }));
    for (const f of fields) checkWidth(f.bitwidth, `${which} metadata ${f.name}`);
    return { fields, bits: fields.reduce((sum, f) => sum + f.bitwidth, 0) };
  }
}

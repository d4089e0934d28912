// P4Info from the lowering's model: the same fully qualified names as the
// BMv2 JSON, ids allocated as p4c does.
import type * as ast from '../compiler/ast.js';
import type { LoweredModel } from '../compiler/lower/model.js';
import { preambleAnnotations } from './annotations.js';
import { aliases, allocateIds, type IdRequest } from './ids.js';
import { type P4Info, P4IdPrefix, type Preamble, type TableActionCall } from './types.js';

function explicitId(annotations: ast.Annotation[]): number | undefined {
  const a = annotations.find((x) => x.name === 'id')?.args[0];
  return a?.kind === 'int' ? Number(a.value) : undefined;
}

const byName = <T extends { preamble: Preamble }>(list: T[]) => list.sort((a, b) => (a.preamble.name < b.preamble.name ? -1 : 1));

export function buildP4Info(model: LoweredModel): P4Info {
  const tables = model.tables.filter((t) => !t.hidden);
  const usedActions = new Set(tables.flatMap((t) => t.actionRefs.map((r) => r.action)));
  const actions = model.actions.filter((a) => usedActions.has(a.name));
  const requests: IdRequest[] = [
    ...tables.map((t) => ({ prefix: P4IdPrefix.TABLE, name: t.json.name, explicitId: explicitId(t.annotations) })),
    ...actions.map((a) => ({ prefix: P4IdPrefix.ACTION, name: a.name, explicitId: explicitId(a.annotations) })),
    ...model.externs.map((e) => ({ prefix: EXTERN_PREFIX[e.kind], name: e.name, explicitId: explicitId(e.annotations) })),
    ...model.digests.map((d) => ({ prefix: P4IdPrefix.DIGEST, name: d.name })),
    ...model.packetHeaders.map((h) => ({ prefix: P4IdPrefix.CONTROLLER_HEADER, name: h.name })),
    ...model.valueSets.map((v) => ({ prefix: P4IdPrefix.VALUE_SET, name: v.name })),
  ];
  const ids = allocateIds(requests);
  const alias = aliases(requests.map((r) => r.name));
  const id = (prefix: number, name: string) => ids.get(`${prefix}:${name}`)!;
  const preamble = (prefix: number, name: string, annotations?: string[]): Preamble => ({
    id: id(prefix, name),
    name,
    alias: alias.get(name) ?? name,
    ...(annotations?.length ? { annotations } : {}),
  });
  const direct = (kind: 'direct_counter' | 'direct_meter') => model.externs.filter((e) => e.kind === kind);

  return {
    pkg_info: { arch: 'v1model' },
    tables: byName(
      tables.map((t) => {
        const resources = [
          ...(t.directCounter ? [id(P4IdPrefix.DIRECT_COUNTER, t.directCounter)] : []),
          ...(t.directMeter ? [id(P4IdPrefix.DIRECT_METER, t.directMeter)] : []),
        ];
        return {
          preamble: preamble(P4IdPrefix.TABLE, t.json.name),
          match_fields: t.keys.map((k, i) => ({ id: i + 1, name: k.name, bitwidth: k.bitwidth, match_type: k.matchType })),
          action_refs: t.actionRefs.map((r) => ({
            id: id(P4IdPrefix.ACTION, r.action),
            ...(r.annotations.length ? { annotations: r.annotations } : {}),
            ...(r.scope !== 'TABLE_AND_DEFAULT' ? { scope: r.scope } : {}),
          })),
          ...(t.constDefaultAction ? { const_default_action_id: id(P4IdPrefix.ACTION, t.constDefaultAction) } : {}),
          ...(t.defaultAction ? { initial_default_action: actionCall(id(P4IdPrefix.ACTION, t.defaultAction.action), t.defaultAction.args) } : {}),
          ...(resources.length ? { direct_resource_ids: resources } : {}),
          size: t.size,
          ...(t.idleTimeout ? { idle_timeout_behavior: 'NOTIFY_CONTROL' as const } : {}),
          ...(t.isConst ? { is_const_table: true } : {}),
          ...(t.hasInitialEntries ? { has_initial_entries: true } : {}),
        };
      }),
    ),
    actions: byName(
      actions.map((a) => ({
        preamble: preamble(P4IdPrefix.ACTION, a.name, preambleAnnotations(a.annotations)),
        params: a.params.map((p, i) => ({ id: i + 1, name: p.name, bitwidth: p.bitwidth })),
      })),
    ),
    action_profiles: [],
    counters: byName(model.externs.filter((e) => e.kind === 'counter').map((e) => ({ preamble: preamble(P4IdPrefix.COUNTER, e.name), spec: { unit: e.unit ?? 'BOTH' }, size: e.size }))),
    direct_counters: byName(
      direct('direct_counter').filter((e) => e.table).map((e) => ({ preamble: preamble(P4IdPrefix.DIRECT_COUNTER, e.name), spec: { unit: e.unit ?? 'BOTH' }, direct_table_id: id(P4IdPrefix.TABLE, e.table!) })),
    ),
    meters: byName(model.externs.filter((e) => e.kind === 'meter').map((e) => ({ preamble: preamble(P4IdPrefix.METER, e.name), spec: { unit: e.unit === 'BYTES' ? 'BYTES' : 'PACKETS' }, size: e.size }))),
    direct_meters: byName(
      direct('direct_meter').filter((e) => e.table).map((e) => ({ preamble: preamble(P4IdPrefix.DIRECT_METER, e.name), spec: { unit: e.unit === 'BYTES' ? 'BYTES' : 'PACKETS' }, direct_table_id: id(P4IdPrefix.TABLE, e.table!) })),
    ),
    controller_packet_metadata: byName(
      model.packetHeaders.map((h) => ({
        preamble: preamble(P4IdPrefix.CONTROLLER_HEADER, h.name, [h.annotation]),
        metadata: h.fields.map((f, i) => ({ id: i + 1, name: f.name, bitwidth: f.type.k === 'bit' || f.type.k === 'int' ? f.type.w : f.type.k === 'bool' ? 1 : 0 })),
      })),
    ),
    value_sets: byName(model.valueSets.map((v) => ({ preamble: preamble(P4IdPrefix.VALUE_SET, v.name), match: [{ id: 1, bitwidth: v.bitwidth, match_type: 'EXACT' as const }], size: v.size }))),
    registers: byName(
      model.externs.filter((e) => e.kind === 'register').map((e) => ({ preamble: preamble(P4IdPrefix.REGISTER, e.name), type_spec: { bitstring: { bit: { bitwidth: e.bitwidth ?? 0 } } }, size: e.size })),
    ),
    digests: byName(model.digests.map((d) => ({ preamble: preamble(P4IdPrefix.DIGEST, d.name), type_spec: { struct: { name: d.name } } }))),
    ...(model.digests.length
      ? {
          type_info: {
            structs: Object.fromEntries(
              model.digests.map((d) => [d.name, { members: d.fields.map((f) => ({ name: f.name, type_spec: { bitstring: { bit: { bitwidth: f.bitwidth } } } })) }]),
            ),
          },
        }
      : {}),
  };
}

function actionCall(actionId: number, args: bigint[]): TableActionCall {
  return args.length ? { action_id: actionId, arguments: args.map((v, i) => ({ param_id: i + 1, value: shortestBytes(v) })) } : { action_id: actionId };
}

/** P4Runtime's canonical bytestring: big-endian, no leading zero bytes, at least one byte. */
function shortestBytes(v: bigint): Uint8Array {
  const bytes: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
  return Uint8Array.from(bytes.length ? bytes : [0]);
}

const EXTERN_PREFIX: Record<LoweredModel['externs'][number]['kind'], number> = {
  counter: P4IdPrefix.COUNTER,
  direct_counter: P4IdPrefix.DIRECT_COUNTER,
  meter: P4IdPrefix.METER,
  direct_meter: P4IdPrefix.DIRECT_METER,
  register: P4IdPrefix.REGISTER,
};

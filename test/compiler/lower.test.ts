// Structural checks of the lowering on every program in p4/, and the shape of
// specific constructs (hidden tables, hit/miss, action_run switches,
// predication in actions, const entries, direct resources, checksums).
import { describe, expect, it } from 'vitest';
import type { Bmv2Json, Bmv2Table } from '../../kernel-lib/bmv2/json-format.js';
import type { P4Info } from '../../kernel-lib/p4info/types.js';
import { compileP4 } from '../../kernel-lib/compiler/index.js';
import { rangeMasks } from '../../kernel-lib/compiler/lower/parser.js';
import { compileFragment, compileOk, compileProgram, p4Programs } from './compile-helpers.js';

function unique<T>(values: T[]): boolean {
  return new Set(values).size === values.length;
}

function checkStructure(j: Bmv2Json, p: P4Info): void {
  expect(Object.keys(j)).toEqual([
    'program', '__meta__', 'header_types', 'headers', 'header_stacks', 'header_union_types', 'header_unions', 'header_union_stacks',
    'field_lists', 'errors', 'enums', 'parsers', 'parse_vsets', 'deparsers', 'meter_arrays', 'counter_arrays', 'register_arrays',
    'calculations', 'learn_lists', 'actions', 'pipelines', 'checksums', 'force_arith', 'extern_instances', 'field_aliases',
  ]);
  expect(j.__meta__.version).toEqual([2, 23]);
  expect(j.header_types[0]!.name).toBe('scalars_0');
  expect(j.headers.find((h) => h.name === 'standard_metadata')?.metadata).toBe(true);
  expect(j.errors.slice(0, 3)).toEqual([['NoError', 0], ['PacketTooShort', 1], ['NoMatch', 2]]);
  // Header types are whole bytes; headers name existing types; ids unique.
  for (const ht of j.header_types) expect(ht.fields.reduce((s, f) => s + (f[1] as number), 0) % 8, ht.name).toBe(0);
  const types = new Set(j.header_types.map((t) => t.name));
  for (const h of j.headers) expect(types.has(h.header_type), h.name).toBe(true);
  for (const list of [j.header_types, j.headers, j.actions, j.calculations, j.register_arrays, j.counter_arrays, j.meter_arrays]) {
    expect(unique(list.map((x) => x.id))).toBe(true);
    expect(unique(list.map((x) => x.name))).toBe(true);
  }
  // Every referenced field exists in its header's type.
  const fieldsOf = new Map(j.headers.map((h) => [h.name, new Set(j.header_types.find((t) => t.name === h.header_type)!.fields.map((f) => f[0]))]));
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'field' && Array.isArray(o.value)) {
      const [h, f] = o.value as [string, string];
      expect(f === '$valid$' || fieldsOf.get(h)?.has(f), `${h}.${f}`).toBe(true);
    }
    Object.values(o).forEach(walk);
  };
  walk([j.parsers, j.actions, j.pipelines, j.calculations, j.checksums, j.learn_lists, j.field_lists]);
  // Tables name existing actions by name and id; every next pointer names a node.
  const actions = new Map(j.actions.map((a) => [a.name, a.id]));
  const tables: Bmv2Table[] = j.pipelines.flatMap((pl) => pl.tables);
  expect(unique(tables.map((t) => t.name))).toBe(true);
  expect(unique(tables.map((t) => t.id))).toBe(true);
  for (const pl of j.pipelines) {
    const nodes = new Set([...pl.tables.map((t) => t.name), ...pl.conditionals.map((c) => c.name)]);
    const isNode = (n: string | null) => n === null || nodes.has(n);
    expect(isNode(pl.init_table)).toBe(true);
    for (const t of pl.tables) {
      t.actions.forEach((a, i) => expect(actions.get(a), `${t.name} → ${a}`).toBe(t.action_ids[i]));
      for (const [k, n] of Object.entries(t.next_tables)) {
        expect(k === '__HIT__' || k === '__MISS__' || t.actions.includes(k), `${t.name} next key ${k}`).toBe(true);
        expect(isNode(n), `${t.name} → ${n}`).toBe(true);
      }
      expect(isNode(t.base_default_next)).toBe(true);
      if (t.default_entry) expect(t.action_ids).toContain(t.default_entry.action_id);
    }
    for (const c of pl.conditionals) expect(isNode(c.true_next) && isNode(c.false_next), c.name).toBe(true);
  }
  // The parser's transitions name states; the deparser names headers.
  for (const ps of j.parsers[0]!.parse_states) {
    for (const tr of ps.transitions) expect(tr.next_state === null || j.parsers[0]!.parse_states.some((s) => s.name === tr.next_state)).toBe(true);
  }
  for (const h of j.deparsers[0]!.order) expect(fieldsOf.has(h), h).toBe(true);
  // P4Info names are the JSON names; ids are unique and carry their prefixes.
  const ids = [...p.tables, ...p.actions, ...p.counters, ...p.direct_counters, ...p.meters, ...p.direct_meters, ...p.registers, ...p.digests, ...p.controller_packet_metadata].map((x) => x.preamble.id);
  expect(unique(ids)).toBe(true);
  for (const t of p.tables) {
    const jt = tables.find((x) => x.name === t.preamble.name);
    expect(jt, t.preamble.name).toBeDefined();
    expect(t.preamble.id >>> 24).toBe(0x02);
    expect(t.match_fields.map((m) => m.name)).toEqual(jt!.key.map((k) => k.name));
    expect(t.match_fields.map((m) => m.id)).toEqual(t.match_fields.map((_, i) => i + 1));
    const refNames = t.action_refs.map((r) => p.actions.find((a) => a.preamble.id === r.id)?.preamble.name);
    expect(refNames).toEqual(jt!.actions);
  }
  for (const a of p.actions) {
    const ja = j.actions.find((x) => x.name === a.preamble.name);
    expect(ja, a.preamble.name).toBeDefined();
    expect(a.preamble.id >>> 24).toBe(0x01);
    expect(a.params.map((x) => [x.name, x.bitwidth])).toEqual(ja!.runtime_data.map((r) => [r.name, r.bitwidth]));
  }
  for (const r of p.registers) expect(j.register_arrays.find((x) => x.name === r.preamble.name)?.size).toBe(r.size);
  for (const c of p.counters) expect(j.counter_arrays.find((x) => x.name === c.preamble.name)?.size).toBe(c.size);
  for (const d of p.digests) expect(j.learn_lists.some((l) => l.name === d.preamble.name)).toBe(true);
}

describe('lowering: structure of every program in p4/', () => {
  for (const { name, path } of p4Programs()) {
    it(name, () => {
      const r = compileProgram(path);
      checkStructure(r.bmv2, r.p4info);
    });
  }
});

describe('lowering: constructs', () => {
  it('runs statements and direct action calls in apply blocks from hidden tables', () => {
    const r = compileOk(compileFragment({
      locals: 'action set_b(bit<8> v) { h.t.b = v; }',
      apply: 'h.t.a = h.t.a + 1; set_b(7); h.t.c = 16w0;',
    }));
    const ingress = r.bmv2.pipelines[0]!;
    expect(ingress.tables.map((t) => t.name)).toEqual(['tbl_act', 'tbl_set_b', 'tbl_act_0']);
    expect(ingress.init_table).toBe('tbl_act');
    const setB = ingress.tables[1]!;
    expect(setB.default_entry).toEqual({ action_id: setB.action_ids[0], action_const: true, action_data: ['0x07'], action_entry_const: true });
    expect(setB.next_tables).toEqual({ 'I.set_b': 'tbl_act_0' });
    const act = r.bmv2.actions.find((a) => a.name === 'act')!;
    expect(act.primitives).toEqual([{
      op: 'assign',
      parameters: [
        { type: 'field', value: ['t', 'a'] },
        { type: 'expression', value: { type: 'expression', value: { op: '&', left: { type: 'expression', value: { op: '+', left: { type: 'field', value: ['t', 'a'] }, right: { type: 'hexstr', value: '0x01' } } }, right: { type: 'hexstr', value: '0xff' } } } },
      ],
    }]);
    expect(r.p4info.tables).toEqual([]); // hidden tables are not in P4Info
  });

  it('lowers t.apply().hit to __HIT__/__MISS__ and switch(action_run) to per-action next tables', () => {
    const r = compileOk(compileFragment({
      locals: `action a1() { } action a2() { }
        table t1 { key = { h.t.a: exact; } actions = { a1; a2; NoAction; } }
        table t2 { key = { h.t.b: ternary; } actions = { a1; a2; } }`,
      apply: `if (!t1.apply().hit) { h.t.c = 1; }
        switch (t2.apply().action_run) { a1: { h.t.c = 2; } default: { h.t.c = 3; } }`,
    }));
    const [t1, t2] = ['I.t1', 'I.t2'].map((n) => r.bmv2.pipelines[0]!.tables.find((t) => t.name === n)!);
    expect(t1!.next_tables).toEqual({ __HIT__: 'I.t2', __MISS__: 'tbl_act' });
    expect(t2!.match_type).toBe('ternary');
    expect(t2!.next_tables['I.a1']).not.toBe(t2!.next_tables['I.a2']);
    expect(t2!.base_default_next).toBeNull();
  });

  it('predicates assignments under an if inside an action', () => {
    const r = compileOk(compileFragment({
      locals: 'action clamp() { if (h.t.a > 8w100) { h.t.a = 100; } else { h.t.b = 1; } }\n table t { actions = { clamp; } default_action = clamp(); }',
      apply: 't.apply();',
    }));
    const clamp = r.bmv2.actions.find((a) => a.name === 'I.clamp')!;
    expect(clamp.primitives.map((p) => p.op)).toEqual(['assign', 'assign', 'assign']);
    const [cond, thenA] = clamp.primitives;
    expect(cond!.parameters[0]).toEqual({ type: 'field', value: ['scalars', 'tmp'] });
    expect((thenA!.parameters[1] as { value: { value: { op: string } } }).value.value.op).toBe('?');
  });

  it('gives const entries BMv2 priorities (first entry wins) and direct counters their table', () => {
    const r = compileOk(compileFragment({
      locals: `direct_counter(CounterType.packets_and_bytes) hits;
        action set(bit<8> v) { h.t.b = v; }
        table t {
          key = { h.t.a: ternary; h.t.c: range; }
          actions = { set; NoAction; }
          const entries = {
            (0x10 &&& 0xf0, 1 .. 9) : set(1);
            (_, _) : set(2);
          }
          counters = hits;
          size = 64;
        }`,
      apply: 't.apply();',
    }));
    const t = r.bmv2.pipelines[0]!.tables.find((x) => x.name === 'I.t')!;
    expect(t.match_type).toBe('range');
    expect(t.with_counters).toBe(true);
    expect(t.entries).toEqual([
      { match_key: [{ match_type: 'ternary', key: '0x10', mask: '0xf0' }, { match_type: 'range', start: '0x0001', end: '0x0009' }], action_entry: { action_id: t.action_ids[0], action_data: ['0x01'] }, priority: 1 },
      { match_key: [{ match_type: 'ternary', key: '0x00', mask: '0x00' }, { match_type: 'range', start: '0x0000', end: '0xffff' }], action_entry: { action_id: t.action_ids[0], action_data: ['0x02'] }, priority: 2 },
    ]);
    expect(r.bmv2.counter_arrays).toEqual([{ name: 'I.hits', id: 0, is_direct: true, binding: 'I.t', size: 64 }]);
    const pt = r.p4info.tables[0]!;
    expect(pt.is_const_table).toBe(true);
    expect(pt.has_initial_entries).toBe(true);
    expect(pt.direct_resource_ids).toEqual([r.p4info.direct_counters[0]!.preamble.id]);
    expect(r.p4info.direct_counters[0]!.direct_table_id).toBe(pt.preamble.id);
  });

  it('maps v1model externs as p4c-bm2-ss does', () => {
    const r = compileOk(compileFragment({
      meta: 'bit<8> m; @field_list(1) bit<16> keep;',
      decls: 'struct d_t { bit<48> src; bit<9> port; }',
      locals: `register<bit<16>>(32) reg; counter(8, CounterType.packets) cnt; meter(4, MeterType.bytes) mtr;`,
      apply: `reg.read(meta.keep, 3); reg.write((bit<32>)h.t.a, h.t.c); cnt.count(1); mtr.execute_meter(2, meta.m);
        hash(h.t.c, HashAlgorithm.crc16, 16w0, { h.eth.src, h.t.a }, 16w1024);
        random(meta.m, 8w1, 8w6);
        digest<d_t>(1, { h.eth.src, sm.ingress_port });
        clone_preserving_field_list(CloneType.I2E, 5, 1);
        mark_to_drop(sm);`,
    }));
    const prims = r.bmv2.actions.find((a) => a.name === 'act')!.primitives.map((p) => p.op);
    expect(prims).toEqual(['register_read', 'register_write', 'count', 'execute_meter', 'modify_field_with_hash_based_offset', 'modify_field_rng_uniform', 'generate_digest', 'clone_ingress_pkt_to_egress', 'mark_to_drop']);
    expect(r.bmv2.register_arrays).toEqual([{ name: 'I.reg', id: 0, size: 32, bitwidth: 16 }]);
    expect(r.bmv2.meter_arrays[0]).toMatchObject({ name: 'I.mtr', type: 'bytes', is_direct: false, size: 4, rate_count: 2 });
    expect(r.bmv2.learn_lists).toEqual([{ id: 1, name: 'd_t', elements: [{ type: 'field', value: ['eth', 'src'] }, { type: 'field', value: ['standard_metadata', 'ingress_port'] }] }]);
    expect(r.bmv2.field_lists).toEqual([{ id: 1, name: 'field_list1', elements: [{ type: 'field', value: ['scalars', 'userMetadata.keep'] }] }]);
    expect(r.bmv2.calculations.find((c) => c.algo === 'crc16')?.input).toEqual([{ type: 'field', value: ['eth', 'src'] }, { type: 'field', value: ['t', 'a'] }]);
    expect(r.p4info.digests[0]!.preamble.name).toBe('d_t');
    expect(r.p4info.type_info?.structs?.d_t?.members.map((m) => m.name)).toEqual(['src', 'port']);
    expect(r.p4info.registers[0]!.type_spec).toEqual({ bitstring: { bit: { bitwidth: 16 } } });
  });

  it('folds constants in widths, sizes and keys, and names @name objects as given', () => {
    const r = compileOk(compileFragment({
      decls: 'const bit<32> N = 4 * 8; typedef bit<(N / 4)> byte_t; enum bit<16> Kind { A = 0x1234, B = 0x5678 }',
      locals: `@name(".global_t") table t { key = { h.t.a: exact @name("first"); } actions = { NoAction; } size = N * 2; }
        byte_t x;`,
      apply: 'x = ((bit<16>)Kind.A)[7:0]; t.apply();',
    }));
    const t = r.bmv2.pipelines[0]!.tables.find((x) => x.name === 'global_t')!;
    expect(t.max_size).toBe(64);
    expect(t.key[0]!.name).toBe('first');
    expect(r.bmv2.header_types[0]!.fields).toContainEqual(['x', 8, false]);
    const act = r.bmv2.actions.find((a) => a.name === 'act')!;
    expect(act.primitives[0]!.parameters[1]).toEqual({ type: 'hexstr', value: '0x34' });
  });

  it('verifies checksums in the parser and updates them in the deparser, with payload when asked', () => {
    const r = compileProgram('p4/nat.p4');
    expect(r.bmv2.checksums.every((c) => c.type === 'generic' && c.verify !== c.update)).toBe(true);
    expect(r.bmv2.checksums.filter((c) => c.update).length).toBeGreaterThanOrEqual(2);
    const withPayload = r.bmv2.calculations.filter((c) => c.input.at(-1)?.type === 'payload');
    expect(withPayload.length).toBeGreaterThanOrEqual(1);
    expect(r.bmv2.field_aliases).toContainEqual(['queueing_metadata.enq_qdepth', ['standard_metadata', 'enq_qdepth']]);
  });

  it('extracts header stacks with .next and masks select keys', () => {
    const r = compileProgram('p4/int_telemetry.p4');
    const ops = r.bmv2.parsers[0]!.parse_states.flatMap((s) => s.parser_ops);
    expect(ops).toContainEqual({ op: 'extract', parameters: [{ type: 'stack', value: 'int_hops' }] });
    expect(r.bmv2.header_stacks[0]).toMatchObject({ name: 'int_hops', size: 4 });
  });

  it('lowers parser locals, lookahead, advance, verify, masked tuple keysets, value sets and reject', () => {
    const r = compileOk(compileP4(PARSER_PROGRAM, { file: 'parser.p4' }));
    const states = Object.fromEntries(r.bmv2.parsers[0]!.parse_states.map((s) => [s.name, s]));
    expect(states.start!.parser_ops[0]).toEqual({ op: 'set', parameters: [{ type: 'field', value: ['scalars', 'peek'] }, { type: 'hexstr', value: '0x00' }] });
    expect(states.start!.transition_key).toEqual([{ type: 'field', value: ['eth', 'type'] }, { type: 'lookahead', value: [0, 8] }]);
    expect(states.start!.transitions).toEqual([
      { type: 'hexstr', value: '0x1234f0', mask: '0xfffff0', next_state: 'parse_t' },
      { type: 'hexstr', value: '0x123400', mask: '0xffff00', next_state: 'skip' },
      { type: 'hexstr', value: '0x432100', mask: '0xffff00', next_state: 'reject' },
      { type: 'default', value: null, mask: null, next_state: null },
    ]);
    expect(states.skip!.parser_ops.map((o) => o.op)).toEqual(['advance', 'set', 'verify']);
    expect(states.skip!.parser_ops[2]!.parameters[1]).toEqual({ type: 'hexstr', value: '0x00000007' }); // error.BadVersion after the 7 core errors
    expect(states.skip!.transitions[0]).toEqual({ type: 'parse_vset', value: 'P.special', mask: null, next_state: 'parse_t' });
    expect(states.reject!.parser_ops).toEqual([{ op: 'verify', parameters: [{ type: 'bool', value: false }, { type: 'hexstr', value: '0x00000000' }] }]);
    expect(r.bmv2.parse_vsets).toEqual([{ name: 'P.special', id: 0, compressed_bitwidth: 8, max_size: 4 }]);
    expect(r.p4info.value_sets.map((v) => [v.preamble.name, v.size, v.match[0]!.bitwidth])).toEqual([['P.special', 4, 8]]);
    expect(r.bmv2.deparsers[0]!.order).toEqual(['eth', 't']);
  });

  it('covers a select range with the fewest value/mask pairs', () => {
    expect(rangeMasks(0n, 255n, 8)).toEqual([{ v: 0n, m: 0n }]);
    expect(rangeMasks(1n, 6n, 8)).toEqual([{ v: 1n, m: 0xffn }, { v: 2n, m: 0xfen }, { v: 4n, m: 0xfen }, { v: 6n, m: 0xffn }]);
    const covered = (pairs: Array<{ v: bigint; m: bigint }>) => Array.from({ length: 256 }, (_, x) => pairs.some((p) => (BigInt(x) & p.m) === p.v)).flatMap((hit, x) => (hit ? [x] : []));
    expect(covered(rangeMasks(37n, 200n, 8))).toEqual(Array.from({ length: 164 }, (_, i) => i + 37));
  });

  it('numbers entry priorities by largest_priority_wins and priority_delta', () => {
    const r = compileOk(compileFragment({
      locals: `action set(bit<8> v) { h.t.b = v; }
        table t {
          key = { h.t.a: ternary; }
          actions = { set; }
          largest_priority_wins = false;
          priority_delta = 10;
          entries = { 1 &&& 0xff : set(1); priority=5: 2 &&& 0xff : set(2); 3 &&& 0xff : set(3); }
        }`,
      apply: 't.apply();',
    }));
    // P4 priorities 1, 5, 15 with the smallest winning → BMv2 1, 5, 15.
    expect(r.bmv2.pipelines[0]!.tables[0]!.entries!.map((e) => e.priority)).toEqual([1, 5, 15]);
    expect(r.p4info.tables[0]!.is_const_table).toBeUndefined();
    expect(r.p4info.tables[0]!.has_initial_entries).toBe(true);
  });
});

const PARSER_PROGRAM = `#include <core.p4>
#include <v1model.p4>
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
header t_t { bit<8> a; bit<8> b; bit<16> c; }
struct headers_t { eth_t eth; t_t t; }
struct meta_t { bit<8> m; }
error { BadVersion }
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    value_set<bit<8>>(4) special;
    bit<8> peek = 0;
    state start {
        pkt.extract(h.eth);
        transition select(h.eth.type, pkt.lookahead<bit<8>>()) {
            (0x1234, 0xf0 &&& 0xf0): parse_t;
            (0x1234, _): skip;
            (0x4321, _): reject;
            default: accept;
        }
    }
    state skip {
        pkt.advance(32);
        peek = pkt.lookahead<bit<8>>();
        verify(peek != 0, error.BadVersion);
        transition select(peek) { special: parse_t; default: accept; }
    }
    state parse_t { pkt.extract(h.t); transition accept; }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`;

// Constructs p4c's sample programs use that the compiler lacked: structure-
// valued expressions, `+:` slices, lookahead<H>().field, the include files'
// guard macros and versioned externs, NoAction's annotation and the implicit
// NoAction default. Semantics are checked by running the output with packets.
import { describe, expect, it } from 'vitest';
import { compileP4 } from '../../kernel-lib/compiler/index.js';
import { formatStfResult, runStfOnJson } from '../../kernel-lib/stf/index.js';
import { compileFragment, compileOk, v1 } from './compile-helpers.js';

const errors = (r: ReturnType<typeof compileFragment>) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
const packets = (parts: Parameters<typeof v1>[0], stf: string) => {
  const r = compileOk(compileFragment(parts));
  const res = runStfOnJson(r.bmv2, stf);
  expect(res.ok, formatStfResult(res)).toBe(true);
  return r;
};
// the fragment's headers: eth (14 bytes) then, for type 0x1234, t = {a: 8, b: 8, c: 16}
const ETH = '000000000001 000000000002 1234';

describe('structure-valued expressions { f = v }', () => {
  it('initialise a header (making it valid) and a struct by field name, in any order', () => {
    packets(
      {
        decls: 'struct pair_t { bit<8> x; bit<16> y; }',
        locals: 'pair_t p;',
        apply: 'p = { y = 0x3344, x = 0x22 }; h.t = { c = p.y, a = 0x11, b = p.x }; sm.egress_spec = 1;',
      },
      `packet 0 000000000001 000000000002 0800 ffff\nexpect 1 000000000001 000000000002 0800 11 22 3344 ffff $\n`,
    );
  });

  it('nest, and work as a local initialiser', () => {
    packets(
      {
        decls: 'struct in_t { bit<8> v; } struct out_t { in_t i; bit<8> w; }',
        apply: 'out_t o = { i = { v = 7 }, w = 9 }; h.t.a = o.i.v; h.t.b = o.w; sm.egress_spec = 1;',
      },
      `packet 0 ${ETH} 0000 0000\nexpect 1 ${ETH} 07 09 0000 $\n`,
    );
  });

  it('must name each field of the target type once', () => {
    const r = compileFragment({ decls: 'struct s_t { bit<8> x; bit<8> y; }', locals: 's_t s;', apply: 's = { x = 1, z = 2, x = 3 }; bit<8> n = { x = 1 };' });
    expect(errors(r)).toEqual([
      "the structure-valued expression leaves out 'y' of s_t",
      "s_t has no field 'z'",
      "field 'x' is given twice",
      'a structure-valued expression needs a struct or header type here, not bit<8>',
    ]);
  });
});

describe('slices x[lo +: w]', () => {
  it('take w bits from bit lo up', () => {
    const r = packets({ apply: 'h.t.a = h.t.c[4 +: 8]; h.t.b[0 +: 4] = 0xf; sm.egress_spec = 1;' }, `packet 0 ${ETH} 00 00 abcd\nexpect 1 ${ETH} bc 0f abcd $\n`);
    expect(JSON.stringify(r.bmv2.actions)).toContain('"op":">>"');
  });
});

describe('lookahead<H>().field', () => {
  it('looks ahead at just the field, in a select key and in an assignment', () => {
    const program = v1({}).replace(
      'state start {\n        pkt.extract(h.eth);',
      'state start {\n        meta.m = pkt.lookahead<eth_t>().src[7:0];\n        transition select(pkt.lookahead<eth_t>().type) { 0x1234: go; default: accept; }\n    }\n    state go {\n        pkt.extract(h.eth);',
    );
    const r = compileOk(compileP4(program.replace('apply {\n', 'apply {\n h.t.b = meta.m; sm.egress_spec = 1;\n'), { file: 'la.p4' }));
    const start = r.bmv2.parsers[0]!.parse_states[0]!;
    expect(start.transition_key).toEqual([{ type: 'lookahead', value: [96, 16] }]);
    const res = runStfOnJson(r.bmv2, `packet 0 ${ETH} aa 00 0000\nexpect 1 ${ETH} aa 02 0000 $\npacket 0 000000000001 000000000002 0800\nexpect 1 000000000001 000000000002 0800 $\n`);
    expect(res.ok, formatStfResult(res)).toBe(true);
  });
});

describe("v1model.p4 and core.p4 as p4c's", () => {
  it("define p4c's guard macros", () => {
    const r = compileFragment({ decls: '#ifndef _CORE_P4_\n#error "no core guard"\n#endif\n#ifndef _V1_MODEL_P4_\n#error "no v1model guard"\n#endif\nconst bit<32> v = __v1model_version;' });
    expect(errors(r)).toEqual([]);
  });

  it('take counter, meter and register index types from V1MODEL_VERSION 20200408 on', () => {
    const locals = 'counter<bit<8>>(256, CounterType.packets) c; meter<bit<8>>(256, MeterType.packets) mt; register<bit<16>, bit<8>>(256) r;';
    const apply = 'c.count(h.t.a); bit<2> color; mt.execute_meter(h.t.a, color); r.write(h.t.a, h.t.c);';
    const r = compileOk(compileP4(`#define V1MODEL_VERSION 20200408\n${v1({ locals, apply })}`, { file: 'v.p4' }));
    expect(r.bmv2.actions.flatMap((a) => a.primitives.map((p) => p.op))).toEqual(expect.arrayContaining(['count', 'execute_meter', 'register_write']));
    // the 2018 signatures stay the default
    expect(errors(compileFragment({ locals, apply }))).not.toEqual([]);
  });

  it('annotate NoAction with @noWarn("unused"), which P4Info repeats as p4c does', () => {
    const r = compileOk(compileFragment({ locals: 'table t { key = { h.eth.dst : exact; } actions = { NoAction; } }', apply: 't.apply();' }));
    expect(r.p4info.actions.find((a) => a.preamble.name === 'NoAction')!.preamble.annotations).toEqual(['@noWarn("unused")']);
  });
});

describe('a table without default_action', () => {
  it("gets p4c's NoAction default, listing NoAction as @defaultonly when it is not there", () => {
    const r = compileOk(compileFragment({ locals: 'action a() { sm.egress_spec = 2; } table t { key = { h.eth.dst : exact; } actions = { a; } }', apply: 't.apply();' }));
    const t = r.bmv2.pipelines[0]!.tables.find((x) => x.name === 'I.t')!;
    const noAction = r.bmv2.actions.find((a) => a.name === 'NoAction')!;
    expect(t.actions).toEqual(['I.a', 'NoAction']);
    expect(t.default_entry).toEqual({ action_id: noAction.id, action_const: false, action_data: [], action_entry_const: false });
    const p = r.p4info.tables.find((x) => x.preamble.name === 'I.t')!;
    expect(p.action_refs.at(-1)).toMatchObject({ scope: 'DEFAULT_ONLY', annotations: ['@defaultonly'] });
  });

  it('keeps a listed NoAction as it is', () => {
    const r = compileOk(compileFragment({ locals: 'table t { key = { h.eth.dst : exact; } actions = { NoAction; } }', apply: 't.apply();' }));
    const t = r.bmv2.pipelines[0]!.tables.find((x) => x.name === 'I.t')!;
    expect(t.actions).toEqual(['NoAction']);
    expect(r.p4info.tables[0]!.action_refs).toEqual([{ id: r.p4info.actions[0]!.preamble.id }]);
  });
});

describe('compound assignments', () => {
  it('x op= y is x = x op (y), for every operator including >>=', () => {
    packets(
      { apply: 'h.t.a += 2; h.t.a *= 3 - 1; h.t.b >>= 2; h.t.b |= 0x80; h.t.c |-|= 0x10; h.t.c <<= 1; sm.egress_spec = 1;' },
      `packet 0 ${ETH} 05 0c 0008\nexpect 1 ${ETH} 0e 83 0000 $\n`,
    );
  });
});

describe('header stack reads: hs.last.f and hs.lastIndex', () => {
  const program = `#include <core.p4>
#include <v1model.p4>
header v_t { bit<8> v; }
header r_t { bit<8> last; bit<32> index; }
struct headers_t { r_t r; v_t[3] hs; }
struct meta_t { bit<8> seen; }
parser P(packet_in pkt, out headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    state start {
        pkt.extract(h.hs.next);
        m.seen = h.hs.last.v;
        transition select(h.hs.last.v) { 0: accept; 3: accept; default: start; }
    }
}
control V(inout headers_t h, inout meta_t m) { apply { } }
control I(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    apply { h.r.setValid(); h.r.last = m.seen; h.r.index = h.hs.lastIndex; sm.egress_spec = 1; }
}
control E(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h.r); pkt.emit(h.hs); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`;

  it('select on the last extracted element and read its index', () => {
    const r = compileOk(compileP4(program, { file: 'stack.p4' }));
    expect(r.bmv2.parsers[0]!.parse_states[0]!.transition_key).toEqual([{ type: 'stack_field', value: ['hs', 'v'] }]);
    const res = runStfOnJson(r.bmv2, 'packet 0 05 03 77\nexpect 1 03 00000001 05 03 77 $\npacket 0 00 66\nexpect 1 00 00000000 00 66 $\n');
    expect(res.ok, formatStfResult(res)).toBe(true);
  });
});

describe('struct fields in headers', () => {
  it("flatten into the header as p4c's FlattenHeaders names them, and read, write and copy as structs", () => {
    const r = packets(
      {
        decls: 'struct ab_t { bit<8> a; bit<8> b; } header sh_t { ab_t ab; bit<16> c; }',
        locals: 'sh_t s; ab_t tmp;',
        apply: 's.setValid(); s.ab = { a = h.t.b, b = h.t.a }; s.c = h.t.c; tmp = s.ab; h.t.a = tmp.a; h.t.b = s.ab.b |+| 1; h.t.c = s.c + 1; sm.egress_spec = 1;',
      },
      `packet 0 ${ETH} 01 02 0003\nexpect 1 ${ETH} 02 02 0004 $\n`,
    );
    expect(r.bmv2.header_types.find((t) => t.name === 'sh_t')!.fields).toEqual([['_ab_a0', 8, false], ['_ab_b1', 8, false], ['_c2', 16, false]]);
  });

  it('refuse a struct that holds something a header cannot', () => {
    const r = compileFragment({ decls: 'struct in_t { eth_t e; } header bad_t { in_t x; }' });
    expect(errors(r)).toEqual(['a struct in a header may hold only bit<W>, int<W>, bool, serializable enums and such structs (in_t does not)']);
  });
});

describe('calls under an if inside an action', () => {
  it('run only when the condition holds: BMv2 jumps over them otherwise', () => {
    const locals = `register<bit<8>>(4) seen;
    action fwd(bit<9> port) { sm.egress_spec = port; }
    action a() {
        sm.egress_spec = 1;
        if (h.t.a == 0) { mark_to_drop(sm); } else if (h.t.a == 1) { seen.write(0, h.t.b); fwd(2); }
        h.t.c = h.t.c + 1;
    }`;
    const r = packets(
      { locals, apply: 'a(); bit<8> v; seen.read(v, 0); h.t.b = v;' },
      `packet 0 ${ETH} 00 05 0001\npacket 0 ${ETH} 01 07 0001\nexpect 2 ${ETH} 01 07 0002 $\npacket 0 ${ETH} 02 09 0001\nexpect 1 ${ETH} 02 07 0002 $\n`,
    );
    const prims = r.bmv2.actions.find((x) => x.name === 'I.a')!.primitives;
    expect(prims.filter((p) => p.op === "_jump_if_zero")).toHaveLength(3);
  });

  it('also guard whole-header copies and initialisers, which set validity', () => {
    const locals = `eth_t saved;
    action a() {
        if (h.t.a == 1) { saved = h.eth; h.t = { a = 9, b = 9, c = 9 }; }
        if (h.t.a == 2) { h.t.setInvalid(); }
        sm.egress_spec = 1;
    }`;
    packets(
      { locals, apply: 'a(); if (saved.isValid()) { h.eth.src = 0xffffffffffff; }' },
      `packet 0 ${ETH} 01 00 0000
expect 1 000000000001 ffffffffffff 1234 09 09 0009 $
packet 0 ${ETH} 02 00 0000
expect 1 ${ETH} $
packet 0 ${ETH} 03 00 0000
expect 1 ${ETH} 03 00 0000 $
`,
    );
  });
});

describe('function calls evaluated lazily', () => {
  it('run only the taken side of ?: and the right of && / || when needed, copy-out included', () => {
    const decls = 'bit<8> bump(inout bit<8> x) { x = x + 1; return x; }\nbool yes(inout bit<8> x) { x = x + 1; return true; }';
    const apply = `
        bit<8> l = 0; bit<8> r = 0;
        h.t.b = h.t.a == 1 ? bump(l) : bump(r);
        bool z = h.t.a == 1 && yes(l);
        z = h.t.a == 1 || yes(r);
        h.t.c = l ++ r;
        sm.egress_spec = 1;`;
    packets({ decls, apply }, `packet 0 ${ETH} 01 00 0000\nexpect 1 ${ETH} 01 01 0200 $\npacket 0 ${ETH} 02 00 0000\nexpect 1 ${ETH} 02 01 0002 $\n`);
  });
});

describe('compound assignments with a call in the target', () => {
  it('are refused, since the target would be evaluated twice', () => {
    const r = compileFragment({ decls: 'bit<8> f(inout bit<8> x) { x = x + 1; return x; }', apply: 'h.t.c[f(h.t.a) + 7 : f(h.t.a)] += 1;' });
    expect(errors(r)).toContainEqual(expect.stringMatching(/^not supported by p4lab yet: a call in the target of '\+='/));
  });
});

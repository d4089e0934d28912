// P4Info: ids as p4c allocates them, aliases, protobuf text format as p4c
// writes .p4info.txt, and binary through the P4Runtime protos.
import { describe, expect, it } from 'vitest';
import { p4infoFromBinary, p4infoToBinary, p4infoToText } from '../../kernel-lib/compiler/index.js';
import { aliases, allocateIds, jenkinsOneAtATime } from '../../kernel-lib/p4info/ids.js';
import { P4IdPrefix, type P4Info } from '../../kernel-lib/p4info/types.js';
import { compileFragment, compileOk, compileProgram, p4Programs } from './compile-helpers.js';

describe('P4Info ids', () => {
  it("reproduces p4c's ids for the names of the P4 tutorials' basic.p4", () => {
    const ids = allocateIds([
      { prefix: P4IdPrefix.TABLE, name: 'MyIngress.ipv4_lpm' },
      { prefix: P4IdPrefix.ACTION, name: 'MyIngress.ipv4_forward' },
      { prefix: P4IdPrefix.ACTION, name: 'MyIngress.drop' },
      { prefix: P4IdPrefix.ACTION, name: 'NoAction' },
    ]);
    expect(ids.get(`${P4IdPrefix.TABLE}:MyIngress.ipv4_lpm`)).toBe(37375156);
    expect(ids.get(`${P4IdPrefix.ACTION}:MyIngress.ipv4_forward`)).toBe(28792405);
    expect(ids.get(`${P4IdPrefix.ACTION}:MyIngress.drop`)).toBe(25652968);
    expect(ids.get(`${P4IdPrefix.ACTION}:NoAction`)).toBe(21257015);
  });

  it('lets @id win and resolves collisions by incrementing, in sorted name order', () => {
    const hashed = ((P4IdPrefix.COUNTER << 24) | (jenkinsOneAtATime('b') & 0xffffff)) >>> 0;
    const ids = allocateIds([
      { prefix: P4IdPrefix.COUNTER, name: 'b' },
      { prefix: P4IdPrefix.COUNTER, name: 'a', explicitId: hashed },
    ]);
    expect(ids.get(`${P4IdPrefix.COUNTER}:a`)).toBe(hashed);
    expect(ids.get(`${P4IdPrefix.COUNTER}:b`)).toBe(hashed + 1);
    expect(allocateIds([{ prefix: P4IdPrefix.ACTION, name: 'x', explicitId: 7 }]).get(`${P4IdPrefix.ACTION}:x`)).toBe(0x01000007);
  });

  it('aliases are the shortest unambiguous suffix', () => {
    const a = aliases(['MyIngress.drop', 'MyEgress.drop', 'MyIngress.ipv4_lpm', 'NoAction']);
    expect(Object.fromEntries(a)).toEqual({ 'MyIngress.drop': 'MyIngress.drop', 'MyEgress.drop': 'MyEgress.drop', 'MyIngress.ipv4_lpm': 'ipv4_lpm', NoAction: 'NoAction' });
  });

  it('honours @id on tables and actions, and scopes from @tableonly / @defaultonly', () => {
    const r = compileOk(compileFragment({
      locals: `@id(0x01000123) action a() { }
        @id(77) table t { key = { h.t.a: exact; } actions = { @tableonly a; @defaultonly NoAction; } const default_action = NoAction(); }`,
      apply: 't.apply();',
    }));
    const t = r.p4info.tables[0]!;
    expect(t.preamble.id).toBe(0x0200004d);
    expect(t.action_refs).toEqual([
      { id: 0x01000123, annotations: ['@tableonly'], scope: 'TABLE_ONLY' },
      { id: r.p4info.actions.find((x) => x.preamble.name === 'NoAction')!.preamble.id, annotations: ['@defaultonly'], scope: 'DEFAULT_ONLY' },
    ]);
    expect(t.const_default_action_id).toBe(t.action_refs[1]!.id);
    expect(t.initial_default_action).toEqual({ action_id: t.action_refs[1]!.id });
    expect(t.size).toBe(1024);
  });

  it('gives the initial default action with its arguments as shortest big-endian bytes', () => {
    const r = compileOk(compileFragment({
      locals: 'action set(bit<16> v, bit<8> w) { h.t.c = v; h.t.a = w; } table t { actions = { set; } default_action = set(0x0102, 0); }',
      apply: 't.apply();',
    }));
    const set = r.p4info.actions.find((a) => a.preamble.name === 'I.set')!;
    expect(r.p4info.tables[0]!.initial_default_action).toEqual({
      action_id: set.preamble.id,
      arguments: [{ param_id: 1, value: Uint8Array.from([1, 2]) }, { param_id: 2, value: Uint8Array.from([0]) }],
    });
    expect(p4infoToText(r.p4info)).toContain('initial_default_action {\n    action_id: ' + set.preamble.id + '\n    arguments {\n      param_id: 1\n      value: "\\001\\002"\n    }');
  });
});

describe('P4Info formats', () => {
  it('writes protobuf text format: field-number order, enums bare, defaults omitted, strings escaped', () => {
    const info: P4Info = {
      pkg_info: { arch: 'v1model' },
      tables: [{
        preamble: { id: 33554433, name: 'C.t"q', alias: 't' },
        match_fields: [{ id: 1, name: 'h.a', bitwidth: 8, match_type: 'TERNARY' }],
        action_refs: [{ id: 16777217, scope: 'DEFAULT_ONLY', annotations: ['@defaultonly'] }],
        size: 64,
        is_const_table: false,
      }],
      actions: [], action_profiles: [], counters: [], direct_counters: [], meters: [], direct_meters: [],
      controller_packet_metadata: [], value_sets: [], registers: [], digests: [],
      type_info: { structs: { z_t: { members: [] }, a_t: { members: [{ name: 'f', type_spec: { bitstring: { bit: { bitwidth: 9 } } } }] } } },
    };
    expect(p4infoToText(info)).toBe(`pkg_info {
  arch: "v1model"
}
tables {
  preamble {
    id: 33554433
    name: "C.t\\"q"
    alias: "t"
  }
  match_fields {
    id: 1
    name: "h.a"
    bitwidth: 8
    match_type: TERNARY
  }
  action_refs {
    id: 16777217
    annotations: "@defaultonly"
    scope: DEFAULT_ONLY
  }
  size: 64
}
type_info {
  structs {
    key: "a_t"
    value {
      members {
        name: "f"
        type_spec {
          bitstring {
            bit {
              bitwidth: 9
            }
          }
        }
      }
    }
  }
  structs {
    key: "z_t"
    value {
    }
  }
}
`);
  });

  for (const { name, path } of p4Programs()) {
    it(`${name}: binary P4Info decodes to what was encoded`, () => {
      const r = compileProgram(path);
      const back = p4infoFromBinary(p4infoToBinary(r.p4info));
      expect(p4infoToText(back)).toBe(p4infoToText(r.p4info));
      expect(back.tables.map((t) => t.preamble.name)).toEqual(r.p4info.tables.map((t) => t.preamble.name));
    });
  }

  it('lists controller packet metadata from @controller_header headers', () => {
    const r = compileProgram('p4/l2_forwarder.p4');
    const names = r.p4info.controller_packet_metadata.map((c) => c.preamble.name).sort();
    expect(names).toEqual(['packet_in', 'packet_out']);
    for (const c of r.p4info.controller_packet_metadata) {
      expect(c.preamble.id >>> 24).toBe(P4IdPrefix.CONTROLLER_HEADER);
      expect(c.preamble.annotations).toEqual([`@controller_header("${c.preamble.name}")`]);
      expect(c.metadata.map((m) => m.id)).toEqual(c.metadata.map((_, i) => i + 1));
    }
  });
});

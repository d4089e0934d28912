// The switch engine (S1's Dataplane) runs what the compiler emits: compiled
// programs forward, rewrite and steer real packet bytes as their P4 says.
import { describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { compileP4 } from '../../kernel-lib/compiler/index.js';
import { compileFragment, compileOk, compileProgram } from './compile-helpers.js';

function checksum16(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Ethernet + IPv4 (valid header checksum) + a TCP-sized L4 stub. */
function ipv4Packet(o: { dst: number[]; ttl?: number; protocol?: number; dstPort?: number }): Uint8Array {
  const l4 = new Uint8Array(20);
  l4[2] = (o.dstPort ?? 0) >> 8;
  l4[3] = (o.dstPort ?? 0) & 0xff;
  l4[12] = 0x50;
  const ip = new Uint8Array(20);
  ip.set([0x45, 0, 0, 40, 0, 1, 0, 0, o.ttl ?? 64, o.protocol ?? 6, 0, 0, 10, 0, 0, 1, ...o.dst]);
  const c = checksum16(ip);
  ip[10] = c >> 8;
  ip[11] = c & 0xff;
  const eth = [0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0x02, 0x08, 0x00];
  return Uint8Array.from([...eth, ...ip, ...l4]);
}

function run(dp: Dataplane, port: number, pkt: Uint8Array): Array<{ port: number; data: Uint8Array }> {
  const out: Array<{ port: number; data: Uint8Array }> = [];
  dp.onTransmit((p, data, length) => out.push({ port: p, data: data.slice(0, length) }));
  dp.receive(port, pkt);
  while (dp.service() > 0) { /* drain the queues */ }
  return out;
}

describe('compiled programs in the switch engine', () => {
  it('ipv4_router: routes by LPM, rewrites MACs, decrements TTL, updates the checksum', () => {
    const r = compileProgram('p4/ipv4_router.p4');
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: 0x0a000200n, prefixLen: 24 }],
      action: { action: 'MyIngress.set_nhop', params: [0x0000000000aan, 0x0000000000bbn, 3n] },
      priority: 0,
    });
    const out = run(dp, 1, ipv4Packet({ dst: [10, 0, 2, 9], ttl: 64 }));
    expect(out.map((o) => o.port)).toEqual([3]);
    const p = out[0]!.data;
    expect([...p.subarray(0, 12)]).toEqual([0, 0, 0, 0, 0, 0xbb, 0, 0, 0, 0, 0, 0xaa]);
    expect(p[22]).toBe(63);
    expect(checksum16(p.subarray(14, 34))).toBe(0);
    // No route: the default action drops.
    expect(run(dp, 1, ipv4Packet({ dst: [192, 168, 0, 1] }))).toEqual([]);
  });

  it('ids_preclassifier: const entries steer HTTP and SSH to the IDS ports', () => {
    const r = compileProgram('p4/ids_preclassifier.p4');
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    dp.tableAdd('MyIngress.ids_steer', { key: [{ kind: 'exact', value: 1n }], action: { action: 'MyIngress.steer', params: [5n] }, priority: 0 });
    dp.tableAdd('MyIngress.ids_steer', { key: [{ kind: 'exact', value: 2n }], action: { action: 'MyIngress.steer', params: [6n] }, priority: 0 });
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: 0n, prefixLen: 0 }],
      action: { action: 'MyIngress.set_nhop', params: [1n, 2n, 2n] },
      priority: 0,
    });
    expect(run(dp, 1, ipv4Packet({ dst: [10, 0, 0, 2], dstPort: 80 })).map((o) => o.port)).toEqual([5]);
    expect(run(dp, 1, ipv4Packet({ dst: [10, 0, 0, 2], dstPort: 22 })).map((o) => o.port)).toEqual([6]);
    expect(run(dp, 1, ipv4Packet({ dst: [10, 0, 0, 2], dstPort: 443 })).map((o) => o.port)).toEqual([2]);
  });

  it('runs expressions, predicated action branches, slices and concatenation as P4 defines them', () => {
    const r = compileOk(compileFragment({
      locals: `action mix() {
          if (h.t.a > 8w100) { h.t.a = 8w100; } else { h.t.b = h.t.b |+| 8w250; }
          h.t.c = h.t.a[3:0] ++ h.t.b[7:4] ++ 8w0x5a;
        }
        table t { actions = { mix; } default_action = mix(); }`,
      apply: 'sm.egress_spec = 2; if (h.t.isValid()) { t.apply(); h.eth.type = h.eth.type - 0x1233; }',
    }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const pkt = (a: number, b: number) => Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, a, b, 0, 0]);
    const big = run(dp, 1, pkt(200, 7))[0]!.data;
    expect([...big.subarray(12)]).toEqual([0x00, 0x01, 100, 7, 0x40, 0x5a]); // a clamped; b untouched
    const small = run(dp, 1, pkt(0x1f, 10))[0]!.data;
    expect([...small.subarray(12)]).toEqual([0x00, 0x01, 0x1f, 255, 0xff, 0x5a]); // b saturates at 255
  });

  it('predicates nested if/else inside an action on the whole path condition', () => {
    const r = compileOk(compileFragment({
      locals: `action nest() {
          if (h.t.a > 8w10) { if (h.t.b == 8w1) { h.t.c = 1; } else { h.t.b = 9; } } else { h.t.c = 3; }
        }
        table t { actions = { nest; } default_action = nest(); }`,
      apply: 'sm.egress_spec = 1; t.apply();',
    }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const send = (a: number, b: number) => [...run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, a, b, 0, 0]))[0]!.data.subarray(14)];
    expect(send(20, 1)).toEqual([20, 1, 0, 1]);
    expect(send(20, 5)).toEqual([20, 9, 0, 0]);
    expect(send(5, 5)).toEqual([5, 5, 0, 3]);
  });

  it('divides and takes remainders by powers of two with shifts and masks', () => {
    const r = compileOk(compileFragment({ apply: 'sm.egress_spec = 1; h.t.a = h.t.a / 8; h.t.b = h.t.b % 16;' }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const out = run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, 203, 203, 0, 0]))[0]!.data;
    expect([...out.subarray(14, 16)]).toEqual([25, 11]);
  });

  it('inlines a control applied from another, with its return, its tables and its externs named by instance', () => {
    const r = compileOk(compileP4(SUB_CONTROL, { file: 'sub.p4' }));
    expect(r.p4info.tables.map((t) => t.preamble.name)).toEqual(['I.mark.by_a']);
    expect(r.p4info.counters.map((c) => c.preamble.name)).toEqual(['I.mark.seen']);
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    dp.tableAdd('I.mark.by_a', { key: [{ kind: 'exact', value: 7n }], action: { action: 'I.mark.set_c', params: [0x1111n] }, priority: 0 });
    const send = (a: number) => [...run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, a, 0, 0, 0]))[0]!.data.subarray(12)];
    expect(send(7)).toEqual([0xbe, 0xef, 7, 0, 0x11, 0x11]); // hit: set_c, then return skips t.b = v + local
    expect(send(8)).toEqual([0xbe, 0xef, 8, 13, 0, 0]); // miss: t.b = 10 + 3
    expect(dp.counterRead('I.mark.seen', 0).packets).toBe(2n);
  });

  it('computes key expressions that are not fields just before the table', () => {
    const r = compileOk(compileFragment({
      locals: `action hit(bit<9> p) { sm.egress_spec = p; }
        table t { key = { h.t.a + h.t.b: exact; h.t.c[15:8]: exact @name("c_hi"); } actions = { hit; NoAction; } }`,
      apply: 'sm.egress_spec = 1; t.apply();',
    }));
    const t = r.p4info.tables[0]!;
    expect(t.match_fields.map((m) => [m.name, m.bitwidth])).toEqual([['h.t.a + h.t.b', 8], ['c_hi', 8]]);
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    dp.tableAdd('I.t', { key: [{ kind: 'exact', value: 30n }, { kind: 'exact', value: 0xabn }], action: { action: 'I.hit', params: [4n] }, priority: 0 });
    const send = (a: number, b: number, c: number) => run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, a, b, c >> 8, c & 0xff]))[0]!.port;
    expect(send(10, 20, 0xab01)).toBe(4);
    expect(send(10, 21, 0xab01)).toBe(1);
    expect(send(10, 20, 0xac01)).toBe(1);
  });

  it('passes action arguments by copy-in/copy-out, also on exit, and binds directional parameters in actions lists', () => {
    const r = compileOk(compileFragment({
      locals: `bit<8> c = 5;
        action bump(inout bit<8> v) { h.t.a = v; c = 9; v = v + 1; }
        action set_low(inout bit<4> nib) { nib = 4w0xf; exit; }
        action tag(out bit<8> dst, bit<8> x) { dst = x; }
        table t { key = { h.t.b: exact; } actions = { tag(h.t.b); } default_action = tag(h.t.b, 0x77); }`,
      apply: 'sm.egress_spec = 1; bump(c); h.t.b = c; t.apply(); set_low(h.t.c[11:8][3:0]); h.t.c = 0;',
    }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const out = run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, 0, 0, 0x12, 0x34]))[0]!.data;
    // bump: a reads the copied-in 5; the copy-out of v (6) overwrites c = 9.
    // tag: the default action writes 0x77 into h.t.b through its out parameter.
    // set_low: the nibble is written back before exit; h.t.c = 0 never runs.
    expect([...out.subarray(14)]).toEqual([5, 0x77, 0x1f, 0x34]);
  });

  it('skips the rest of an action after a return under an if', () => {
    const r = compileOk(compileFragment({
      locals: `action guarded() { if (h.t.a == 0) { h.t.b = 7; return; } h.t.b = h.t.b + 1; if (h.t.a == 1) { return; } h.t.c = 0xffff; }
        table t { actions = { guarded; } default_action = guarded(); }`,
      apply: 'sm.egress_spec = 1; t.apply();',
    }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const send = (a: number) => [...run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, a, 5, 0, 0]))[0]!.data.subarray(14)];
    expect(send(0)).toEqual([0, 7, 0, 0]);
    expect(send(1)).toEqual([1, 6, 0, 0]);
    expect(send(2)).toEqual([2, 6, 0xff, 0xff]);
  });

  it('ends an action at an unconditional return, even inside a constant if', () => {
    const r = compileOk(compileFragment({
      locals: 'action early() { h.t.a = 1; if (true) { return; } h.t.a = 2; }',
      apply: 'sm.egress_spec = 1; early(); h.t.b = 3;',
    }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const out = run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, 0, 0, 0, 0]))[0]!.data;
    expect([...out.subarray(14, 16)]).toEqual([1, 3]);
  });

  it('reads and writes header stack elements at an index known only at run time', () => {
    const r = compileOk(compileP4(`#include <core.p4>
#include <v1model.p4>
header idx_t { bit<8> i; }
header e_t { bit<8> v; }
struct headers_t { idx_t idx; e_t[3] s; }
struct meta_t { bit<8> m; }
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    state start { pkt.extract(h.idx); pkt.extract(h.s.next); pkt.extract(h.s.next); pkt.extract(h.s.next); transition accept; }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        if (h.s[h.idx.i].isValid()) { h.s[h.idx.i].v = h.s[h.idx.i].v + 100; }
    }
}
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`, { file: 'stack.p4' }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const send = (i: number) => [...run(dp, 1, Uint8Array.from([i, 1, 2, 3]))[0]!.data];
    expect(send(0)).toEqual([0, 101, 2, 3]);
    expect(send(2)).toEqual([2, 1, 2, 103]);
    expect(send(7)).toEqual([7, 1, 2, 3]); // out of range: nothing written
  });

  it('splits parser states at an if, as p4c does', () => {
    const r = compileOk(compileP4(PARSER_IF, { file: 'parser_if.p4' }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const send = (bytes: number[]) => [...run(dp, 1, Uint8Array.from(bytes))[0]!.data];
    expect(send([1, 9, 0xee])).toEqual([10, 9, 0xee]); // b extracted, m = 9 + 1; the rest is payload
    expect(send([1, 5, 0xee])).toEqual([1, 5, 0xee]); // b extracted, m = 0 + 1
    expect(send([2, 5, 0xee])).toEqual([1, 5, 0xee]); // c extracted instead
  });

  it('inlines functions: return values, copy-out, left-to-right evaluation, calls in conditions', () => {
    const r = compileOk(compileFragment({
      decls: `bit<8> clamp(in bit<8> x, in bit<8> hi) { if (x > hi) { return hi; } return x; }
        bit<8> take(inout bit<8> v) { bit<8> old = v; v = 0; return old; }`,
      apply: `sm.egress_spec = 1;
        h.t.a = clamp(h.t.a, 50);
        h.t.b = h.t.b + take(h.t.b);
        if (clamp(h.t.c[7:0], 10) == 10) { h.t.c = 0xaaaa; }`,
    }));
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const send = (a: number, b: number, c: number) => [...run(dp, 1, Uint8Array.from([...new Array(12).fill(0), 0x12, 0x34, a, b, c >> 8, c & 0xff]))[0]!.data.subarray(14)];
    // b + take(b): b is read (7) before take zeroes it, so 7 + 7.
    expect(send(200, 7, 0x0120)).toEqual([50, 14, 0xaa, 0xaa]);
    expect(send(20, 7, 0x0105)).toEqual([20, 14, 0x01, 0x05]);
  });

  it('extracts varbit fields with extract_VL and parses what follows them', () => {
    const r = compileOk(compileP4(`#include <core.p4>
#include <v1model.p4>
header opt_t { bit<8> len; varbit<32> data; }
header tail_t { bit<8> v; }
struct headers_t { opt_t opt; tail_t tail; }
struct meta_t { bit<8> m; }
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    state start {
        pkt.extract(h.opt, (bit<32>)pkt.lookahead<bit<8>>() * 8);
        pkt.extract(h.tail);
        transition accept;
    }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { sm.egress_spec = 1; h.tail.v = h.tail.v + 1; } }
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`, { file: 'varbit.p4' }));
    expect(r.bmv2.header_types.find((t) => t.name === 'opt_t')).toMatchObject({ fields: [['len', 8, false], ['data', '*']], max_length: 5 });
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    expect([...run(dp, 1, Uint8Array.from([2, 0xaa, 0xbb, 7, 0xee]))[0]!.data]).toEqual([2, 0xaa, 0xbb, 8, 0xee]);
    expect([...run(dp, 1, Uint8Array.from([0, 7, 0xee]))[0]!.data]).toEqual([0, 8, 0xee]);
  });

  it('lowers header unions: members extracted by the parser, isValid of the union, emitted in member order', () => {
    const r = compileOk(compileP4(`#include <core.p4>
#include <v1model.p4>
header sel_t { bit<8> kind; }
header a_t { bit<8> a; }
header b_t { bit<16> b; }
header_union ab_t { a_t a; b_t b; }
struct headers_t { sel_t sel; ab_t ab; }
struct meta_t { bit<8> m; }
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    state start { pkt.extract(h.sel); transition select(h.sel.kind) { 1: pa; 2: pb; default: accept; } }
    state pa { pkt.extract(h.ab.a); transition accept; }
    state pb { pkt.extract(h.ab.b); transition accept; }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        if (!h.ab.isValid()) { h.sel.kind = 0xff; }
        else if (h.ab.a.isValid()) { h.ab.b.setValid(); h.ab.b.b = 0xbeef; }
    }
}
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`, { file: 'union.p4' }));
    expect(r.bmv2.header_unions).toEqual([{ name: 'ab', id: 0, union_type: 'ab_t', header_ids: [3, 4] }]);
    const dp = new Dataplane();
    dp.loadProgram(r.bmv2);
    const send = (bytes: number[]) => [...run(dp, 1, Uint8Array.from(bytes))[0]!.data];
    expect(send([3, 9])).toEqual([0xff, 9]); // no member valid
    expect(send([1, 7, 9])).toEqual([1, 0xbe, 0xef, 9]); // b made valid: a becomes invalid
    expect(send([2, 1, 2, 9])).toEqual([2, 1, 2, 9]);
  });
});

const PARSER_IF = `#include <core.p4>
#include <v1model.p4>
header a_t { bit<8> kind; }
header b_t { bit<8> v; }
struct headers_t { a_t a; b_t b; b_t c; }
struct meta_t { bit<8> m; }
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    state start {
        pkt.extract(h.a);
        if (h.a.kind == 1) {
            pkt.extract(h.b);
            if (h.b.v == 9) { meta.m = 9; }
        } else {
            pkt.extract(h.c);
        }
        meta.m = meta.m + 1;
        transition accept;
    }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { sm.egress_spec = 1; h.a.kind = meta.m; } }
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`;

const SUB_CONTROL = `#include <core.p4>
#include <v1model.p4>
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
header t_t { bit<8> a; bit<8> b; bit<16> c; }
struct headers_t { eth_t eth; t_t t; }
struct meta_t { bit<8> m; }
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    state start { pkt.extract(h.eth); pkt.extract(h.t); transition accept; }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control Mark(inout t_t t, in bit<8> v) {
    counter(4, CounterType.packets) seen;
    bit<8> local = 3;
    action set_c(bit<16> c) { t.c = c; }
    table by_a { key = { t.a: exact; } actions = { set_c; NoAction; } default_action = NoAction(); }
    apply {
        seen.count(0);
        if (by_a.apply().hit) { return; }
        t.b = v + local;
    }
}
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    Mark() mark;
    apply {
        sm.egress_spec = 1;
        meta.m = 10;
        mark.apply(h.t, meta.m);
        h.eth.type = 0xbeef;
    }
}
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { pkt.emit(h); } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`;

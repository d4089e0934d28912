// The control-plane surface: ternary/range priorities, entry management, and
// the error codes P4Runtime needs (ControlError.code).
import { beforeEach, describe, expect, it } from 'vitest';
import { ControlError, type EntrySpec, type KeyMatch } from '../../kernel-lib/switch/control-plane.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, ipv4Packet } from './engine-packets.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ControlError) return e.code;
    throw e;
  }
  return 'OK';
}

const DST_10_0_2_2 = 0x0a000202n;
const rule = (dst: bigint, mask: bigint, low: bigint, high: bigint, port: bigint, priority: number): EntrySpec => ({
  key: [{ kind: 'ternary', value: dst, mask }, { kind: 'range', low, high }],
  action: { action: 'Acl.permit', params: [port] },
  priority,
});

describe('engine: control plane (acl fixture)', () => {
  let dp: Dataplane;
  let out: Array<{ port: number; data: Uint8Array }>;
  beforeEach(() => {
    dp = new Dataplane();
    dp.loadProgram(fixture('acl'));
    out = capture(dp);
  });

  it('matches ternary and range keys, the higher priority winning', () => {
    dp.tableAdd('Acl.rules', rule(0x0a000000n, 0xff000000n, 0n, 255n, 2n, 10));
    dp.tableAdd('Acl.rules', rule(DST_10_0_2_2, 0xffffffffn, 32n, 64n, 3n, 20));
    dp.receive(1, ipv4Packet({ dst: '10.0.2.2', ttl: 64 }));
    dp.receive(1, ipv4Packet({ dst: '10.0.2.2', ttl: 65 }));
    dp.receive(1, ipv4Packet({ dst: '10.7.7.7', ttl: 1 }));
    dp.receive(1, ipv4Packet({ dst: '11.0.0.1', ttl: 64 }));
    expect(out.map((o) => o.port)).toEqual([3, 2, 2]);
    expect(dp.stats().drops.ingressDrop).toBe(1);
  });

  it('verifies the IPv4 checksum in the parser (checksum_error)', () => {
    dp.tableAdd('Acl.rules', rule(0n, 0n, 0n, 255n, 2n, 1));
    dp.receive(1, ipv4Packet());
    dp.receive(1, ipv4Packet({ badChecksum: true }));
    expect(out.map((o) => o.port)).toEqual([2, 13]);
  });

  it('modifies, reads, deletes and clears entries', () => {
    const r = rule(DST_10_0_2_2, 0xffffffffn, 0n, 255n, 2n, 5);
    dp.tableAdd('Acl.rules', r);
    dp.tableModify('Acl.rules', { ...r, action: { action: 'Acl.permit', params: [7n] } });
    expect(dp.tableEntry('Acl.rules', r.key, 5)).toMatchObject({ action: { action: 'Acl.permit', params: [7n] }, priority: 5, isConst: false });
    dp.receive(1, ipv4Packet());
    expect(out.map((o) => o.port)).toEqual([7]);
    expect(dp.tableEntry('Acl.rules', r.key, 6)).toBeUndefined();
    dp.tableDelete('Acl.rules', r.key, 5);
    expect(dp.tableEntries('Acl.rules')).toEqual([]);
    dp.tableAdd('Acl.rules', r);
    dp.tableClear('Acl.rules');
    expect(dp.tableEntries('Acl.rules')).toEqual([]);
    expect(dp.tableGetDefault('Acl.rules')).toEqual({ action: 'Acl.deny', params: [] });
  });

  it('answers with the P4Runtime error codes', () => {
    const ok = rule(DST_10_0_2_2, 0xffffffffn, 0n, 255n, 2n, 5);
    expect(code(() => dp.tableAdd('Acl.nope', ok))).toBe('NOT_FOUND');
    expect(code(() => dp.tableDelete('Acl.rules', ok.key, 5))).toBe('NOT_FOUND');
    expect(code(() => dp.tableModify('Acl.rules', ok))).toBe('NOT_FOUND');
    expect(code(() => dp.tableAdd('Acl.rules', ok))).toBe('OK');
    expect(code(() => dp.tableAdd('Acl.rules', ok))).toBe('ALREADY_EXISTS');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 6 }))).toBe('OK'); // same key, other priority: another entry
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, key: ok.key.slice(0, 1) }))).toBe('INVALID_ARGUMENT');
    const lpmKey: KeyMatch[] = [{ kind: 'lpm', value: 0n, prefixLen: 8 }, ok.key[1]!];
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, key: lpmKey }))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', rule(1n << 32n, 0xffffffffn, 0n, 1n, 2n, 9)))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', rule(1n, 1n, 9n, 3n, 2n, 9)))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 9, action: { action: 'Acl.nope', params: [] } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 9, action: { action: 'NoAction', params: [] } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 9, action: { action: 'Acl.permit', params: [] } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 9, action: { action: 'Acl.permit', params: [512n] } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.tableSetDefault('Acl.rules', { action: 'Acl.permit', params: [1n] }))).toBe('PERMISSION_DENIED');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 10 }))).toBe('OK');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 11 }))).toBe('OK');
    expect(code(() => dp.tableAdd('Acl.rules', { ...ok, priority: 12 }))).toBe('RESOURCE_EXHAUSTED');
    expect(code(() => dp.registerRead('Acl.nope', 0))).toBe('NOT_FOUND');
    expect(code(() => dp.multicastGroupDelete(3))).toBe('NOT_FOUND');
    expect(code(() => dp.multicastGroupSet(0, []))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.controlFor('saved'))).toBe('FAILED_PRECONDITION');
  });
});

describe('engine: table structures under many changes (ipv4_router fixture)', () => {
  it('answers like a reference longest-prefix match across thousands of adds and deletes', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('ipv4_router'));
    let seed = 5;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const routes = new Map<string, { value: number; len: number; port: number }>();
    const lens = [8, 16, 20, 24, 32];
    for (let i = 0; routes.size < 900 && i < 5000; i++) {
      const len = lens[Math.floor(random() * lens.length)]!;
      const value = (0x0a000000 | Math.floor(random() * 0x10000) << 8) & (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
      const id = `${value >>> 0}/${len}`;
      if (routes.has(id)) continue;
      const port = 1 + (routes.size % 500);
      routes.set(id, { value: value >>> 0, len, port });
      dp.tableAdd('MyIngress.ipv4_lpm', { key: [{ kind: 'lpm', value: BigInt(value >>> 0), prefixLen: len }], action: { action: 'MyIngress.ipv4_forward', params: [1n, BigInt(port)] }, priority: 0 });
    }
    let n = 0;
    for (const [id, r] of routes) {
      if (n++ % 2) continue;
      dp.tableDelete('MyIngress.ipv4_lpm', [{ kind: 'lpm', value: BigInt(r.value), prefixLen: r.len }], 0);
      routes.delete(id);
    }
    expect(dp.tableEntries('MyIngress.ipv4_lpm')).toHaveLength(routes.size);
    const out = capture(dp);
    const expected: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const dst = (0x0a000000 | Math.floor(random() * 0x1000000)) >>> 0;
      let best: { len: number; port: number } | undefined;
      for (const r of routes.values()) {
        const mask = r.len === 0 ? 0 : (0xffffffff << (32 - r.len)) >>> 0;
        if (((dst & mask) >>> 0) === r.value && (!best || r.len > best.len)) best = r;
      }
      if (best) expected.push(best.port);
      dp.receive(1, ipv4Packet({ dst: [dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255].join('.') }));
    }
    expect(out.map((o) => o.port)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(100);
  });

  it('keeps ternary entries in priority order across adds and deletes, the earlier winning a tie', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('acl'));
    const any = (port: bigint, priority: number, ttlLow = 0n): EntrySpec => rule(0n, 0n, ttlLow, 255n, port, priority);
    dp.tableAdd('Acl.rules', any(2n, 5));
    dp.tableAdd('Acl.rules', any(3n, 9, 1n));
    dp.tableAdd('Acl.rules', any(4n, 9, 2n)); // same priority, added later: loses to port 3
    dp.tableAdd('Acl.rules', any(5n, 1, 3n));
    const out = capture(dp);
    dp.receive(1, ipv4Packet({ ttl: 64 }));
    dp.tableDelete('Acl.rules', any(3n, 9, 1n).key, 9);
    dp.receive(1, ipv4Packet({ ttl: 64 }));
    dp.tableDelete('Acl.rules', any(4n, 9, 2n).key, 9);
    dp.receive(1, ipv4Packet({ ttl: 64 }));
    expect(out.map((o) => o.port)).toEqual([3, 4, 2]);
  });
  it('reuses the places of deleted keys: exact, LPM and ternary tables read back in insertion order and forward like a reference', () => {
    for (const kind of ['exact', 'lpm', 'ternary'] as const) {
      const json = fixture('ipv4_router');
      const t = json.pipelines[0]!.tables[0]!;
      t.match_type = kind;
      t.key[0]!.match_type = kind;
      const dp = new Dataplane();
      dp.loadProgram(json);
      const out = capture(dp);
      const keyOf = (dst: number): KeyMatch[] => [kind === 'exact' ? { kind, value: BigInt(dst) } : kind === 'lpm' ? { kind, value: BigInt(dst), prefixLen: 32 } : { kind, value: BigInt(dst), mask: 0xffffffffn }];
      const priority = kind === 'ternary' ? 1 : 0;
      const model = new Map<number, number>(); // destination -> port, in insertion order
      const add = (dst: number, port: number) => {
        dp.tableAdd('MyIngress.ipv4_lpm', { key: keyOf(dst), action: { action: 'MyIngress.ipv4_forward', params: [1n, BigInt(port)] }, priority });
        model.set(dst, port);
      };
      const dst = (i: number) => 0x0a000001 + i * 257;
      for (let i = 0; i < 100; i++) add(dst(i), 1 + (i % 7)); // past the first sizes of hash and key store
      for (let i = 0; i < 100; i += 3) {
        dp.tableDelete('MyIngress.ipv4_lpm', keyOf(dst(i)), priority);
        model.delete(dst(i));
      }
      for (let i = 100; i < 150; i++) add(dst(i), 8 + (i % 5)); // into the freed places
      dp.tableModify('MyIngress.ipv4_lpm', { key: keyOf(dst(1)), action: { action: 'MyIngress.ipv4_forward', params: [1n, 13n] }, priority });
      model.set(dst(1), 13);
      expect(dp.tableEntries('MyIngress.ipv4_lpm').map((v) => v.key[0]!)).toEqual([...model.keys()].map((d) => keyOf(d)[0]));
      const expected: number[] = [];
      for (let i = 0; i < 150; i++) {
        const port = model.get(dst(i));
        if (port !== undefined) expected.push(port);
        const d = dst(i);
        dp.receive(1, ipv4Packet({ dst: [d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255].join('.') }));
      }
      expect(out.map((o) => o.port)).toEqual(expected);
      dp.tableClear('MyIngress.ipv4_lpm');
      add(dst(0), 3);
      expect(dp.tableEntries('MyIngress.ipv4_lpm')).toHaveLength(1);
      expect(dp.tableEntry('MyIngress.ipv4_lpm', keyOf(dst(0)), priority)?.action.params).toEqual([1n, 3n]);
      expect(dp.tableEntry('MyIngress.ipv4_lpm', keyOf(dst(1)), priority)).toBeUndefined();
    }
  });
});

describe('engine: control plane on other programs', () => {
  it('refuses changes to const tables, keeps their entries, and reports them as const', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('port_forward'));
    const key: KeyMatch[] = [{ kind: 'exact', value: 5n }];
    expect(code(() => dp.tableAdd('PortForward.port_map', { key, action: { action: 'PortForward.drop', params: [] }, priority: 0 }))).toBe('PERMISSION_DENIED');
    expect(code(() => dp.tableDelete('PortForward.port_map', [{ kind: 'exact', value: 1n }], 0))).toBe('PERMISSION_DENIED');
    expect(dp.tableEntries('PortForward.port_map').map((e) => [e.key, e.action.params, e.isConst])).toEqual([
      [[{ kind: 'exact', value: 1n }], [2n], true],
      [[{ kind: 'exact', value: 2n }], [1n], true],
    ]);
    // the default action is not const here
    dp.tableSetDefault('PortForward.port_map', { action: 'PortForward.forward', params: [7n] });
    const out = capture(dp);
    dp.receive(3, ipv4Packet());
    expect(out.map((o) => o.port)).toEqual([7]);
    dp.tableResetDefault('PortForward.port_map');
    dp.receive(3, ipv4Packet());
    expect(out).toHaveLength(1);
  });

  it('checks register indices and value widths (OUT_OF_RANGE, INVALID_ARGUMENT)', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('stateful'));
    expect(code(() => dp.registerRead('Stateful.last_len', 16))).toBe('OUT_OF_RANGE');
    expect(code(() => dp.registerWrite('Stateful.last_len', -1, 0n))).toBe('OUT_OF_RANGE');
    expect(code(() => dp.registerWrite('Stateful.last_len', 0, 1n << 32n))).toBe('INVALID_ARGUMENT');
    expect(code(() => dp.counterRead('Stateful.port_pkts', 99))).toBe('OUT_OF_RANGE');
    expect(code(() => dp.meterSet('Stateful.port_meter', 16, undefined))).toBe('OUT_OF_RANGE');
  });

  it('needs a program for program calls', () => {
    const dp = new Dataplane();
    expect(code(() => dp.tableEntries('x'))).toBe('FAILED_PRECONDITION');
    dp.cloneSessionSet(3, { replicas: [{ port: 1, instance: 0 }], classOfService: 0, packetLengthBytes: 0 });
    expect([...dp.cloneSessions().keys()]).toEqual([3]);
    dp.receive(1, ipv4Packet());
    expect(dp.stats().drops.noProgram).toBe(1);
    expect(dp.stats().ports.get(1)).toMatchObject({ rxPackets: 1 });
  });
});

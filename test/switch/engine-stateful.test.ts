// Registers (≤ 32, 48 and 64 bits), counters (indirect and direct), meters,
// hashes, random numbers and idle timeout, through the stateful fixture.
import { beforeEach, describe, expect, it } from 'vitest';
import type { EntryView } from '../../kernel-lib/switch/control-plane.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { HASHES } from '../../kernel-lib/switch/engine/hash.js';
import { capture, fixture, ip, ipv4Packet } from './engine-packets.js';

/** An IPv4 packet (62 bytes + extra) carrying an empty `res` header (28 bytes) the program fills in. */
function resPacket(src = '10.0.1.1', extra = 0): Uint8Array {
  return ipv4Packet({ src, dst: '10.0.2.2', protocol: 0xfd, payload: new Array(28 + extra).fill(0) });
}

function res(data: Uint8Array) {
  const b = Buffer.from(data.subarray(34));
  return {
    color: b[0]!, h16: b.readUInt16BE(1), h32: b.readUInt32BE(3), prev: b.readUInt32BE(7),
    acc: b.readUIntBE(11, 6), rnd: b.readUInt16BE(17), big: b.readBigUInt64BE(19), fcolor: b[27]!,
  };
}

describe('engine: stateful externs (stateful fixture)', () => {
  let clock: bigint;
  let dp: Dataplane;
  let out: Array<{ port: number; data: Uint8Array }>;
  beforeEach(() => {
    clock = 0n;
    dp = new Dataplane({ now: () => clock, seed: 42 });
    dp.loadProgram(fixture('stateful'));
    out = capture(dp);
  });

  it('reads and writes registers from the pipeline and the control plane', () => {
    dp.receive(1, resPacket('10.0.1.1', 0));
    dp.receive(1, resPacket('10.0.1.1', 20));
    dp.receive(1, resPacket('10.0.1.1', 40));
    expect(out.map((o) => res(o.data).prev)).toEqual([0, 62, 82]);
    expect(dp.registerRead('Stateful.last_len', 1)).toBe(102n);
    dp.registerWrite('Stateful.last_len', 1, 1234n);
    dp.receive(1, resPacket());
    expect(res(out[3]!.data).prev).toBe(1234);
    expect(dp.registerSize('Stateful.last_len')).toBe(16);
    dp.registerReset('Stateful.last_len');
    expect(dp.registerRead('Stateful.last_len', 1)).toBe(0n);
  });

  it('does 48-bit arithmetic exactly and wraps at the field width', () => {
    const src = 0x0a000101;
    dp.receive(1, resPacket());
    dp.receive(1, resPacket());
    expect(res(out[1]!.data).acc).toBe(2 * src);
    dp.registerWrite('Stateful.acc', 0, 0xffffffffffffn - 1n);
    dp.receive(1, resPacket());
    expect(res(out[2]!.data).acc).toBe(src - 2);
    expect(dp.registerRead('Stateful.acc', 0)).toBe(BigInt(src - 2));
  });

  it('keeps 64-bit registers as words and wraps them at 64 bits', () => {
    dp.receive(1, resPacket());
    dp.receive(1, resPacket());
    expect(dp.registerRead('Stateful.big', 0)).toBe(2n * 0x100000001n);
    expect(res(out[1]!.data).big).toBe(2n * 0x100000001n);
    dp.registerWrite('Stateful.big', 0, 0xffffffffffffffffn);
    dp.receive(1, resPacket());
    expect(res(out[2]!.data).big).toBe(0x100000000n);
  });

  it('counts packets and bytes per index, and per entry in a direct counter', () => {
    dp.tableAdd('Stateful.flows', { key: [{ kind: 'exact', value: BigInt(ip('10.0.1.1').reduce((a, b) => a * 256 + b, 0)) }], action: { action: 'Stateful.fwd', params: [3n] }, priority: 0 });
    dp.receive(1, resPacket());
    dp.receive(1, resPacket());
    dp.receive(2, resPacket('10.0.9.9'));
    expect(out.map((o) => o.port)).toEqual([3, 3, 1]);
    expect(dp.counterRead('Stateful.port_pkts', 1)).toEqual({ packets: 2n, bytes: 124n });
    expect(dp.counterRead('Stateful.port_pkts', 2)).toEqual({ packets: 1n, bytes: 62n });
    const [entry] = dp.tableEntries('Stateful.flows');
    expect(entry!.counter).toEqual({ packets: 2n, bytes: 124n });
    dp.directCounterWrite('Stateful.flows', entry!.key, 0, { packets: 0n, bytes: 0n });
    expect(dp.tableEntries('Stateful.flows')[0]!.counter).toEqual({ packets: 0n, bytes: 0n });
    dp.counterWrite('Stateful.port_pkts', 1, { packets: 10n, bytes: 20n });
    expect(dp.counterRead('Stateful.port_pkts', 1)).toEqual({ packets: 10n, bytes: 20n });
  });

  it('marks with a two-rate three-colour meter (GREEN 0, YELLOW 1, RED 2) and refills with time', () => {
    expect(dp.meterGet('Stateful.port_meter', 1)).toBeUndefined();
    dp.receive(1, resPacket());
    expect(res(out[0]!.data).color).toBe(0); // unconfigured: always green
    dp.meterSet('Stateful.port_meter', 1, { cir: 1n, cburst: 1n, pir: 2n, pburst: 2n });
    for (let i = 0; i < 3; i++) dp.receive(1, resPacket());
    expect(out.slice(1).map((o) => res(o.data).color)).toEqual([0, 1, 2]);
    clock += 1_000_000_000n;
    dp.receive(1, resPacket());
    expect(res(out[4]!.data).color).toBe(0);
  });

  it('runs a direct meter on table hits, by bytes, into the result field', () => {
    const key = [{ kind: 'exact' as const, value: 0x0a000101n }];
    dp.tableAdd('Stateful.flows', { key, action: { action: 'Stateful.fwd', params: [3n] }, priority: 0 });
    dp.directMeterSet('Stateful.flows', key, 0, { cir: 62n, cburst: 62n, pir: 124n, pburst: 124n });
    expect(dp.tableEntry('Stateful.flows', key, 0)!.meter).toEqual({ cir: 62n, cburst: 62n, pir: 124n, pburst: 124n });
    for (let i = 0; i < 3; i++) dp.receive(1, resPacket());
    expect(out.map((o) => res(o.data).fcolor)).toEqual([0, 1, 2]);
    dp.directMeterSet('Stateful.flows', key, 0, undefined);
    dp.receive(1, resPacket());
    expect(res(out[3]!.data).fcolor).toBe(0);
  });

  it('hashes with crc16 and crc32 over the listed fields', () => {
    dp.receive(1, resPacket('10.0.1.1'));
    const input = Uint8Array.from([...ip('10.0.1.1'), ...ip('10.0.2.2')]);
    expect(res(out[0]!.data).h16).toBe(HASHES.crc16!(input, 8));
    expect(res(out[0]!.data).h32).toBe(HASHES.crc32!(input, 8));
  });

  it('draws random numbers in range, reproducibly for a seed', () => {
    for (let i = 0; i < 50; i++) dp.receive(1, resPacket());
    const draws = out.map((o) => res(o.data).rnd);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...draws)).toBeLessThanOrEqual(200);
    expect(new Set(draws).size).toBeGreaterThan(10);
    const again = new Dataplane({ now: () => clock, seed: 42 });
    again.loadProgram(fixture('stateful'));
    const out2 = capture(again);
    for (let i = 0; i < 50; i++) again.receive(1, resPacket());
    expect(out2.map((o) => res(o.data).rnd)).toEqual(draws);
  });

  it('reports entries idle past their timeout once, and again only after a new hit', () => {
    const key = [{ kind: 'exact' as const, value: 0x0a000101n }];
    dp.tableAdd('Stateful.flows', { key, action: { action: 'Stateful.fwd', params: [3n] }, priority: 0, idleTimeoutNs: 1_000_000n });
    const idle: Array<[string, EntryView[]]> = [];
    dp.onIdleTimeout((t, e) => idle.push([t, e]));
    clock = 500_000n;
    dp.receive(1, resPacket());
    clock = 1_200_000n;
    dp.checkIdleTimeouts();
    expect(idle).toHaveLength(0);
    expect(dp.tableEntry('Stateful.flows', key, 0)!.elapsedNs).toBe(700_000n);
    clock = 1_600_000n;
    dp.checkIdleTimeouts();
    dp.checkIdleTimeouts();
    expect(idle).toHaveLength(1);
    expect(idle[0]![0]).toBe('Stateful.flows');
    expect(idle[0]![1][0]!.key).toEqual(key);
  });
});

describe('engine: hash algorithms', () => {
  it('match the standard check values over "123456789"', () => {
    const b = new TextEncoder().encode('123456789');
    expect(HASHES.crc32!(b, b.length)).toBe(0xcbf43926);
    expect(HASHES.crc16!(b, b.length)).toBe(0xbb3d);
    expect(HASHES.crcCCITT!(b, b.length)).toBe(0x29b1);
    expect(HASHES.csum16!(Uint8Array.from([0x45, 0x00, 0x00, 0x1c]), 4)).toBe(~(0x4500 + 0x001c) & 0xffff);
    expect(HASHES.xor16!(Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a]), 5)).toBe(0x1234 ^ 0x5678 ^ 0x9a00);
    expect(HASHES.xor32!(Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a]), 5)).toBe((0x12345678 ^ 0x9a000000) >>> 0);
    expect(HASHES.identity!(Uint8Array.from([0, 1, 2, 3]), 4)).toBe(0x00010203);
    expect(HASHES.crc32_custom!(b, b.length)).toBe(0xcbf43926);
  });
});

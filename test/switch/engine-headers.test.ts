// Header add/remove, header stacks (push/pop, extraction of the next element),
// masked select on a stack field, the older p4c JSON style, header unions.
import { beforeEach, describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, hex, ipv4Packet, mac } from './engine-packets.js';

function label(value: number, bos: 0 | 1, ttl: number): number[] {
  const w = ((value << 12) | (bos << 8) | ttl) >>> 0;
  return [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255];
}

function mplsPacket(labels: number[][]): Uint8Array {
  const ip = ipv4Packet().subarray(14);
  return Uint8Array.from([...mac('00:00:00:00:00:01'), ...mac('00:00:00:00:00:02'), 0x88, 0x47, ...labels.flat(), ...ip]);
}

describe('engine: headers and stacks (tunnel_stack, older p4c style)', () => {
  let dp: Dataplane;
  let out: Array<{ port: number; data: Uint8Array }>;
  beforeEach(() => {
    dp = new Dataplane();
    dp.loadProgram(fixture('tunnel_stack'));
    out = capture(dp);
    const set = (port: bigint, action: string, params: bigint[] = []) =>
      dp.tableAdd('Tunnel.mpls_ops', { key: [{ kind: 'exact', value: port }], action: { action, params }, priority: 0 });
    set(1n, 'Tunnel.push_label', [100n]);
    set(2n, 'Tunnel.pop_label');
    set(3n, 'Tunnel.strip_ipv4');
    set(4n, 'Tunnel.add_ipv4');
  });

  it('pushes a label onto an IPv4 packet (bottom of stack set) and onto a labelled one', () => {
    const ip = ipv4Packet();
    dp.receive(1, ip);
    dp.receive(1, mplsPacket([label(7, 1, 9)]));
    expect(out).toHaveLength(2);
    expect(hex(out[0]!.data)).toBe(hex(ip.subarray(0, 12)) + '8847' + hex(Uint8Array.from(label(100, 1, 64))) + hex(ip.subarray(14)));
    expect(hex(out[1]!.data.subarray(12, 22))).toBe('8847' + hex(Uint8Array.from([...label(100, 0, 64), ...label(7, 1, 9)])));
  });

  it('pops labels, restoring the IPv4 ethertype when the stack empties', () => {
    dp.receive(2, mplsPacket([label(5, 0, 1), label(6, 1, 2)]));
    dp.receive(2, mplsPacket([label(6, 1, 2)]));
    expect(hex(out[0]!.data.subarray(12, 18))).toBe('8847' + hex(Uint8Array.from(label(6, 1, 2))));
    expect(hex(out[1]!.data)).toBe(hex(mplsPacket([]).subarray(0, 12)) + '0800' + hex(ipv4Packet().subarray(14)));
  });

  it('removes and adds headers', () => {
    const ip = ipv4Packet();
    dp.receive(3, ip);
    expect(hex(out[0]!.data)).toBe(hex(ip.subarray(0, 14)) + 'deadbeef');
    const raw = Uint8Array.from([...mac('00:00:00:00:00:01'), ...mac('00:00:00:00:00:02'), 0x12, 0x34, 1, 2, 3]);
    dp.receive(4, raw);
    const o = out[1]!.data;
    expect(o.length).toBe(14 + 20 + 3);
    expect(hex(o.subarray(12, 14))).toBe('0800');
    expect(hex(o.subarray(14, 34))).toBe('45000014000000000' + '1fd0000' + '0a0000010a000002');
    expect(hex(o.subarray(34))).toBe('010203');
  });

  it('numbers parser errors as the program declares them (NoError = 1, PacketTooShort = 2 here)', () => {
    dp.receive(1, ipv4Packet());
    expect(dp.stats().drops.parserError).toBe(0);
    dp.receive(1, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(out.map((o) => o.port)).toEqual([2, 9]);
    expect(hex(out[1]!.data)).toBe('0102030405060708090a');
    expect(dp.stats().drops.parserError).toBe(1);
  });
});

describe('engine: header unions (unions fixture)', () => {
  it('keeps one member valid: making another valid invalidates the first', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('unions'));
    const out = capture(dp);
    const eth = [...mac('00:00:00:00:00:01'), ...mac('00:00:00:00:00:02'), 0x88, 0xb8];
    dp.receive(1, Uint8Array.from([...eth, 0x06, 0x55, 0xaa]));
    dp.receive(1, Uint8Array.from([...eth, 0x01, 0x55, 0xaa]));
    expect(out.map((o) => o.port)).toEqual([2, 3]);
    expect(hex(out[0]!.data.subarray(14))).toBe('1177' + 'aa');
    expect(hex(out[1]!.data.subarray(14))).toBe('0155aa');
  });
});

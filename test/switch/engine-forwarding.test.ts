import { describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, hex, ipv4Checksum, ipv4Packet } from './engine-packets.js';

describe('engine: forwarding', () => {
  it('forwards port 1 <-> 2 by const entries and drops the rest (port_forward fixture)', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('port_forward'));
    const out = capture(dp);
    const pkt = ipv4Packet();
    dp.receive(1, pkt);
    dp.receive(2, pkt);
    dp.receive(3, pkt);
    expect(out.map((o) => o.port)).toEqual([2, 1]);
    expect(hex(out[0]!.data)).toBe(hex(pkt));
    expect(dp.stats().drops.ingressDrop).toBe(1);
  });

  it('routes IPv4 by longest prefix, rewrites MACs, decrements TTL and fixes the checksum', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('ipv4_router'));
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: 0x0a000200n, prefixLen: 24 }],
      action: { action: 'MyIngress.ipv4_forward', params: [0x0000000002aan, 2n] },
      priority: 0,
    });
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: 0x0a000202n, prefixLen: 32 }],
      action: { action: 'MyIngress.ipv4_forward', params: [0x0000000003bbn, 3n] },
      priority: 0,
    });
    const out = capture(dp);
    dp.receive(1, ipv4Packet({ dst: '10.0.2.2', ttl: 64 }));
    dp.receive(1, ipv4Packet({ dst: '10.0.2.7', ttl: 9 }));
    dp.receive(1, ipv4Packet({ dst: '10.9.9.9' }));
    expect(out.map((o) => o.port)).toEqual([3, 2]);
    const a = out[0]!.data;
    expect(hex(a.subarray(0, 12))).toBe('0000000003bb' + '000000000101');
    expect(a[22]).toBe(63);
    expect(ipv4Checksum(a.subarray(14, 34))).toBe(0);
    expect(out[1]!.data[22]).toBe(8);
    expect(ipv4Checksum(out[1]!.data.subarray(14, 34))).toBe(0);
    expect(hex(a.subarray(34))).toBe('deadbeef');
  });
});

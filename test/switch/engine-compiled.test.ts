// Programs compiled by p4lab's compiler run on the engine: the IPv4 router,
// NAT, the learning switch and INT (source and sink) end to end; the other
// programs of p4/ load and run packets.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileP4File } from '../../kernel-lib/compiler/index.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import type { DigestMessage } from '../../kernel-lib/switch/control-plane.js';
import { capture, hex, ipv4Checksum, ipv4Packet, mac } from './engine-packets.js';

const P4_DIR = fileURLToPath(new URL('../../p4/', import.meta.url));

/** The TCP checksum over the pseudo header and a segment (0 when the segment's own checksum is right). */
function tcpChecksum(src: Uint8Array, dst: Uint8Array, segment: Uint8Array): number {
  return ipv4Checksum(Uint8Array.from([...src, ...dst, 0, 6, segment.length >> 8, segment.length & 255, ...segment, ...(segment.length % 2 ? [0] : [])]));
}

function compiled(name: string) {
  const r = compileP4File(P4_DIR + name);
  if (!r.ok) throw new Error(`p4/${name} does not compile:\n${r.formatted}`);
  return r.bmv2;
}

describe('engine: programs from the compiler', () => {
  it('routes with p4/ipv4_router.p4: LPM, MAC rewrite, TTL, checksum verify and update', () => {
    const dp = new Dataplane();
    dp.loadProgram(compiled('ipv4_router.p4'));
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: 0x0a000200n, prefixLen: 24 }],
      action: { action: 'MyIngress.set_nhop', params: [0x0000000000a1n, 0x0000000000b2n, 4n] },
      priority: 0,
    });
    const out = capture(dp);
    dp.receive(1, ipv4Packet({ dst: '10.0.2.9', ttl: 20 }));
    dp.receive(1, ipv4Packet({ dst: '10.0.2.9', badChecksum: true }));
    dp.receive(1, ipv4Packet({ dst: '10.0.2.9', ttl: 1 }));
    dp.receive(1, ipv4Packet({ dst: '10.0.3.9' }));
    expect(out.map((o) => o.port)).toEqual([4]);
    const o = out[0]!.data;
    expect(hex(o.subarray(0, 12))).toBe('0000000000b2' + '0000000000a1');
    expect(o[22]).toBe(19);
    expect(ipv4Checksum(o.subarray(14, 34))).toBe(0);
    expect(dp.stats().drops.ingressDrop).toBe(3);
  });

  it('translates addresses with p4/nat.p4 and recomputes the TCP checksum over the payload', () => {
    const dp = new Dataplane();
    dp.loadProgram(compiled('nat.p4'));
    dp.tableAdd('MyIngress.nat_outbound', { key: [{ kind: 'exact', value: 0x0a000001n }], action: { action: 'MyIngress.snat', params: [0xc0000201n] }, priority: 0 });
    dp.tableAdd('MyIngress.ipv4_lpm', {
      key: [{ kind: 'lpm', value: 0x0a000200n, prefixLen: 24 }],
      action: { action: 'MyIngress.set_nhop', params: [0xa1n, 0xb2n, 2n] },
      priority: 0,
    });
    const out = capture(dp);
    const payload = [...Buffer.from('hello, NAT!')];
    const tcp = [0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0];
    const ipPacket = ipv4Packet({ src: '10.0.0.1', dst: '10.0.2.5', protocol: 6, payload: [...tcp, ...payload] });
    const seg = Uint8Array.from([...tcp, ...payload]);
    const ck = tcpChecksum(ipPacket.subarray(26, 30), ipPacket.subarray(30, 34), seg);
    ipPacket[34 + 16] = ck >> 8;
    ipPacket[34 + 17] = ck & 255;
    dp.receive(1, ipPacket);
    expect(out.map((o) => o.port)).toEqual([2]);
    const o = out[0]!.data;
    expect(hex(o.subarray(26, 30))).toBe('c0000201');
    expect(ipv4Checksum(o.subarray(14, 34))).toBe(0);
    expect(tcpChecksum(o.subarray(26, 30), o.subarray(30, 34), o.subarray(34))).toBe(0);
    expect(Buffer.from(o.subarray(54)).toString()).toBe('hello, NAT!');
  });

  it('learns and floods with p4/l2_forwarder.p4: digests, a multicast group, packet-out on the CPU port', () => {
    const dp = new Dataplane({ cpuPort: 255 });
    dp.loadProgram(compiled('l2_forwarder.p4'));
    dp.multicastGroupSet(1, [1, 2, 3].map((port) => ({ port, instance: 0 })));
    const digests: DigestMessage[] = [];
    dp.onDigest((d) => digests.push(d));
    const out = capture(dp);
    const frame = Uint8Array.from([...mac('00:00:00:00:00:bb'), ...mac('00:00:00:00:00:aa'), 0x88, 0xb5, 1, 2, 3]);
    dp.receive(1, frame);
    expect(out.map((o) => o.port).sort()).toEqual([2, 3]); // flooded, not back to port 1
    expect(digests).toMatchObject([{ learnList: 'mac_learn_digest_t', data: [[0xaan, 1n]] }]);
    // the controller learns: no more digests for that source, unicast towards it
    dp.tableAdd('MyIngress.smac', { key: [{ kind: 'exact', value: 0xaan }], action: { action: 'NoAction', params: [] }, priority: 0 });
    dp.tableAdd('MyIngress.dmac', { key: [{ kind: 'exact', value: 0xaan }], action: { action: 'MyIngress.forward', params: [1n] }, priority: 0 });
    out.length = 0;
    dp.receive(1, frame);
    dp.receive(3, Uint8Array.from([...mac('00:00:00:00:00:aa'), ...mac('00:00:00:00:00:cc'), 0x88, 0xb5]));
    expect(out.map((o) => o.port)).toEqual([2, 3, 1]);
    expect(digests).toHaveLength(2);
    out.length = 0;
    dp.injectFromCpu(Uint8Array.from([(2 << 7) >> 8, (2 << 7) & 255, ...frame]));
    expect(out.map((o) => [o.port, o.data.length])).toEqual([[2, frame.length]]);
  });

  it('carries INT through a source and a sink switch with p4/int_telemetry.p4 (stacks, clone, field lists)', () => {
    const program = compiled('int_telemetry.p4');
    const route = (port: bigint) => ({ key: [{ kind: 'lpm' as const, value: 0x0a000200n, prefixLen: 24 }], action: { action: 'MyIngress.set_nhop', params: [0xa1n, 0xb2n, port] }, priority: 0 });
    const source = new Dataplane();
    source.loadProgram(program);
    source.tableSetDefault('MyIngress.int_config', { action: 'MyIngress.set_switch_id', params: [1n] });
    source.tableAdd('MyIngress.ipv4_lpm', route(2n));
    source.tableAdd('MyIngress.int_source_ports', { key: [{ kind: 'exact', value: 1n }], action: { action: 'MyIngress.int_source', params: [4n] }, priority: 0 });
    const sink = new Dataplane();
    sink.loadProgram(program);
    sink.tableSetDefault('MyIngress.int_config', { action: 'MyIngress.set_switch_id', params: [2n] });
    sink.tableAdd('MyIngress.ipv4_lpm', route(3n));
    sink.tableAdd('MyIngress.int_sink_ports', { key: [{ kind: 'exact', value: 3n }], action: { action: 'MyIngress.int_sink', params: [7n] }, priority: 0 });
    sink.cloneSessionSet(7, { replicas: [{ port: 9, instance: 0 }], classOfService: 0, packetLengthBytes: 0 });
    const fromSource = capture(source);
    const fromSink = capture(sink);

    const udp = ipv4Packet({ protocol: 17, ttl: 10, payload: [0x12, 0x34, 0x00, 0x35, 0, 12, 0, 0, 7, 7, 7, 7] });
    source.receive(1, udp);
    expect(fromSource.map((o) => o.port)).toEqual([2]);
    const withInt = fromSource[0]!.data;
    expect(withInt.length).toBe(udp.length + 4 + 28);
    expect(ipv4Checksum(withInt.subarray(14, 34))).toBe(0);
    sink.receive(1, withInt);

    const byPort = new Map(fromSink.map((o) => [o.port, o.data]));
    expect([...byPort.keys()].sort()).toEqual([3, 9]);
    const plain = byPort.get(3)!;
    expect(plain.length).toBe(udp.length);
    expect(plain[23]).toBe(17); // protocol restored
    expect(plain[22]).toBe(8); // two hops
    expect(ipv4Checksum(plain.subarray(14, 34))).toBe(0);
    expect(hex(plain.subarray(34))).toBe(hex(udp.subarray(34)));
    const report = Buffer.from(byPort.get(9)!);
    expect(report[23]).toBe(253);
    expect([...report.subarray(34, 37)]).toEqual([17, 2, 4]); // next protocol, hop count, max hops
    expect(report.readUInt32BE(38)).toBe(2); // newest hop first: the sink's
    expect(report.readUInt32BE(38 + 28)).toBe(1);
    expect(report.readUInt16BE(38 + 28 + 4)).toBe(1); // the source's ingress port
    expect(report.readUInt16BE(38 + 28 + 6)).toBe(2); // and egress port
    expect(report.readUInt16BE(16)).toBe(report.length - 14); // IPv4 total length kept right
  });

  it('loads the programs in p4/ and runs packets through them without a fault', () => {
    const names = ['flow_counter.p4', 'ids_preclassifier.p4', 'int_telemetry.p4', 'ipv4_router.p4', 'l2_forwarder.p4', 'load_balancer.p4',
      'mac_rewriter.p4', 'nat.p4', 'p4nfv_all_in_one.p4', 'stateful_firewall.p4'];
    const tcp = [0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0];
    const packets = [
      ipv4Packet({ protocol: 6, payload: [...tcp, 1, 2, 3] }),
      ipv4Packet({ protocol: 17, payload: [0x12, 0x34, 0x00, 0x35, 0, 12, 0, 0, 9, 9, 9, 9] }),
      ipv4Packet({ ttl: 1 }),
      Uint8Array.from([1, 2, 3]),
    ];
    for (const name of names) {
      const dp = new Dataplane({ cpuPort: 255 });
      dp.loadProgram(compiled(name));
      for (const port of [1, 2, 255]) for (const p of packets) dp.receive(port, p);
      expect({ name, faults: dp.stats().drops.pipelineFault, why: dp.lastFault() }).toEqual({ name, faults: 0, why: undefined });
    }
  });
});

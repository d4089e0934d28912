// What STF cannot express about the programs in p4/: behaviour over time
// (the engine's clock driven by hand), digests, register contents and a
// random split measured over many packets.
import { crc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bmv2Json } from '../../kernel-lib/bmv2/json-format.js';
import { compileP4File } from '../../kernel-lib/compiler/index.js';
import type { DigestMessage } from '../../kernel-lib/switch/control-plane.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, ip, ipv4Packet } from '../switch/engine-packets.js';

function compiled(name: string): Bmv2Json {
  const r = compileP4File(fileURLToPath(new URL(`../../p4/${name}.p4`, import.meta.url)));
  if (!r.ok) throw new Error(r.formatted);
  return r.bmv2;
}

const UDP = [0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef]; // 1234 → 5678, checksum 0
const route = { key: [{ kind: 'lpm' as const, value: 0x0a000200n, prefixLen: 24 }], action: { action: 'MyIngress.set_nhop', params: [0x200n, 0x202n, 2n] }, priority: 0 };

describe('stateful_firewall: a fast flow is blocked, a slow one passes', () => {
  let json: Bmv2Json;
  beforeAll(() => {
    json = compiled('stateful_firewall');
  });

  it('blocks from the 8th packet at 100 µs gaps, never at 5 ms gaps (threshold 1 ms)', () => {
    let nowNs = 1_000_000_000n;
    const dp = new Dataplane({ now: () => nowNs });
    dp.loadProgram(json);
    const out = capture(dp);
    dp.tableAdd('MyIngress.ipv4_lpm', route);
    dp.registerWrite('MyIngress.fw_threshold', 0, 1000n);
    const send = (src: string, gapUs: bigint) => {
      nowNs += gapUs * 1000n;
      dp.receive(1, ipv4Packet({ src, dst: '10.0.2.2', payload: UDP }));
      dp.service();
    };
    for (let i = 0; i < 20; i++) send('10.0.1.1', 100n);
    for (let i = 0; i < 20; i++) send('10.0.1.2', 5000n);
    const from = (src: string) => out.filter((p) => p.data.subarray(26, 30).join('.') === src).length;
    expect(from('10.0.1.1')).toBe(7);
    expect(from('10.0.1.2')).toBe(20);
    const slot = (src: string) => crc32(Buffer.from([...ip(src), ...ip('10.0.2.2'), 17])) % 4096;
    expect(dp.registerRead('MyIngress.fw_blocked', slot('10.0.1.1'))).toBe(1n);
    expect(dp.registerRead('MyIngress.fw_blocked', slot('10.0.1.2'))).toBe(0n);
    // the slow flow's mean gap converged to 5000 µs
    expect(Number(dp.registerRead('MyIngress.fw_mean_gap', slot('10.0.1.2')))).toBeGreaterThan(4000);
  });
});

describe('l2_forwarder: learning digests', () => {
  it('reports an unknown source MAC with its port until the controller learns it', () => {
    const dp = new Dataplane();
    dp.loadProgram(compiled('l2_forwarder'));
    const digests: DigestMessage[] = [];
    dp.onDigest((d) => digests.push(d));
    const frame = Uint8Array.from([0, 0, 0, 0, 0, 0x0b, 0, 0, 0, 0, 0, 0x0a, 0x88, 0xcc, 1, 2, 3, 4]);
    dp.receive(3, frame);
    dp.service();
    dp.checkIdleTimeouts();
    expect(digests.flatMap((d) => d.data)).toEqual([[0x0an, 3n]]);
    expect(digests[0]!.learnList).toMatch(/mac_learn_digest_t$/);
    dp.tableAdd('MyIngress.smac', { key: [{ kind: 'exact', value: 0x0an }], action: { action: 'NoAction', params: [] }, priority: 0 });
    dp.receive(3, frame);
    dp.service();
    expect(digests.flatMap((d) => d.data)).toHaveLength(1);
  });
});

describe('flow_counter: per-flow counts and rate digests', () => {
  it('counts each flow in its hashed slot and digests every n-th packet', () => {
    const dp = new Dataplane();
    dp.loadProgram(compiled('flow_counter'));
    dp.tableAdd('MyIngress.ipv4_lpm', route);
    dp.registerWrite('MyIngress.rate_interval', 0, 3n);
    const digests: DigestMessage[] = [];
    dp.onDigest((d) => digests.push(d));
    for (let i = 0; i < 7; i++) dp.receive(1, ipv4Packet({ src: '10.0.1.1', dst: '10.0.2.2', payload: UDP }));
    dp.receive(1, ipv4Packet({ src: '10.0.1.9', dst: '10.0.2.2', payload: UDP }));
    dp.service();
    const slot = (src: string) => crc32(Buffer.from([...ip(src), ...ip('10.0.2.2'), 17, 0x04, 0xd2, 0x16, 0x2e])) % 4096;
    expect(dp.registerRead('MyIngress.flow_packets', slot('10.0.1.1'))).toBe(7n);
    expect(dp.registerRead('MyIngress.flow_packets', slot('10.0.1.9'))).toBe(1n);
    expect(dp.registerRead('MyIngress.flow_since_digest', slot('10.0.1.1'))).toBe(1n);
    const rate = digests.filter((d) => d.learnList.endsWith('flow_rate_digest_t')).flatMap((d) => d.data);
    // {slot, src, dst, protocol, src port, dst port, packets, timestamp}
    expect(rate.map((r) => r.slice(0, 7))).toEqual([3n, 6n].map((n) => [BigInt(slot('10.0.1.1')), 0x0a000101n, 0x0a000202n, 17n, 1234n, 5678n, n]));
  });
});

describe('load_balancer: the random split', () => {
  it('sends about half of 2000 packets to each uplink, losing none', () => {
    const dp = new Dataplane({ seed: 42 });
    dp.loadProgram(compiled('load_balancer'));
    const out = capture(dp);
    dp.tableAdd('MyIngress.lb_ingress', { key: [{ kind: 'exact', value: 1n }], action: { action: 'MyIngress.balance', params: [] }, priority: 0 });
    for (const [choice, port] of [[0n, 2n], [1n, 3n]] as const) {
      dp.tableAdd('MyIngress.lb_uplinks', { key: [{ kind: 'exact', value: choice }], action: { action: 'MyIngress.forward', params: [port] }, priority: 0 });
    }
    for (let i = 0; i < 2000; i++) {
      dp.receive(1, ipv4Packet({ payload: UDP }));
      if (i % 100 === 99) dp.service();
    }
    dp.service();
    const on2 = out.filter((p) => p.port === 2).length;
    const on3 = out.filter((p) => p.port === 3).length;
    expect(on2 + on3).toBe(2000);
    // binomial(2000, 0.5): σ ≈ 22, so ±150 is beyond 6σ
    expect(Math.abs(on2 - 1000)).toBeLessThan(150);
  });
});

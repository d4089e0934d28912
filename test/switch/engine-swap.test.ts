// Hitless program swap: VERIFY_AND_SAVE then COMMIT under a stream of packets,
// with packets queued across the swap; none lost, none handled by both programs.
import { describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, ipv4Packet } from './engine-packets.js';

describe('engine: program swap', () => {
  it('commits between two packets under a stream, with zero loss and no mixing', () => {
    let clock = 0n;
    const dp = new Dataplane({ now: () => clock });
    dp.loadProgram(fixture('swap_a'));
    dp.setQueueRate(2, 1000);
    dp.setQueueDepth(2, 1000);
    const out = capture(dp);
    const N = 1000;
    for (let i = 0; i < N; i++) {
      if (i === 300) dp.saveProgram(fixture('swap_b'));
      if (i === 500) dp.commitProgram();
      const b = new Uint8Array(16);
      b[12] = 0x09;
      b[14] = i >> 8;
      b[15] = i & 255;
      dp.receive(1, b);
      clock += 500_000n; // twice the departure rate: the queue fills across the swap
      dp.service();
    }
    expect(dp.program?.program).toBe('swap_b.p4');
    expect(dp.savedProgram).toBeUndefined();
    while (dp.service() >= 0) clock += 1_000_000n;
    expect(out).toHaveLength(N);
    const seen = out.map((o) => {
      const d = o.data;
      return { seq: (d[14]! << 8) | d[15]!, ingress: d[11]!, egress: d[5]! };
    });
    expect(seen.map((s) => s.seq)).toEqual([...Array(N).keys()]);
    for (const s of seen) {
      expect(s.egress).toBe(s.ingress); // one program from ingress to egress
      expect(s.ingress).toBe(s.seq < 500 ? 0xaa : 0xbb);
    }
    expect(dp.stats().drops).toMatchObject({ queueFull: 0, noProgram: 0 });
  });

  it('takes over with the state the controller put into the saved program', () => {
    const dp = new Dataplane();
    const route = (port: bigint) => ({
      key: [{ kind: 'lpm' as const, value: 0x0a000200n, prefixLen: 24 }],
      action: { action: 'MyIngress.ipv4_forward', params: [0x1n, port] },
      priority: 0,
    });
    dp.loadProgram(fixture('ipv4_router'));
    dp.tableAdd('MyIngress.ipv4_lpm', route(2n));
    dp.saveProgram(JSON.stringify(fixture('ipv4_router')));
    dp.controlFor('saved').tableAdd('MyIngress.ipv4_lpm', route(3n));
    const out = capture(dp);
    dp.receive(1, ipv4Packet());
    dp.commitProgram();
    dp.receive(1, ipv4Packet());
    expect(out.map((o) => o.port)).toEqual([2, 3]);
    expect(() => dp.commitProgram()).toThrow(/no saved program/);
  });

  it('keeps multicast groups and clone sessions across a commit, and clears them on a load', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('replication'));
    dp.multicastGroupSet(7, [{ port: 2, instance: 1 }]);
    dp.saveProgram(fixture('replication'));
    dp.commitProgram();
    expect([...dp.multicastGroups().keys()]).toEqual([7]);
    dp.loadProgram(fixture('replication'));
    expect(dp.multicastGroups().size).toBe(0);
  });
});

// Link emulation: the model itself driven with a hand-set clock (exact and
// reproducible), then over real veth pairs through the ports' transmit
// (egress) and receive (ingress) sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortSet } from '../../kernel-lib/switch/io/ports.js';
import { loadNative } from '../../kernel-lib/native/index.js';
import { LinkEmulator } from '../../kernel-lib/switch/link/link.js';
import { canUseNetns, NetFixture, pktgen } from './net-fixture.js';

const MS = 1e6;

/** A link whose sends are recorded with the time they happened. */
function recordingLink() {
  const out: Array<{ atNs: number; seq: number; length: number }> = [];
  const clock = new Float64Array(1);
  const link = new LinkEmulator((data, offset, length) => out.push({ atNs: clock[0]!, seq: new DataView(data.buffer, data.byteOffset + offset).getUint32(0), length }), clock);
  const packet = new Uint8Array(1500);
  const view = new DataView(packet.buffer);
  return {
    link,
    out,
    send(seq: number, length = 100) {
      view.setUint32(0, seq);
      link.transmit(packet, 0, length);
    },
    /** Advances the clock to `t`, releasing at each due time on the way. */
    runUntil(t: number) {
      for (;;) {
        const wait = link.release();
        if (wait < 0 || clock[0]! + wait > t) break;
        clock[0] += wait;
      }
      clock[0] = t;
      link.release();
    },
    get now() {
      return clock[0]!;
    },
  };
}

describe('link model (hand-driven clock)', () => {
  it('delays every packet by the configured delay', () => {
    const r = recordingLink();
    r.link.configure({ delayUs: 500 });
    for (let i = 0; i < 10; i++) r.send(i);
    r.runUntil(0.499 * MS);
    expect(r.out).toHaveLength(0);
    r.runUntil(1 * MS);
    expect(r.out.map((o) => o.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.out.every((o) => o.atNs === 0.5 * MS)).toBe(true);
  });

  it('loses packets with the configured Bernoulli probability, identically for one seed', () => {
    const lost = (seed: number) => {
      const r = recordingLink();
      r.link.configure({ loss: 0.1, seed, queueLimit: 100_000 });
      for (let i = 0; i < 20000; i++) r.send(i);
      r.runUntil(1);
      return r.link.counters.lossDrops;
    };
    const a = lost(7);
    expect(Math.abs(a - 2000)).toBeLessThan(4 * Math.sqrt(20000 * 0.1 * 0.9));
    expect(lost(7)).toBe(a);
    expect(lost(8)).not.toBe(a);
  });

  it('loses packets in bursts under Gilbert–Elliott', () => {
    const r = recordingLink();
    // Mean burst length 1/r = 5 packets; stationary share of the bad state p/(p+r) = 1/21.
    r.link.configure({ lossModel: 'gilbert-elliott', geGoodToBad: 0.01, geBadToGood: 0.2, geLossBad: 1, seed: 3, queueLimit: 100_000 });
    const n = 50000;
    for (let i = 0; i < n; i++) r.send(i);
    r.runUntil(1);
    const lossRate = r.link.counters.lossDrops / n;
    expect(lossRate).toBeGreaterThan(0.03);
    expect(lossRate).toBeLessThan(0.07);
    // Bursts: each gap in the survivors' sequence numbers is one run of losses.
    let runs = 0;
    let prev = -1;
    for (const o of r.out) {
      if (o.seq - prev > 1) runs++;
      prev = o.seq;
    }
    const meanBurst = r.link.counters.lossDrops / runs;
    expect(meanBurst).toBeGreaterThan(3);
    expect(meanBurst).toBeLessThan(7.5);
  });

  it('spaces packets at the rate limit and tail-drops beyond the queue limit', () => {
    const r = recordingLink();
    r.link.configure({ rateBps: 8_000_000, queueLimit: 10 }); // 1000-byte packets: one per ms
    for (let i = 0; i < 15; i++) r.send(i, 1000);
    expect(r.link.counters.queueDrops).toBe(5);
    r.runUntil(20 * MS);
    expect(r.out.map((o) => o.atNs / MS)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('draws jitter around the delay (normal: median at the delay; uniform: within bounds)', () => {
    const normal = recordingLink();
    normal.link.configure({ delayUs: 1000, jitterUs: 100, seed: 11, queueLimit: 5000 });
    for (let i = 0; i < 2001; i++) normal.send(i);
    normal.runUntil(10 * MS);
    const t = normal.out.map((o) => o.atNs).sort((a, b) => a - b);
    expect(Math.abs(t[1000] - 1 * MS)).toBeLessThan(0.01 * MS);
    const sd = Math.sqrt(t.reduce((s, x) => s + (x - MS) ** 2, 0) / t.length);
    expect(sd / 1000).toBeGreaterThan(90);
    expect(sd / 1000).toBeLessThan(110);

    const uniform = recordingLink();
    uniform.link.configure({ delayUs: 1000, jitterUs: 100, jitterDistribution: 'uniform' });
    for (let i = 0; i < 1000; i++) uniform.send(i);
    uniform.runUntil(10 * MS);
    const u = uniform.out.map((o) => o.atNs / MS);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...u)).toBeLessThanOrEqual(1.1);
  });

  it('reorders: held-back packets leave after later ones', () => {
    const r = recordingLink();
    r.link.configure({ delayUs: 10, reorderProbability: 0.25, reorderDelayUs: 100, seed: 5 });
    for (let i = 0; i < 200; i++) r.send(i);
    r.runUntil(1 * MS);
    expect(r.out).toHaveLength(200);
    const reordered = r.link.counters.reordered;
    expect(reordered).toBeGreaterThan(25);
    expect(reordered).toBeLessThan(75);
    const firstHeld = r.out.findIndex((o) => o.atNs > 10_000);
    expect(r.out.length - firstHeld).toBe(reordered);
  });

  it('keeps packets in flight across a change and rejects bad settings by name', () => {
    const r = recordingLink();
    r.link.configure({ delayUs: 1000, queueLimit: 4 });
    for (let i = 0; i < 4; i++) r.send(i);
    r.link.configure({ queueLimit: 100, delayUs: 0 });
    expect(r.link.pending).toBe(4);
    r.runUntil(2 * MS);
    expect(r.out.map((o) => o.seq)).toEqual([0, 1, 2, 3]);
    expect(() => r.link.configure({ loss: 1.5 })).toThrowError(/loss=1.5 is not a probability/);
    expect(() => r.link.configure({ queueLimit: 0 })).toThrowError(/queueLimit/);
    expect(() => r.link.configure({ jitterDistribution: 'pareto' as 'normal' })).toThrowError(/jitterDistribution/);
  });
});

describe.skipIf(!canUseNetns())('link emulation on veth ports (needs root and ip netns)', () => {
  const net = new NetFixture('lk');
  let nsA: string, nsB: string, a1: string, b1: string;
  let ports: PortSet;
  let timerDue = -1;
  const due = new Float64Array(1);
  const native = loadNative();
  const timer = new native.PreciseTimer(() => {
    timerDue = -1;
    pump();
  });

  // The same loop the switch runs: release what ingress links hold into the
  // handler (which forwards), release egress links, flush, re-arm the timer.
  function pump() {
    ports.readClock();
    const ingressWait = ports.releaseLinks('ingress');
    const egressWait = ports.releaseLinks('egress');
    ports.flush();
    const wait = ingressWait < 0 ? egressWait : egressWait < 0 ? ingressWait : Math.min(ingressWait, egressWait);
    if (wait >= 0 && ports.nowNs + wait !== timerDue) {
      timerDue = ports.nowNs + wait;
      due[0] = timerDue;
      timer.armAt(due);
    }
  }

  beforeAll(async () => {
    nsA = net.netns('a');
    nsB = net.netns('b');
    let a0: string, b0: string;
    [a0, a1] = net.veth('a0', 'a1', nsA);
    [b0, b1] = net.veth('b0', 'b1', nsB);
    ports = new PortSet((port, data, length) => ports.transmit(port === 1 ? 2 : 1, data, length), pump, (message) => {
      throw new Error(message);
    });
    await ports.add(1, a0);
    await ports.add(2, b0);
  });

  afterAll(() => {
    timer.close();
    ports?.close();
    net.cleanup();
  });

  it('adds the configured delay (median from 3 ms up to 4 ms)', async () => {
    ports.link(2)!.configure({ delayUs: 3000 });
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.5 });
    ports.link(2)!.configure({ delayUs: 0 });
    expect(r.received).toBe(r.sent);
    expect(r.p50Ns / MS).toBeGreaterThanOrEqual(3);
    expect(r.p50Ns / MS).toBeLessThan(4);
  });

  it('loses the configured share of packets', async () => {
    ports.link(2)!.configure({ loss: 0.2, seed: 42 });
    const before = ports.link(2)!.counters.lossDrops;
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 4000, duration: 0.5 });
    ports.link(2)!.configure({ loss: 0 });
    const lost = r.sent - r.received;
    expect(ports.link(2)!.counters.lossDrops - before).toBe(lost);
    expect(Math.abs(lost / r.sent - 0.2)).toBeLessThan(0.05);
  });

  it('limits the rate and drops what overflows the queue', async () => {
    // 64-byte frames at 4000 pps offered, 1 Mbit/s allowed: about 1953 pps get through.
    ports.link(2)!.configure({ rateBps: 1_000_000, queueLimit: 50 });
    const start = Date.now();
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 4000, duration: 1 });
    const elapsed = (Date.now() - start) / 1000;
    ports.link(2)!.configure({ rateBps: 0 });
    // The limiter never sends faster than the rate: at most the rate over the whole run, plus the queue.
    const allowedPps = 1_000_000 / (64 * 8);
    expect(r.received).toBeLessThanOrEqual(allowedPps * elapsed + 50);
    expect(r.received).toBeGreaterThan(50);
    expect(ports.link(2)!.counters.queueDrops).toBe(r.sent - r.received);
  });

  it('delays in the receive direction, before the pipeline, and in both directions of one port', async () => {
    ports.link(1, 'ingress')!.configure({ delayUs: 3000 });
    const inbound = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.5 });
    expect(inbound.received).toBe(inbound.sent);
    expect(inbound.p50Ns / MS).toBeGreaterThanOrEqual(3);
    expect(inbound.p50Ns / MS).toBeLessThan(4);
    // As the emulator sets a host–switch link: the same settings on both sides of the switch's port.
    ports.link(1, 'egress')!.configure({ delayUs: 3000 });
    const outbound = await pktgen(`${nsB}:${b1}`, `${nsA}:${a1}`, { rate: 1000, duration: 0.5 });
    const again = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 1000, duration: 0.5 });
    ports.link(1, 'ingress')!.configure({ delayUs: 0 });
    ports.link(1, 'egress')!.configure({ delayUs: 0 });
    for (const r of [outbound, again]) {
      expect(r.received).toBe(r.sent);
      expect(r.p50Ns / MS).toBeGreaterThanOrEqual(3);
      expect(r.p50Ns / MS).toBeLessThan(4);
    }
  });

  it('loses the configured share of packets in the receive direction', async () => {
    const ingress = ports.link(1, 'ingress')!;
    ingress.configure({ loss: 0.2, seed: 43 });
    const before = ingress.counters.lossDrops;
    const forwardedBefore = ports.list().find((p) => p.port === 2)!.counters.txPackets;
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 4000, duration: 0.5 });
    ingress.configure({ loss: 0 });
    const lost = r.sent - r.received;
    expect(ingress.counters.lossDrops - before).toBe(lost);
    expect(Math.abs(lost / r.sent - 0.2)).toBeLessThan(0.05);
    // Lost before the pipeline: only the survivors were forwarded.
    expect(ports.list().find((p) => p.port === 2)!.counters.txPackets - forwardedBefore).toBe(r.received);
  });
});

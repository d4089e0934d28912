// Egress queues under a rate limit, with the clock driven by the test:
// depth, drops when full, pacing, enq/deq depths, deq_timedelta, priorities.
import { beforeEach, describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, mac } from './engine-packets.js';

const MS = 1_000_000n;

function frame(priority: number, tag: number): Uint8Array {
  return Uint8Array.from([...mac('00:00:00:00:00:00'), ...mac('00:00:00:00:00:00'), 0x12, 0x30 | priority, tag]);
}

/** What egress wrote: deq_timedelta (µs) in the destination MAC, enq/deq depth in the source MAC. */
function stamp(d: Uint8Array) {
  const b = Buffer.from(d);
  const src = b.readUIntBE(6, 6);
  return { timedelta: b.readUIntBE(0, 6), enq: Math.floor(src / 2 ** 24), deq: src % 2 ** 24, tag: d[14]! };
}

describe('engine: egress queues (queueing fixture)', () => {
  let clock: bigint;
  let dp: Dataplane;
  let out: Array<{ port: number; data: Uint8Array }>;
  beforeEach(() => {
    clock = 0n;
    dp = new Dataplane({ now: () => clock });
    dp.loadProgram(fixture('queueing'));
    out = capture(dp);
  });

  it('passes packets straight through when the rate is unlimited', () => {
    for (let i = 0; i < 100; i++) dp.receive(1, frame(0, i));
    expect(out).toHaveLength(100);
    expect(stamp(out[99]!.data)).toEqual({ timedelta: 0, enq: 0, deq: 0, tag: 99 });
    expect(dp.service()).toBe(-1);
  });

  it('paces departures by 1/rate, holds at most the depth and drops the rest', () => {
    dp.setQueueRate(2, 1000);
    dp.setQueueDepth(2, 4);
    for (let i = 0; i < 10; i++) dp.receive(1, frame(0, i));
    expect(out.map((o) => stamp(o.data).tag)).toEqual([0]);
    expect(dp.stats().drops.queueFull).toBe(5);
    expect(dp.service()).toBe(1_000_000);
    clock += MS / 2n;
    dp.service();
    expect(out).toHaveLength(1);
    for (let i = 1; i <= 4; i++) {
      clock = BigInt(i) * MS;
      expect(dp.service()).toBe(i < 4 ? 1_000_000 : -1);
    }
    expect(out.map((o) => stamp(o.data))).toEqual([
      { tag: 0, enq: 0, deq: 0, timedelta: 0 },
      { tag: 1, enq: 0, deq: 3, timedelta: 1000 },
      { tag: 2, enq: 1, deq: 2, timedelta: 2000 },
      { tag: 3, enq: 2, deq: 1, timedelta: 3000 },
      { tag: 4, enq: 3, deq: 0, timedelta: 4000 },
    ]);
    expect(dp.stats().ports.get(2)).toMatchObject({ txPackets: 5 });
  });

  it('serves the higher priority first when both are due', () => {
    dp.setQueueRate(2, 1000);
    dp.receive(1, frame(0, 1)); // departs
    dp.receive(1, frame(0, 2));
    dp.receive(1, frame(0, 3));
    dp.receive(1, frame(7, 4)); // its own queue is idle: departs
    dp.receive(1, frame(7, 5));
    clock = MS;
    dp.service();
    clock = 2n * MS;
    dp.service();
    expect(out.map((o) => stamp(o.data).tag)).toEqual([1, 4, 5, 2, 3]);
  });

  it('lets queued packets out at once when the rate becomes unlimited', () => {
    dp.setQueueRate(undefined, 10);
    for (let i = 0; i < 3; i++) dp.receive(1, frame(0, i));
    expect(out).toHaveLength(1);
    dp.setQueueRate(undefined, 0);
    dp.service();
    expect(out.map((o) => stamp(o.data).tag)).toEqual([0, 1, 2]);
  });
});
